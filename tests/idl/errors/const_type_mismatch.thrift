// expect: value of constant "X" must be an i32, not a string
const i32 X = "text"
