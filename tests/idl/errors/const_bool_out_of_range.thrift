// expect: value 2 of constant "B" is out of range for bool
// apache-accepts: Apache 0.17 keeps 2 as the value of a bool constant
const bool B = 2
