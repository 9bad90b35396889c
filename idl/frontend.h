// The IDL front end: loads a .thrift file and everything it includes, parses
// each once, runs the semantic pass and returns the resolved model.
//
// Errors and warnings are collected as Diagnostics, each
// `file:line:col: error: message` followed by the source line and a caret
// under the column. Load returns nullptr when any error was found; warnings
// alone do not fail a load. No input makes the front end crash, hang or
// recurse without bound (include depth and nesting depth are limited).
//
// Example:
//   idl::Frontend::Options options;
//   options.include_dirs = {"idl/common"};
//   idl::Frontend frontend(options);
//   const idl::Program* program = frontend.Load("service.thrift");
//   std::cerr << frontend.diagnostics().Format();
//   if (program == nullptr) return 1;
//
// Thread rules: one thread per Frontend. The returned model lives as long as
// the Frontend and is immutable.
#ifndef VIREO_IDL_FRONTEND_H_
#define VIREO_IDL_FRONTEND_H_

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vireo/idl/model.h"

namespace vireo::idl {

struct Diagnostic {
  enum class Severity { kWarning, kError };

  Severity severity = Severity::kError;
  Location loc;
  std::string message;
};

// The diagnostics of one Frontend, in the order they were found.
class Diagnostics {
 public:
  void Error(const Location& loc, std::string message);
  void Warning(const Location& loc, std::string message);

  const std::vector<Diagnostic>& all() const { return all_; }
  int error_count() const { return errors_; }
  int warning_count() const { return static_cast<int>(all_.size()) - errors_; }

  // Every diagnostic as `file:line:col: error: message`, then the source
  // line and a caret under the column, each block ending in a newline.
  std::string Format() const;
  // One diagnostic in that form.
  std::string Format(const Diagnostic& d) const;

  // Source text by file, for Format(). Set by the Frontend.
  void AddSource(const std::string* file, std::string_view text);

 private:
  std::vector<Diagnostic> all_;
  int errors_ = 0;
  std::map<const std::string*, std::string_view> sources_;
};

class Frontend {
 public:
  struct Options {
    // Searched, in order, after the including file's own folder, for
    // `include "x.thrift"`. Default: none.
    std::vector<std::string> include_dirs;
    // Deepest include chain accepted. Default: 64.
    int max_include_depth = 64;
    // Deepest nesting of types or const values accepted. Default: 64.
    int max_nesting_depth = 64;
  };

  Frontend() : Frontend(Options{}) {}
  explicit Frontend(Options options);
  ~Frontend();
  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // Loads `path` and its includes. nullptr when there was any error (see
  // diagnostics()). Calling Load again for a file already loaded returns the
  // same Program.
  const Program* Load(const std::string& path);

  // Parses `text` as if it were the file `path` (includes are still looked
  // up on disk). For tests and tools.
  const Program* LoadString(const std::string& path, std::string_view text);

  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Diagnostics diagnostics_;
};

}  // namespace vireo::idl

#endif  // VIREO_IDL_FRONTEND_H_
