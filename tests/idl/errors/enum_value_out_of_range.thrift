// expect: value 2147483648 of enum value "A" does not fit in 32 bits
enum E {
  A = 2147483648,
}
