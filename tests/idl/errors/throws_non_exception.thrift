// expect: in the throws clause of "call" is not an exception
struct NotAnError {
  1: i32 x,
}
service S {
  void call() throws (1: NotAnError e),
}
