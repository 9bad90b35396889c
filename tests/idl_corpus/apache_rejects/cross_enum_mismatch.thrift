/**
 * An enum constant spelled through another enum's name where the value
 * name is NOT a value of the constant's own enum. Apache 0.17 resolves
 * `Other.NAME` by looking NAME up in the declared enum only, so this fails
 * ("MyEnum1.ME1_1 is not a valid value for that enum"), while
 * `const Second X = First.S_TWO` (S_TWO a value of Second) is accepted:
 * see consts/enums_and_consts.thrift.
 */
namespace cpp corpus.rejects.crossenum

enum First {
  F_ONE = 1,
}

enum Second {
  S_ONE = 1,
  S_TWO = 2,
}

const Second MISMATCH = First.F_ONE
