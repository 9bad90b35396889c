/**
 * Every way a container default or constant can be written in Thrift IDL
 * as Apache 0.17 accepts it: `{}` for a set, a list and a map; `[]` for a
 * list, a set and a map (Apache 0.17 accepts `[]` for a map too, and
 * generates an empty map); non-empty lists and sets; map literals; nested
 * containers; struct literals; containers of structs and enums; typedefs
 * of containers; constants naming other (non-struct) constants. (Apache
 * 0.17 rejects a struct constant named inside another value: see
 * apache_rejects/struct_const_reference.thrift.)
 */
namespace cpp corpus.defaults

enum Shade {
  LIGHT = 1,
  MEDIUM = 2,
  DARK = 3,
}

typedef list<i32> IntList
typedef map<string, IntList> IntListByName

struct Dimensions {
  1: i32 width = 1,
  2: i32 height = 1,
  3: optional string unit,
}

/** A settings struct in which every field has a default. */
struct DisplaySettings {
  /** `{}` as the default of a set, a list and a map. */
  1: set<string> tagsBraces = {},
  2: list<i32> levelsBraces = {},
  3: map<string, i32> limitsBraces = {},
  /** `[]` as the default of a list, a set and a map. */
  4: list<string> namesBrackets = [],
  5: set<i64> idsBrackets = [],
  6: map<i32, string> labelsBrackets = [],
  /** Non-empty lists and sets. */
  7: list<i32> sizes = [1, 2],
  8: set<i32> primes = [2, 3, 5, 7],
  9: set<string> modes = ["dark", "light"],
  /** Map literals, with ; and , separators. */
  10: map<string, i32> weights = {"a": 1, "b": 2; "c": 3},
  11: map<i32, list<string>> groups = {1: ["x", "y"], 2: []},
  /** Nested containers. */
  12: list<list<i32>> grid = [[1, 2], [3, 4], []],
  13: map<string, map<string, i32>> matrix = {"r1": {"c1": 1}, "r2": {}},
  14: list<map<string, set<i32>>> deep = [{"k": [1, 2]}],
  /** Enums in containers, by name and by number. */
  15: list<Shade> shades = [Shade.LIGHT, Shade.DARK, 2],
  16: map<Shade, string> shadeNames = {Shade.LIGHT: "light", Shade.DARK: "dark"},
  /** A struct default written as a map literal. */
  17: Dimensions size = {"width": 640, "height": 480},
  /** A list of struct literals. */
  18: list<Dimensions> thumbnails = [{"width": 32, "height": 32}, {"width": 64}],
  /** Typedefs of containers. */
  19: IntList fromTypedef = [9, 8, 7],
  20: IntListByName byName = {"odd": [1, 3], "even": []},
  /** Optional containers with defaults. */
  21: optional list<string> optionalList = ["default"],
  22: optional map<string, string> optionalMap = {},
  23: required set<Shade> requiredSet = [],
  /** Doubles and bools in containers. */
  24: list<double> ratios = [0.5, 1e3, -2.5E-2, 3],
  25: list<bool> flags = [true, false, 1, 0],
  26: map<bool, string> answers = {true: "yes", false: "no"},
  /** A binary default. */
  27: binary magic = "VIREO",
}

const list<i32> EMPTY_LIST = []
const list<i32> EMPTY_LIST_BRACES = {}
const set<string> EMPTY_SET = []
const set<string> EMPTY_SET_BRACES = {}
const map<string, string> EMPTY_MAP = {}
const map<string, string> EMPTY_MAP_BRACKETS = []
const list<string> COLORS = ["red", "green", "blue"]
const set<i16> SMALL_PRIMES = [2, 3, 5, 7, 11]
const map<string, i32> PORTS = {"http": 80, "https": 443, "thrift": 9090}
const map<i32, map<i32, i32>> TABLE = {1: {1: 1, 2: 2}, 2: {4: 8}}
const list<list<list<string>>> CUBE = [[["a"]], [[], ["b", "c"]]]
const map<string, list<map<string, i32>>> NESTED = {"x": [{"y": 1}, {}], "z": []}
const Dimensions HD = {"width": 1280, "height": 720, "unit": "px"}
const list<Dimensions> SIZES = [{"width": 1}, {"width": 1280, "height": 720}, {"height": 2}]
const map<string, Dimensions> NAMED_SIZES = {"hd": {"width": 1280, "height": 720}, "tiny": {"width": 1, "height": 1}}
const DisplaySettings DEFAULT_SETTINGS = {"sizes": [3, 4], "size": {"width": 800, "height": 600}, "shades": [Shade.MEDIUM], "weights": {}, "groups": {7: ["q"]}}
const map<Shade, list<Dimensions>> BY_SHADE = {Shade.DARK: [{"width": 2}], Shade.LIGHT: []}
const IntListByName TYPEDEF_CONST = {"one": [1]}
const list<string> MORE_COLORS = COLORS
const list<string> NO_COLORS = []
const map<string, list<string>> PALETTES = {"basic": COLORS, "none": NO_COLORS}
const list<Shade> ALL_SHADES = [Shade.LIGHT, Shade.MEDIUM, Shade.DARK]

service SettingsService {
  DisplaySettings current(),
  void store(1: DisplaySettings settings = {"sizes": [5]}),
  list<Dimensions> thumbnails(1: list<i32> widths = [32, 64], 2: map<string, string> hints = {}),
}
