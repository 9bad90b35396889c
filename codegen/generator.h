// vireo-gen's generator: turns one resolved IDL file into `<name>_types.h`
// and `<name>_types.cc`.
//
// The output is a pure function of the model: the same IDL gives the same
// bytes on every run and machine (no paths, times or hash order in it), so
// build systems and reviews can diff it.
//
// Example:
//   idl::Frontend frontend(options);
//   const idl::Program* program = frontend.Load("complex.thrift");
//   absl::StatusOr<GeneratedFiles> files = GenerateTypes(*program);
//   if (!files.ok()) { ... }          // e.g. two included files clash
//   WriteFile(dir + "/" + files->header_name, files->header);
//
// Thread rules: pure functions of an immutable model; any thread.
#ifndef VIREO_CODEGEN_GENERATOR_H_
#define VIREO_CODEGEN_GENERATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vireo/idl/model.h"

namespace vireo::codegen {

// The version vireo-gen prints and writes into the head of generated files.
inline constexpr char kGeneratorVersion[] = "0.1.0";

struct GeneratedFiles {
  std::string header_name;  // "complex_types.h"
  std::string header;
  std::string source_name;  // "complex_types.cc"
  std::string source;
};

// Generates the types (and, through codec_gen.h, the codec) of `program`.
// Fails with InvalidArgument (`file:line:col: error: ...`) when two files
// that `program` includes, directly or not, or `program` and one of them,
// define one C++ name in one C++ namespace. By-value cycles need no check
// here: the front end boxes a field of each (idl/indirection.h).
absl::StatusOr<GeneratedFiles> GenerateTypes(const idl::Program& program);

// The structs and typedefs of `program` in an order in which each is
// declared after everything it needs complete: a by-value member, an
// optional or union member, a typedef it names. Container elements are
// ordered first when possible, but may follow (a struct may hold a
// std::vector of itself), and a field held through a pointer or box needs
// its type only declared.
absl::StatusOr<std::vector<const idl::Definition*>> OrderTypes(const idl::Program& program);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_GENERATOR_H_
