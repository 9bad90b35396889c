// expect: field id 40000 of "big" is out of range
// apache-accepts: Apache 0.17 warns that the id exceeds -32768..32767 and keeps it truncated
struct S {
  40000: i32 big,
}
