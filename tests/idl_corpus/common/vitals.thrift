/**
 * A process status service in the shape of fb303: name, version, health,
 * counters and run-time options. Storage and catalog services extend it, so
 * one monitoring client can ask any of them how they are doing.
 *
 * Level 2 of the include graph: includes base.thrift from its own folder.
 */
include "base.thrift"

namespace cpp corpus.common.vitals
namespace java org.vireo.corpus.vitals

/** Life cycle of a process, as a supervisor sees it. */
enum HealthState {
  DEAD = 0,
  STARTING = 1,
  ALIVE = 2,
  STOPPING = 3,
  STOPPED = 4,
  /** Serving, but something needs attention. */
  DEGRADED = 5,
}

/** One sample of a counter with its time. */
struct CounterSample {
  1: required string name,
  2: required i64 value,
  3: optional i64 sampledAtMs,
}

/**
 * Status service every long-running process exposes. Extends the base
 * service of base.thrift; extended in turn by storage and catalog services
 * (a chain of three or more services across files).
 */
service VitalsService extends base.BaseService {
  /** A short name of the process, like "wide-row-node". */
  string getProcessName(),

  /** The build this process runs. */
  string getBuildLabel(),

  /** Current health. */
  HealthState getHealth(),

  /** Why the health is what it is, for humans. */
  string getHealthReason(),

  /** Every counter the process exports. */
  map<string, i64> getAllCounters(),

  /** One counter, 0 when unknown. */
  i64 getOneCounter(1: string key),

  /** The named counters, in the order asked. */
  list<CounterSample> sampleCounters(1: list<string> keys, 2: bool includeTimes = true),

  /** Sets a run-time option. */
  void putOption(1: string key, 2: string value),

  /** One run-time option, empty when unset. */
  string getOption(1: string key),

  /** Every run-time option. */
  map<string, string> getAllOptions(),

  /** Samples the process for a while and returns the profile as text. */
  string captureProfile(1: string profileKind, 2: i32 seconds),

  /** When the process started, in seconds since the epoch. */
  i64 startedAtSeconds(),

  /** Asks the process to restart; no answer. */
  oneway void requestRestart(),

  /** Asks the process to stop taking new work; no answer. */
  oneway void requestDrain(1: i32 graceSeconds),
}
