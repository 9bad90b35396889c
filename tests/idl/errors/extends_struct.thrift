// expect: extends "NotAService", which is not a service
struct NotAService {
  1: i32 x,
}
service S extends NotAService {}
