// String constants: both quote styles and every escape Apache accepts.
namespace cpp vireo.test.strings

const string DOUBLE_QUOTED = "hello"
const string SINGLE_QUOTED = 'hello'
const string EMPTY = ""
const string EMPTY_SINGLE = ''
const string SINGLE_IN_DOUBLE = "it's"
const string DOUBLE_IN_SINGLE = 'say "hi"'
const string ESCAPED_QUOTE = "a \"quoted\" word"
const string ESCAPED_SINGLE = 'it\'s'
const string ESCAPED_SINGLE_IN_DOUBLE = "it\'s"
const string BACKSLASH = "C:\\path\\file"
const string NEWLINE = "line1\nline2"
const string CR_TAB = "a\rb\tc"
const string SLASHES = "http://example.com/a/b"
const string UNICODE = "héllo wörld ✓"
const string SPACES = "  leading and trailing  "
const string HASH_AND_SLASHES = "# not a comment // nor this /* nor this */"
const string REFERENCE = DOUBLE_QUOTED
const binary BYTES = "raw bytes"
const list<string> STRINGS = ["a", 'b', "c\nd", REFERENCE]
const map<string, string> STRING_MAP = {"k\"1": 'v1', 'k2': "v\\2"}

struct StringDefaults {
  1: string a = "x",
  2: string b = 'y',
  3: string c = "tab\there",
  4: binary d = "bin",
  5: string e = BACKSLASH,
}
