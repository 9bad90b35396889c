// expect: between the key and value types of a map
struct S {
  1: map<string> m,
}
