// expect: integer 99999999999999999999 does not fit in 64 bits
const i64 X = 99999999999999999999
