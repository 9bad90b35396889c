/**
 * An enum-typed constant whose value names another constant. Apache 0.17
 * refuses it ("identifier FAVOURITE is unqualified!"), although it
 * accepts the same for integer, double, string and container constants.
 */
namespace cpp corpus.rejects.enumalias

enum Fruit {
  APPLE = 1,
  PEAR = 2,
}

const Fruit FAVOURITE = Fruit.PEAR
const Fruit SAME_AS_FAVOURITE = FAVOURITE
