// expect: unterminated comment
// Apache 0.17 loops forever on this file; check_error.py stops it.
/* never closed
struct S {}
