// expect: unknown type "uint32"
struct S {
  1: uint32 x,
}
