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

#include "idl/model.h"

namespace vireo::codegen {

// Member declarations placed inside the body of struct/union/exception `s`.
std::string GenerateCodecMembers(const idl::Struct& s);
// Definitions placed at namespace scope in the generated .cc.
std::string GenerateCodecDefinitions(const idl::Struct& s);
// Extra includes for the generated header, each with its quotes or angle brackets.
std::vector<std::string> CodecIncludes();

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_CODEC_GEN_H_
