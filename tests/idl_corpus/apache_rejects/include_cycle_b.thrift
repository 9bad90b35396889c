/** The other half of include_cycle_a.thrift. */
include "include_cycle_a.thrift"

namespace cpp corpus.rejects.cycle_b

struct Right {
  1: optional include_cycle_a.Left & left,
  2: i64 weight,
}
