// expect: value 300 of "x" is out of range for i8
// apache-accepts: Apache 0.17 keeps 300 as the default of an i8 field
struct S {
  1: i8 x = 300,
}
