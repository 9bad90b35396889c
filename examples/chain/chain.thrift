// The service of the "chain" example: every stage serves Stage and, but
// for the last, calls the next stage's Stage.
namespace cpp vireo.example.chain

struct Hop {
  1: string stage,
  // Milliseconds left until the call's deadline when the stage received
  // it; -1 when the call had none.
  2: i64 deadline_left_ms,
}

service Stage {
  // Passes `payload` down the chain; the last stage works `work_ms`.
  // The hops come back last stage first.
  list<Hop> relay(1: string payload, 2: i32 work_ms),
}
