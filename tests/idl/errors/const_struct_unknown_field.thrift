// expect: "S" has no field "missing"
struct S {
  1: i32 present,
}
const S VALUE = {"present": 1, "missing": 2}
