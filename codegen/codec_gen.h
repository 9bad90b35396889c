// The per-struct codec the generator inserts into generated types.
//
// Example:
//   out += "struct Point {\n" + fields + GenerateCodecMembers(point) + "};\n";
//
// Thread rules: pure functions of the model; any thread.
#ifndef VIREO_CODEGEN_CODEC_GEN_H_
#define VIREO_CODEGEN_CODEC_GEN_H_

#include <string>
#include <vector>

#include "vireo/idl/model.h"

namespace vireo::codegen {

// Member declarations placed inside the body of struct/union/exception `s`.
std::string GenerateCodecMembers(const idl::Struct& s);
// How a struct's decoder reads its fields: kPredicted jumps from each
// field straight to the next one expected (the fastest for structs read
// often); kLoop runs a loop over a switch (about half the code, for the
// argument and result structs of services).
enum class ReadShape { kPredicted, kLoop };

// Definitions placed at namespace scope in the generated .cc.
std::string GenerateCodecDefinitions(const idl::Struct& s, ReadShape shape = ReadShape::kPredicted);
// The encode-only codec of a view struct named s.cpp_name whose members
// are `const T*` pointing at the values of `s`'s fields: every field is
// written (none may be optional) and its pointer must be set. The bytes
// equal those of a struct holding the same values.
std::string GenerateViewCodecMembers(const idl::Struct& s);
std::string GenerateViewCodecDefinitions(const idl::Struct& s);
// Extra includes for the generated header, each with its quotes or angle brackets.
std::vector<std::string> CodecIncludes();

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_CODEC_GEN_H_
