struct S { 1: i32 v }
service Svc {}
const i32 C = 1
