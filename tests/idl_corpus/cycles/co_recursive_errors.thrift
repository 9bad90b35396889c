/**
 * Exceptions and structs that hold each other by value: two co-recursive
 * exceptions, an exception holding itself, and a struct/exception pair.
 * Apache 0.17 accepts all of them.
 */
namespace cpp corpus.cycles.errors

/** A shard failed; maybe because a replica failed. */
exception ShardFault {
  1: string what,
  2: i32 shard,
  3: ReplicaFault cause,
}

/** A replica failed; maybe because its shard did. */
exception ReplicaFault {
  1: string what,
  2: string replica,
  3: optional ShardFault cause,
}

/** An exception wrapping an earlier one of its own type. */
exception ChainedFault {
  1: string what,
  2: optional ChainedFault previous,
  3: list<ChainedFault> suppressed,
}

/** A report that holds a fault that holds the report. */
struct FaultReport {
  1: string summary,
  2: ReportedFault fault,
}

exception ReportedFault {
  1: string what,
  2: optional FaultReport report,
}

service FaultyService {
  void run(1: i32 shard)
    throws (1: ShardFault shardFault, 2: ReplicaFault replicaFault, 3: ChainedFault chained,
            4: ReportedFault reported),
  FaultReport lastReport(),
}
