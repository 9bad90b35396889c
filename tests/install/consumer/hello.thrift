// A small IDL the install test compiles through find_package(vireo).
namespace cpp hello

enum Mood {
  CALM = 1,
  HAPPY = 2,
}

struct Greeting {
  1: required string text,
  2: i32 times = 3,
  3: optional Mood mood,
  4: list<string> names,
}

service Greeter {
  Greeting greet(1: Greeting g),
}
