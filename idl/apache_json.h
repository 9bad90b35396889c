// Writes a resolved IDL model as the JSON document Apache Thrift's compiler
// prints for the same file with `thrift --gen json` (0.17), so that the
// front end can be checked against Apache's own reading of every file in the
// conformance corpus (tests/idl/).
//
// The document has the keys Apache writes, with the same meaning: types are
// given after typedefs are followed (an enum is "i32"; a struct, union or
// exception names its "class", scoped as "inc.S" when it was declared in
// another file), constant and default values are printed resolved (enum
// values and constant references become their values, `true` is 1), and an
// annotation written without a value has the value "1". Numbers are printed
// as Apache prints them: integers exactly, doubles with 15 significant
// digits (an infinite double, which Apache prints as invalid JSON, as
// 1e999). Strings are escaped for JSON; bytes >= 0x80 pass through, so UTF-8
// text stays UTF-8.
//
// What Apache's JSON leaves out, this leaves out too: annotations on enum
// values and on base types, and annotations of constants. Layout (indentation,
// key order) is not part of the contract; compare parsed documents.
//
// Example:
//   idl::Frontend frontend;
//   const idl::Program* program = frontend.Load("echo.thrift");
//   if (program != nullptr) std::cout << idl::ToApacheJson(*program);
//
// Thread rules: a pure function of an immutable model; any thread.
#ifndef VIREO_IDL_APACHE_JSON_H_
#define VIREO_IDL_APACHE_JSON_H_

#include <string>
#include <string_view>

#include "vireo/idl/model.h"

namespace vireo::idl {

// The `thrift --gen json` document for `program`, ending in a newline.
// `program` must be resolved (loaded by a Frontend without errors): every
// named type must point at its definition.
std::string ToApacheJson(const Program& program);

// `text` as a JSON string literal, quotes included. Escapes `"`, `\`, `/` and
// every control character below 0x20; other bytes are copied unchanged.
std::string JsonQuote(std::string_view text);

// `value` as Apache's JSON writer prints a double: 15 significant digits, the
// shortest of fixed or exponent form ("%.15g"), e.g. 0.1, 1e+20, 3.
std::string ApacheDouble(double value);

// `value` as a JSON number: ApacheDouble for finite values; infinities, which
// a constant like 1e400 yields, as 1e999 / -1e999 (valid JSON that readers
// take as infinity; Apache prints an invalid "inf"), NaN as null.
std::string JsonDouble(double value);

}  // namespace vireo::idl

#endif  // VIREO_IDL_APACHE_JSON_H_
