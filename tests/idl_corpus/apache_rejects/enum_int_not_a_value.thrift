/**
 * An enum constant given as a number that is not one of the enum's
 * values. Apache 0.17: "Couldn't find a named value in enum Shade for
 * value 7". (A number that is a value, `= 2`, is accepted.)
 */
namespace cpp corpus.rejects.enumint

enum Shade {
  LIGHT = 1,
  DARK = 2,
}

const Shade OK_BY_NUMBER = 2
const Shade NOT_A_VALUE = 7
