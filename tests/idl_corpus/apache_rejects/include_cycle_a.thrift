/**
 * Structs that recurse across two files need the files to include each
 * other. Apache 0.17 does not report the cycle: it recurses until it
 * crashes (segmentation fault, exit status 139). Vireo reports "include
 * cycle: include_cycle_a.thrift -> include_cycle_b.thrift ->
 * include_cycle_a.thrift".
 */
include "include_cycle_b.thrift"

namespace cpp corpus.rejects.cycle_a

struct Left {
  1: optional include_cycle_b.Right & right,
  2: string name,
}
