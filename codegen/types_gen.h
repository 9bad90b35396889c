// The pieces of `<name>_types.h/.cc` for each kind of definition; the
// generator (generator.cc) puts them in order and wraps them in includes
// and namespaces.
//
// Example:
//   header += GenerateEnumDeclaration(e, program);
//   source += GenerateEnumDefinitions(e, program);
//
// Each function returns complete lines at namespace scope (no indentation),
// ending in a newline. See docs/codegen.md for what the generated code
// offers its users.
//
// Thread rules: pure functions of an immutable model; any thread.
#ifndef VIREO_CODEGEN_TYPES_GEN_H_
#define VIREO_CODEGEN_TYPES_GEN_H_

#include <string>

#include "vireo/codegen/codec_gen.h"
#include "vireo/idl/model.h"

namespace vireo::codegen {

// `enum class E : int32_t {...}`, EnumName, EnumFromName, kEValues and the
// operator<< declaration.
std::string GenerateEnumDeclaration(const idl::Enum& e, const idl::Program& program);
// EnumFromName and operator<< for the .cc.
std::string GenerateEnumDefinitions(const idl::Enum& e, const idl::Program& program);

// `using Name = T;`
std::string GenerateTypedef(const idl::Typedef& t, const idl::Program& program);

// `inline constexpr T NAME = v;` for bool, integers, double and enums;
// `inline const T NAME = v;` for the rest.
std::string GenerateConst(const idl::Const& c, const idl::Program& program);

// `struct S {...};` (or the union class, or the exception) and its
// operator<< declaration.
std::string GenerateStructDeclaration(const idl::Struct& s, const idl::Program& program);
// operator<<, DebugString, what() and the codec definitions for the .cc.
std::string GenerateStructDefinitions(const idl::Struct& s, const idl::Program& program,
                                      ReadShape shape = ReadShape::kPredicted);

// The printing helpers every generated .cc holds in an unnamed namespace.
std::string GeneratePrintHelpers();

// A `// ...` comment block for an IDL doc comment, each line prefixed by
// `indent`; "" for an empty doc.
std::string DocComment(const std::string& doc, const std::string& indent);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_TYPES_GEN_H_
