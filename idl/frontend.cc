#include "vireo/idl/frontend.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "vireo/idl/parser.h"
#include "vireo/idl/sema.h"

namespace vireo::idl {

namespace fs = std::filesystem;

void Diagnostics::Error(const Location& loc, std::string message) {
  all_.push_back(Diagnostic{Diagnostic::Severity::kError, loc, std::move(message)});
  ++errors_;
}

void Diagnostics::Warning(const Location& loc, std::string message) {
  all_.push_back(Diagnostic{Diagnostic::Severity::kWarning, loc, std::move(message)});
}

void Diagnostics::AddSource(const std::string* file, std::string_view text) {
  sources_[file] = text;
}

std::string Diagnostics::Format(const Diagnostic& d) const {
  std::string out;
  if (d.loc.file != nullptr) {
    out += *d.loc.file;
    if (d.loc.line > 0) {
      out += ":" + std::to_string(d.loc.line);
      if (d.loc.col > 0) out += ":" + std::to_string(d.loc.col);
    }
    out += ": ";
  }
  out += d.severity == Diagnostic::Severity::kError ? "error: " : "warning: ";
  out += d.message;
  out += '\n';
  auto it = sources_.find(d.loc.file);
  if (it == sources_.end() || d.loc.line <= 0) return out;
  // Find the line; the text may be anything, so only '\n' ends a line.
  std::string_view text = it->second;
  size_t start = 0;
  for (int line = 1; line < d.loc.line; ++line) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view line =
      text.substr(start, end == std::string_view::npos ? text.npos : end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  out.append(line.data(), line.size());
  out += '\n';
  // Tabs are kept under the caret so that it lines up with the text above.
  for (int col = 1; col < d.loc.col; ++col) {
    size_t i = static_cast<size_t>(col - 1);
    out += i < line.size() && line[i] == '\t' ? '\t' : ' ';
  }
  out += "^\n";
  return out;
}

std::string Diagnostics::Format() const {
  std::string out;
  for (const Diagnostic& d : all_) out += Format(d);
  return out;
}

namespace {
std::string Quote(const std::string& s) { return "\"" + s + "\""; }
}  // namespace

struct Frontend::Impl {
  Options options;
  Diagnostics* diagnostics = nullptr;
  // Stable storage: Locations point at file names, Diagnostics at texts.
  std::deque<std::string> files;
  std::deque<std::string> texts;
  // Loaded files by canonical path; null = the file failed.
  std::map<std::string, std::unique_ptr<Program>> programs;
  std::map<std::string, bool> failed;
  // The include chain being loaded: canonical paths and the names shown.
  std::vector<std::pair<std::string, std::string>> stack;
  bool byte_warned = false;

  const Program* LoadFile(const std::string& shown, const std::string& key, const std::string* text,
                          const Location& from);
  std::string Find(const std::string& include, const std::string& from_file) const;
};

namespace {

std::string CanonicalKey(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return path;
  return p.string();
}

// Apache's program name: the file's base name up to its last dot.
std::string ProgramName(const std::string& path) {
  std::string base = fs::path(path).filename().string();
  size_t dot = base.rfind('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

bool IsRegularFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

std::string Frontend::Impl::Find(const std::string& include, const std::string& from_file) const {
  if (fs::path(include).is_absolute()) return IsRegularFile(include) ? include : "";
  std::vector<fs::path> dirs;
  dirs.push_back(fs::path(from_file).parent_path());
  for (const std::string& d : options.include_dirs) dirs.emplace_back(d);
  for (const fs::path& dir : dirs) {
    fs::path candidate = dir.empty() ? fs::path(include) : dir / include;
    if (IsRegularFile(candidate.string())) return candidate.string();
  }
  return "";
}

const Program* Frontend::Impl::LoadFile(const std::string& shown, const std::string& key,
                                        const std::string* text, const Location& from) {
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].first != key) continue;
    std::string chain;
    for (size_t j = i; j < stack.size(); ++j) chain += stack[j].second + " -> ";
    chain += shown;
    diagnostics->Error(from, "include cycle: " + chain);
    return nullptr;
  }
  if (auto it = programs.find(key); it != programs.end()) return it->second.get();
  if (failed.count(key) != 0) return nullptr;
  if (static_cast<int>(stack.size()) >= options.max_include_depth) {
    diagnostics->Error(from, "includes nest deeper than " +
                                 std::to_string(options.max_include_depth) + " files at " +
                                 Quote(shown));
    return nullptr;
  }

  files.push_back(shown);
  const std::string* file = &files.back();
  if (text == nullptr) {
    std::ifstream in(shown, std::ios::binary);
    if (!in) {
      diagnostics->Error(from, "cannot open " + Quote(shown));
      failed[key] = true;
      return nullptr;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    texts.push_back(buf.str());
  } else {
    texts.push_back(*text);
  }
  diagnostics->AddSource(file, texts.back());

  internal::ParseOptions parse_options;
  parse_options.max_nesting_depth = options.max_nesting_depth;
  parse_options.byte_warned = &byte_warned;
  std::unique_ptr<Program> program =
      internal::Parse(texts.back(), file, parse_options, diagnostics);
  if (program == nullptr) {
    failed[key] = true;
    return nullptr;
  }
  program->path = shown;
  program->name = ProgramName(shown);

  bool includes_ok = true;
  stack.emplace_back(key, shown);
  for (Include& inc : program->includes) {
    std::string found = Find(inc.path, shown);
    if (found.empty()) {
      std::string searched = fs::path(shown).parent_path().string();
      if (searched.empty()) searched = ".";
      for (const std::string& d : options.include_dirs) searched += ", " + d;
      diagnostics->Error(
          inc.loc, "cannot find include file " + Quote(inc.path) + " (searched: " + searched + ")");
      includes_ok = false;
      continue;
    }
    inc.program = LoadFile(found, CanonicalKey(found), nullptr, inc.loc);
    if (inc.program == nullptr) includes_ok = false;
  }
  stack.pop_back();

  if (!includes_ok || !internal::Analyze(program.get(), diagnostics)) {
    failed[key] = true;
    return nullptr;
  }
  const Program* result = program.get();
  programs[key] = std::move(program);
  return result;
}

Frontend::Frontend(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->diagnostics = &diagnostics_;
}

Frontend::~Frontend() = default;

const Program* Frontend::Load(const std::string& path) {
  int errors = diagnostics_.error_count();
  const Program* p = impl_->LoadFile(path, CanonicalKey(path), nullptr, Location{});
  return diagnostics_.error_count() > errors ? nullptr : p;
}

const Program* Frontend::LoadString(const std::string& path, std::string_view text) {
  int errors = diagnostics_.error_count();
  std::string copy(text);
  const Program* p = impl_->LoadFile(path, CanonicalKey(path), &copy, Location{});
  return diagnostics_.error_count() > errors ? nullptr : p;
}

}  // namespace vireo::idl
