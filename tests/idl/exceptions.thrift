// Exceptions: fields, ids, requiredness, defaults, docs, annotations, and
// their use in `throws` clauses.
namespace cpp vireo.test.exceptions

exception Plain {}

/** Something went wrong. */
exception Detailed {
  /** What happened. */
  1: required string message,
  2: optional i32 code = 500,
  3: list<string> trace,
  4: map<string, string> context = {"where": "here"},
} (exception.severity = "high")

exception Implicit {
  string what,
  i32 why,
}

exception Nesting {
  1: Detailed cause,
  2: optional list<Plain> suppressed,
}

struct CarriesError {
  1: Detailed error,
  2: list<Plain> errors,
}

service Failing {
  void fail() throws (1: Plain plain),
  i32 fail_many(1: string arg) throws (1: Plain plain, 2: Detailed detailed, 3: Nesting nesting),
  void implicit_throw() throws (Implicit implicit, Plain plain),
  oneway void never_throws(),
  string throws_empty() throws (),
  Detailed returns_exception(),
}
