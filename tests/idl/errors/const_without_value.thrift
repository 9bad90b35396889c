// expect: expected '=' after the constant name
const i32 X
