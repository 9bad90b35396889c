// The service of the "chain" example: every stage serves Stage and, but
// for the last, calls the next stage's Stage.
namespace cpp vireo.example.chain

struct Hop {
  1: string stage,
  // Milliseconds left until the call's deadline when the stage received
  // it; -1 when the call had none.
  2: i64 deadline_left_ms,
  // The W3C trace id and span id of the call at this stage (hex).
  3: string trace_id,
  4: string span_id,
  // The span of the caller of this stage.
  5: string parent_span_id,
}

service Stage {
  // Passes `payload` down the chain; the last stage works `work_ms`.
  // The hops come back last stage first.
  list<Hop> relay(1: string payload, 2: i32 work_ms),
}
