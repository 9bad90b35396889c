/**
 * Linked lists spelled every way Thrift IDLs mark a field held by
 * reference: Apache's `&` (a std::shared_ptr in its C++ output), and the
 * fbthrift-style annotations cpp.ref, cpp.ref_type (unique, shared,
 * shared_const), cpp2.ref and cpp2.ref_type, which Apache accepts and
 * ignores.
 */
namespace cpp corpus.refs.lists

/** The classic shape: a list cell with a reference to the rest. */
struct RecordChain {
  1: RecordChain & following,
  2: i16 payload,
}

/** The same with the reference optional. */
struct OptionalChain {
  1: optional OptionalChain & following,
  2: string payload,
}

/** Required reference (Apache still makes it a shared_ptr). */
struct RequiredChain {
  1: required RequiredChain & following,
  2: i32 payload,
}

/** cpp.ref = "true" (fbthrift: unique_ptr). */
struct UniqueLink {
  1: i64 value,
  2: optional UniqueLink tail (cpp.ref = "true"),
}

/** cpp.ref_type = "unique". */
struct OwnedLink {
  1: i64 value,
  2: optional OwnedLink tail (cpp.ref_type = "unique"),
}

/** cpp.ref_type = "shared". */
struct SharedLink {
  1: i64 value,
  2: optional SharedLink tail (cpp.ref_type = "shared"),
}

/** cpp.ref_type = "shared_const". */
struct FrozenLink {
  1: i64 value,
  2: optional FrozenLink tail (cpp.ref_type = "shared_const"),
}

/** The older cpp2 spellings. */
struct LegacyLink {
  1: i64 value,
  2: optional LegacyLink tail (cpp2.ref = "true"),
}

struct LegacySharedLink {
  1: i64 value,
  2: optional LegacySharedLink tail (cpp2.ref_type = "shared"),
}

/** A doubly linked cell: both directions by reference. */
struct TwoWayCell {
  1: string value,
  2: optional TwoWayCell & before,
  3: optional TwoWayCell & after,
}

/** Non-recursive fields held by reference too (a big blob shared cheaply). */
struct Envelope {
  1: binary body (cpp.ref_type = "shared"),
  2: optional list<string> headers (cpp.ref = "true"),
  3: map<string, string> & attributes,
  4: optional RecordChain chain (cpp.ref_type = "unique"),
}

const i16 FIRST_PAYLOAD = 1

service ChainWalker {
  i32 length(1: RecordChain head),
  RecordChain reverse(1: RecordChain head),
  list<i64> flatten(1: UniqueLink a, 2: OwnedLink b, 3: SharedLink c, 4: FrozenLink d,
                    5: LegacyLink e, 6: LegacySharedLink f),
  Envelope wrap(1: Envelope input),
}
