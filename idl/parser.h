// The Thrift IDL parser: recursive descent over the Lexer's tokens, building
// one Program with the grammar Apache Thrift 0.17 accepts (see docs/idl.md).
//
// The parser fills in what the text alone decides: names, types as written,
// const values as written (identifiers unresolved), field ids (automatic ids
// -1, -2, ... with a warning, as Apache assigns them), enum values (implicit
// = previous + 1), requiredness, annotations, and doc comments attached by
// Apache's rules (including which comment becomes the program's doc). It
// stops at the first syntax error. Names, types and values are checked by
// the semantic pass (sema.h).
//
// Example:
//   ParseOptions options;
//   std::unique_ptr<Program> p = Parse(text, &file, options, &diagnostics);
//   if (p == nullptr) ...  // the error is in diagnostics
//
// Thread rules: a plain function; one thread per Diagnostics.
#ifndef VIREO_IDL_PARSER_H_
#define VIREO_IDL_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"

namespace vireo::idl::internal {

struct ParseOptions {
  // Deepest nesting of container types, const values and xsd_attrs blocks.
  // Default: 64.
  int max_nesting_depth = 64;
  // Apache warns about `byte` once per run; the caller keeps the flag across
  // files. Null = warn in every file.
  bool* byte_warned = nullptr;
};

// Parses one file. nullptr after a syntax error (reported to `diagnostics`).
// `file` names the file in every Location and must outlive the result.
// The result's `path` and `name` are left for the caller to set.
std::unique_ptr<Program> Parse(std::string_view text, const std::string* file,
                               const ParseOptions& options, Diagnostics* diagnostics);

}  // namespace vireo::idl::internal

#endif  // VIREO_IDL_PARSER_H_
