// expect: value 3000000000 of constant "X" is out of range for i32
// apache-accepts: Apache 0.17 takes any 64-bit value for an i32 and leaves the generated code to truncate it
const i32 X = 3000000000
