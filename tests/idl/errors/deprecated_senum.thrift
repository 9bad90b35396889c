// expect: "senum" is no longer supported
senum Names {
  "a",
  "b",
}
