// Fuzz target: the IDL front end (idl/: lexer, parser, semantic pass) on the
// text of a .thrift file, then what vireo-gen does with a file that loads:
// Apache's JSON form (idl/apache_json.h) and the generated C++ (codegen/).
//
// Input: the text of the file `fuzz.thrift`. If it contains the line
// `#inc` (a comment to Thrift), the text after that line is the one file
// every `include "..."` of the first part finds, in memory: each include
// loads it under its own path (its program name is the path's base name, as
// for a file on disk), and its own includes are not found. An input with no
// `include` at all goes through Frontend::LoadString instead, the entry
// point of tools. Nothing is read from disk.
//
// Checks: no crash, hang, leak or unbounded recursion (the front end
// promises all four for any input); a file that loads must also print and
// generate without crashing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vireo/codegen/generator.h"
#include "vireo/codegen/rpc_gen.h"
#include "vireo/idl/apache_json.h"
#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"
#include "vireo/idl/parser.h"
#include "vireo/idl/sema.h"

namespace vireo::fuzz {
namespace {

constexpr std::string_view kSeparator = "\n#inc\n";
// Includes of the first part loaded at most; the rest are "not found".
constexpr size_t kMaxIncludes = 4;

// Apache's program name: the base name up to its last dot.
std::string ProgramName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  const size_t dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(0, dot));
}

// What vireo-gen does with a loaded file.
void Generate(const idl::Program& program) {
  (void)idl::ToApacheJson(program);
  absl::StatusOr<codegen::GeneratedFiles> types = codegen::GenerateTypes(program);
  if (!types.ok()) return;
  (void)codegen::GenerateRpc(program);
}

// Parses and checks one file as the Frontend does, with its includes
// already loaded (null where one failed). Null when there was an error.
std::unique_ptr<idl::Program> Load(const std::string* path, std::string_view text,
                                   idl::Diagnostics* diagnostics, bool* byte_warned) {
  idl::internal::ParseOptions options;
  options.byte_warned = byte_warned;
  std::unique_ptr<idl::Program> program = idl::internal::Parse(text, path, options, diagnostics);
  if (program == nullptr) return nullptr;
  program->path = *path;
  program->name = ProgramName(*path);
  return program;
}

void LoadWithIncludes(std::string_view main_text, std::string_view included_text) {
  idl::Diagnostics diagnostics;
  bool byte_warned = false;
  // Stable storage for the file names Locations point at.
  std::vector<std::unique_ptr<std::string>> paths;
  std::vector<std::unique_ptr<idl::Program>> included;

  paths.push_back(std::make_unique<std::string>("fuzz.thrift"));
  diagnostics.AddSource(paths.back().get(), main_text);
  std::unique_ptr<idl::Program> program =
      Load(paths.back().get(), main_text, &diagnostics, &byte_warned);
  if (program == nullptr) {
    (void)diagnostics.Format();
    return;
  }
  bool includes_ok = true;
  for (idl::Include& inc : program->includes) {
    if (included.size() >= kMaxIncludes) {
      includes_ok = false;
      continue;
    }
    paths.push_back(std::make_unique<std::string>(inc.path));
    diagnostics.AddSource(paths.back().get(), included_text);
    std::unique_ptr<idl::Program> p =
        Load(paths.back().get(), included_text, &diagnostics, &byte_warned);
    // Its own includes are not found, so it fails as the Frontend fails it.
    if (p == nullptr || !p->includes.empty() || !idl::internal::Analyze(p.get(), &diagnostics)) {
      includes_ok = false;
      continue;
    }
    inc.program = p.get();
    included.push_back(std::move(p));
  }
  if (includes_ok && idl::internal::Analyze(program.get(), &diagnostics)) Generate(*program);
  (void)diagnostics.Format();
}

}  // namespace
}  // namespace vireo::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vireo;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("include") == std::string_view::npos) {
    idl::Frontend frontend;
    const idl::Program* program = frontend.LoadString("fuzz.thrift", text);
    if (program != nullptr) fuzz::Generate(*program);
    (void)frontend.diagnostics().Format();
    return 0;
  }
  const size_t sep = text.find(fuzz::kSeparator);
  if (sep == std::string_view::npos) {
    fuzz::LoadWithIncludes(text, std::string_view());
  } else {
    fuzz::LoadWithIncludes(text.substr(0, sep), text.substr(sep + fuzz::kSeparator.size()));
  }
  return 0;
}
