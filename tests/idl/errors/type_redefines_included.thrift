// expect: type "S" is already defined in the included file "include/defines_s.thrift"
include "include/defines_s.thrift"

// Apache keeps one type namespace across includes; constants may repeat.
const i32 C = 2
enum S { A }
