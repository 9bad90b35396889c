// Container and struct constants: lists, sets, maps, nesting, struct
// literals written as maps (also nested and inside containers), and
// references to other constants and to enum values.
namespace cpp vireo.test.containers

enum Suit { CLUBS = 1, DIAMONDS, HEARTS, SPADES }

struct Card {
  1: Suit suit,
  2: i16 rank,
  3: optional string nickname,
}

struct Hand {
  1: list<Card> cards,
  2: map<string, Card> named,
  3: Card best,
  4: optional set<Suit> suits,
}

union Wild {
  1: Card card,
  2: string joker,
}

const list<i32> EMPTY_LIST = []
const set<string> EMPTY_SET = []
const map<string, i32> EMPTY_MAP = {}
const list<i32> NUMBERS = [1, 2, 3,]
const list<i32> NUMBERS_SEMI = [1; 2; 3]
const list<i32> NUMBERS_BARE = [1 2 3]
const set<i64> UNIQUE = [5, 3, 9]
const map<string, i32> WORDS = {"one": 1, "two": 2, "three": 3}
const map<i32, string> BY_NUMBER = {3: "three", 1: "one", -2: "minus two", 0x10: "sixteen"}
const map<string, i32> WORDS_SEMI = {"a": 1; "b": 2;}
const list<list<i32>> MATRIX = [[1, 2], [3, 4], []]
const map<string, list<string>> GROUPS = {"vowels": ["a", "e"], "none": []}
const list<map<string, set<i32>>> DEEP = [{"x": [1, 2]}, {}]
const map<string, map<string, double>> TABLE = {"r1": {"c1": 1.5, "c2": 2}, "r2": {}}

const Card ACE = {"suit": Suit.SPADES, "rank": 1}
const Card KING = {"suit": 3, "rank": 13, "nickname": "K"}
const i32 FIRST_RANK = 1
const string NICK = "ace"
const Hand HAND = {
  "cards": [{"suit": Suit.CLUBS, "rank": 2}, {"suit": Suit.SPADES, "rank": FIRST_RANK, "nickname": NICK}],
  "named": {"queen": {"suit": Suit.HEARTS, "rank": 12}},
  "best": {"suit": Suit.SPADES, "rank": FIRST_RANK},
  "suits": [Suit.SPADES, Suit.HEARTS],
}
const list<Card> CARDS = [{"suit": 1, "rank": 5}, {"rank": 6}]
const map<Suit, Card> BY_SUIT = {Suit.SPADES: {"rank": 1}, Suit.HEARTS: {"rank": 13}}
const Wild WILD = {"joker": "big"}
const Wild WILD_CARD = {"card": {"suit": Suit.DIAMONDS, "rank": 7}}
const list<Suit> SUITS = [Suit.CLUBS, 2, Suit.SPADES]
const list<i32> REFS = [FIRST_RANK, Suit.HEARTS, 7]
const map<string, i32> REF_MAP = {NICK: FIRST_RANK, "hearts": Suit.HEARTS}

struct WithDefaults {
  1: list<i32> numbers = [10, 20],
  2: map<string, i32> counts = {"x": 1},
  3: set<string> tags = ["a", "b"],
  4: Card card = {"suit": Suit.DIAMONDS, "rank": FIRST_RANK},
  5: list<Card> cards = [{"suit": Suit.CLUBS, "rank": 3}],
  6: Hand hand = {"best": {"suit": 1, "rank": 1}},
  7: Wild wild = {"card": {"rank": 9}},
  8: list<list<string>> nested = [["x"], []],
  9: map<Suit, list<Card>> by_suit = {Suit.HEARTS: [{"rank": 13, "nickname": NICK}]},
  10: map<string, string> names = {NICK: NICK},
}
