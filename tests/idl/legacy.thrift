// Older and rarer forms Apache 0.17 still accepts: `async` for oneway,
// `&` reference fields, xsd_* field modifiers, single-quoted includes,
// separators after typedefs and constants.
namespace cpp vireo.test.legacy
include 'common.thrift'
cpp_include 'legacy.h'

typedef i32 Number;
typedef list<Number> Numbers,

const i32 ANSWER = 42;
const string NAME = "legacy",

enum Old { A, B }

struct Linked {
  1: optional Linked & next_link,
  2: i32 value xsd_optional,
  3: string label xsd_nillable,
  4: common.Entry entry xsd_attrs { 1: i32 attr },
}

exception OldError { 1: string why }

service OldService {
  async void notify(1: i32 what),
  Number add(1: Number a, 2: Number b);
}
