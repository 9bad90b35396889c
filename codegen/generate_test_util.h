// Test helpers: load IDL through the front end and run one generator on it
// (GenerateTypes or GenerateRpc), failing the calling test on any error.
//
// Example:
//   GeneratedFiles f = GenerateText(GenerateRpc, "echo.thrift", "service S { ... }");
//   absl::Status s = GenerateTextError(GenerateTypes, "struct A { 1: B b }");
//
// Thread rules: none; call from the test's thread.
#ifndef VIREO_CODEGEN_GENERATE_TEST_UTIL_H_
#define VIREO_CODEGEN_GENERATE_TEST_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codegen/generator.h"
#include "vireo/idl/frontend.h"

namespace vireo::codegen {

using Generator = absl::StatusOr<GeneratedFiles> (*)(const idl::Program&);

// What `generate` writes for `program`; empty (the test has failed) on an
// error.
inline GeneratedFiles GenerateLoaded(Generator generate, const idl::Frontend& frontend,
                                     const idl::Program* program) {
  EXPECT_NE(program, nullptr) << frontend.diagnostics().Format();
  if (program == nullptr) return {};
  absl::StatusOr<GeneratedFiles> files = generate(*program);
  EXPECT_TRUE(files.ok()) << files.status();
  return files.ok() ? *std::move(files) : GeneratedFiles{};
}

// `text`, loaded as file `name`, through `generate`.
inline GeneratedFiles GenerateText(Generator generate, const std::string& name,
                                   const std::string& text) {
  idl::Frontend frontend;
  const idl::Program* program = frontend.LoadString(name, text);
  return GenerateLoaded(generate, frontend, program);
}

// The file at `path` (its includes searched in `include_dirs`) through
// `generate`.
inline GeneratedFiles GenerateFromFile(Generator generate, const std::string& path,
                                       const std::vector<std::string>& include_dirs = {}) {
  idl::Frontend::Options options;
  options.include_dirs = include_dirs;
  idl::Frontend frontend(options);
  const idl::Program* program = frontend.Load(path);
  return GenerateLoaded(generate, frontend, program);
}

// The error `generate` gives for `text`, which must load.
inline absl::Status GenerateTextError(Generator generate, const std::string& text) {
  idl::Frontend frontend;
  const idl::Program* program = frontend.LoadString("bad.thrift", text);
  EXPECT_NE(program, nullptr) << frontend.diagnostics().Format();
  if (program == nullptr) return absl::UnknownError("did not load");
  return generate(*program).status();
}

// Offset of `needle` in `hay`, failing the test when absent.
inline size_t Pos(const std::string& hay, std::string_view needle) {
  size_t p = hay.find(needle);
  EXPECT_NE(p, std::string::npos) << "missing: " << needle;
  return p;
}

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_GENERATE_TEST_UTIL_H_
