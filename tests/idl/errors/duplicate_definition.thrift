// expect: "Thing" is already defined
struct Thing {
  1: i32 a,
}
enum Thing { A }
