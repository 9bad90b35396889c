// Used by codegen_cli_test: structs that contain each other by value (the
// front end boxes B.a, with a warning).
struct A {
  1: B b,
}

struct B {
  1: A a,
}
