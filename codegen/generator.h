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
//   if (!files.ok()) { ... }          // e.g. a struct that contains itself
//   WriteFile(dir + "/" + files->header_name, files->header);
//
// Thread rules: pure functions of an immutable model; any thread.
#ifndef VIREO_CODEGEN_GENERATOR_H_
#define VIREO_CODEGEN_GENERATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "idl/model.h"

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
// Fails with InvalidArgument, naming the file, line and the chain of
// fields, when structs contain each other by value in a cycle (directly or
// through std::optional or a union), which no C++ type can represent.
absl::StatusOr<GeneratedFiles> GenerateTypes(const idl::Program& program);

// The structs and typedefs of `program` in an order in which each is
// declared after everything it needs complete: a by-value member, an
// optional or union member, a typedef it names. Container elements are
// ordered first when possible, but may follow (a struct may hold a
// std::vector of itself). Fails as GenerateTypes does on a by-value cycle.
absl::StatusOr<std::vector<const idl::Definition*>> OrderTypes(const idl::Program& program);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_GENERATOR_H_
