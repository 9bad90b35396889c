// expect: unknown type "other.Thing"
struct S {
  1: other.Thing thing,
}
