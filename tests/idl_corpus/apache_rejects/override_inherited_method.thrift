/**
 * A service that declares a method its parent already has. Apache 0.17
 * refuses it ("Function ping is already defined in service Child").
 */
namespace cpp corpus.rejects.override

service Parent {
  void ping(),
}

service Child extends Parent {
  void ping(),
  i32 other(),
}
