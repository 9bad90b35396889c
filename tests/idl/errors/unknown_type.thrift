// expect: unknown type "Missing"
struct S {
  1: Missing m,
}
