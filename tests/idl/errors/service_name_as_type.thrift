// expect: "Svc" is a service, not a type
service Svc {}
struct S {
  1: Svc svc,
}
