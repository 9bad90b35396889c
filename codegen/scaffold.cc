#include "vireo/codegen/scaffold.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "vireo/codegen/cpp_types.h"

namespace vireo::codegen {
namespace {

namespace fs = std::filesystem;
using idl::Field;
using idl::Function;
using idl::Service;
using idl::Type;

constexpr size_t kColumns = 100;

// ---- Names ----

// `name` as a C++ identifier: other characters become '_', and a leading
// digit gets a '_' in front.
std::string Identifier(std::string_view name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

// "InventoryService" -> "inventory_service".
std::string SnakeCase(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c) && i > 0 &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
         std::isdigit(static_cast<unsigned char>(name[i - 1])))) {
      out += '_';
    }
    out += static_cast<char>(std::tolower(c));
  }
  return Identifier(out);
}

// How the project's code names class `name` generated for service `s`.
std::string GeneratedClass(const Service& s, const std::string& suffix) {
  const std::string ns = s.program != nullptr ? CppNamespace(*s.program) : "";
  return (ns.empty() ? "::" : "::" + ns + "::") + s.name + suffix;
}

bool IsVoid(const Type& type) {
  const Type& t = idl::TrueType(type);
  return t.kind == Type::Kind::kBase && t.base == idl::BaseType::kVoid;
}

// A method as the project's code spells it: declared by service `owner`,
// whose file qualifies its types.
struct Method {
  const Service* owner;
  const Function* f;
};

// Every method of `s`: its own, then those of the services it extends (as
// the generated Methods() lists them); a name seen already is skipped.
std::vector<Method> AllMethods(const Service& s) {
  std::vector<Method> out;
  std::set<std::string> seen;
  for (const Service* p = &s; p != nullptr; p = p->extends) {
    for (const Function& f : p->functions) {
      if (seen.insert(f.name).second) out.push_back({p, &f});
    }
  }
  return out;
}

std::string TypeName(const Type& type, const Method& m) {
  return CppTypeName(type, *m.owner->program, /*qualify_local=*/true);
}

std::string ResultType(const Method& m) {
  return IsVoid(*m.f->return_type) ? "void" : TypeName(*m.f->return_type, m);
}

// The handler's context parameter: `ctx`, or `vireo_ctx` when an argument
// has that name (as the generated handler names it).
std::string CtxName(const Function& f) {
  for (const Field& a : f.arguments) {
    if (a.cpp_name == "ctx") return "vireo_ctx";
  }
  return "ctx";
}

// The parameters of the handler's blocking form; `commented` comments the
// names out (the stub uses none of them).
std::vector<std::string> Params(const Method& m, bool commented) {
  auto name = [&](const std::string& n) { return commented ? "/*" + n + "*/" : n; };
  std::vector<std::string> out = {"::vireo::CallContext& " + name(CtxName(*m.f))};
  for (const Field& a : m.f->arguments) {
    const std::string type = TypeName(*a.type, m);
    out.push_back((IsScalar(*a.type) ? type + " " : "const " + type + "& ") + name(a.cpp_name));
  }
  return out;
}

// `indent head(items) tail` on one line when it fits in kColumns, else
// with the items after a line break, packed at `indent` + 4.
std::string Wrap(const std::string& indent, const std::string& head,
                 const std::vector<std::string>& items, const std::string& tail) {
  std::string one = indent + head + absl::StrJoin(items, ", ") + tail;
  if (one.size() <= kColumns) return one + "\n";
  const std::string inner(indent.size() + 4, ' ');
  std::string out = indent + head + "\n" + inner;
  size_t col = inner.size();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string piece = items[i] + (i + 1 < items.size() ? "," : tail);
    if (i > 0 && col + 1 + piece.size() > kColumns) {
      out += "\n" + inner;
      col = inner.size();
    } else if (i > 0) {
      out += " ";
      ++col;
    }
    out += piece;
    col += piece.size();
  }
  return out + "\n";
}

// `// text` lines, each at most kColumns wide when the words allow.
std::string Comment(const std::string& indent, std::string_view text) {
  std::string out;
  std::string line = indent + "//";
  std::istringstream words{std::string(text)};
  for (std::string w; words >> w;) {
    if (line.size() + 1 + w.size() > kColumns && line.size() > indent.size() + 2) {
      out += line + "\n";
      line = indent + "//";
    }
    line += " " + w;
  }
  return out + line + "\n";
}

// `#include "x"` lines in the order clang-format sorts them.
std::string Includes(std::vector<std::string> headers) {
  std::sort(headers.begin(), headers.end());
  std::string out;
  for (const std::string& h : headers) out += "#include \"" + h + "\"\n";
  return out;
}

std::string Fill(std::string_view text, const std::vector<std::pair<std::string, std::string>>& v) {
  std::vector<std::pair<absl::string_view, absl::string_view>> pairs(v.begin(), v.end());
  return absl::StrReplaceAll(absl::string_view(text.data(), text.size()), pairs);
}

// ---- Templates (@KEY@ is replaced; the delimiter keeps clang-format out) ----

constexpr char kHandlerHeader[] =
    R"tpl(// The handlers of the services of @IDL@: one class per service, each
// method failing with UNIMPLEMENTED until it is written.
//
// Replace a method's body with the real work. Its blocking form (the one
// here) runs on a loop thread of the server, or on a worker thread when
// config.yaml sets worker_threads: override co_<method> instead (returning
// vireo::Task<R>) for work that awaits other calls. To answer with an
// exception the IDL declares, throw it.
//
// Thread rules: the server runs methods on several threads at once; the
// objects must be thread safe.
#ifndef @GUARD@
#define @GUARD@

@INCLUDES@
namespace @NS@ {

// Fails the running call with `status`. The server answers a
// TApplicationException INTERNAL_ERROR "<CODE>: <message>"; a Vireo client
// reads it back as `status` (its code and message), other Thrift clients
// see the text.
[[noreturn]] void FailCall(const absl::Status& status);
@CLASSES@
}  // namespace @NS@

#endif  // @GUARD@
)tpl";

constexpr char kHandlerSource[] = R"tpl(#include "handler.h"

#include <stdexcept>
#include <string>

namespace @NS@ {

void FailCall(const absl::Status& status) {
  // The server answers an exception escaping a handler with its what(), and
  // a Vireo client reads a leading "<CODE>: " as the status code.
  throw std::runtime_error(absl::StatusCodeToString(status.code()) + ": " +
                           std::string(status.message()));
}
@METHODS@
}  // namespace @NS@
)tpl";

constexpr char kServerMain[] =
    R"tpl(// @NAME@_server: serves @SERVICES@ (@IDL@) with the options of a
// YAML file.
//
// Usage:
//   @NAME@_server [config.yaml]
//
// Prints "listening on HOST:PORT" once it accepts calls (the port chosen
// when the file says port 0), and stops gracefully on SIGINT or SIGTERM:
// calls in flight may finish within the file's shutdown_grace.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handler.h"
#include "vireo/core/server.h"
#include "vireo/core/server_options.h"

int main(int argc, char** argv) {
  const std::string config = argc > 1 ? argv[1] : "config.yaml";
  absl::StatusOr<vireo::ServerOptions> options = vireo::ServerOptions::FromYamlFile(config);
  if (!options.ok()) {
    std::fprintf(stderr, "@NAME@_server: %s\n", options.status().ToString().c_str());
    return 1;
  }

  // Blocked here, before the server starts its threads, so that every
  // thread inherits the mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

@HANDLERS@  vireo::Server server(*options);
@ADD@  if (absl::Status status = server.Start(); !status.ok()) {
    std::fprintf(stderr, "@NAME@_server: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("listening on %s\n", server.address().ToString().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) != 0) {
  }
  std::printf("%s, stopping\n", strsignal(signal_number));
  std::fflush(stdout);
  server.Stop();
  return 0;
}
)tpl";

constexpr char kClientMain[] =
    R"tpl(// @NAME@_client: calls @WHAT@ once, with default arguments, on a
// @NAME@_server and prints the reply or the error.
//
// Usage:
//   @NAME@_client [HOST:PORT]      (default 127.0.0.1:8888, config.yaml's)
//
// Exits 0 when the call succeeds, 1 when it fails.
#include <cstdio>
#include <iostream>
#include <string>

@INCLUDES@
int main(int argc, char** argv) {
  const std::string target = argc > 1 ? argv[1] : "127.0.0.1:8888";
  vireo::ClientOptions options;
  // Names the service in each call's header: the server hosts several
  // services, and a method may belong to more than one.
  options.service = @SERVICE@;
  options.targets = {target};
  vireo::Client client(options);
  @CLIENT@ stub(&client);

@CALL@}
)tpl";

// ---- The project's names ----

struct Project {
  const idl::Program* program;
  std::string idl_file;    // "multi.thrift"
  std::string name;        // "multi": executables <name>_server, <name>_client
  std::string ns;          // the handlers' namespace: "multi_server"
  std::string guard;       // "MULTI_SERVER_HANDLER_H_"
  std::string idl_target;  // "multi_idl"
  // The project's IDL files, the main one first: where vireo_add_thrift
  // finds them (a path relative to the project, or an absolute one).
  std::vector<std::string> idl_paths;
  std::vector<ScaffoldFile> idl_copies;   // empty when referenced by path
  std::vector<std::string> include_dirs;  // absolute; only when referenced
};

std::string Upper(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A CMake target name: the IDL's name when it is made of letters, digits
// and "_.+-", else its identifier.
std::string TargetName(std::string_view name) {
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_.+-").find(c) == std::string_view::npos) {
      return Identifier(name);
    }
  }
  return std::string(name);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading ", path));
  return text.str();
}

// Whether `path` is relative and stays below its base ("a/b.thrift", not
// "../b.thrift" or "/x/b.thrift").
bool StaysBelow(const std::string& path) {
  fs::path p(path);
  if (p.is_absolute() || p.has_root_name()) return false;
  for (const fs::path& part : p) {
    if (part == "..") return false;
  }
  return true;
}

// Places `p` (copied to `dest`, relative to the project) and what it
// includes, each where its includer's copy finds it first. False when an
// include cannot be placed so, or one file would need two places.
bool PlaceCopies(const idl::Program& p, const fs::path& dest,
                 std::map<const idl::Program*, fs::path>* placed) {
  if (auto it = placed->find(&p); it != placed->end()) return it->second == dest;
  for (const auto& [other, where] : *placed) {
    if (where == dest) return false;
  }
  placed->emplace(&p, dest);
  for (const idl::Include& inc : p.includes) {
    if (inc.program == nullptr || !StaysBelow(inc.path)) return false;
    if (!PlaceCopies(*inc.program, (dest.parent_path() / inc.path).lexically_normal(), placed)) {
      return false;
    }
  }
  return true;
}

void CollectPrograms(const idl::Program& p, std::vector<const idl::Program*>* out) {
  for (const idl::Program* seen : *out) {
    if (seen == &p) return;
  }
  out->push_back(&p);
  for (const idl::Include& inc : p.includes) {
    if (inc.program != nullptr) CollectPrograms(*inc.program, out);
  }
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return ec ? path : abs.lexically_normal().generic_string();
}

absl::StatusOr<Project> MakeProject(const idl::Program& program, const ScaffoldOptions& options) {
  Project pr;
  pr.program = &program;
  pr.idl_file = fs::path(program.path).filename().string();
  pr.name = TargetName(program.name);
  pr.ns = Identifier(program.name) + "_server";
  pr.guard = Upper(pr.ns) + "_HANDLER_H_";
  pr.idl_target = pr.name + "_idl";

  std::vector<const idl::Program*> programs;
  CollectPrograms(program, &programs);
  std::map<const idl::Program*, fs::path> placed;
  if (PlaceCopies(program, fs::path(pr.idl_file), &placed)) {
    for (const idl::Program* p : programs) {
      absl::StatusOr<std::string> text = ReadFile(p->path);
      if (!text.ok()) return text.status();
      const std::string path = placed[p].generic_string();
      pr.idl_paths.push_back(path);
      pr.idl_copies.push_back({path, *std::move(text)});
    }
  } else {
    for (const idl::Program* p : programs) pr.idl_paths.push_back(Absolute(p->path));
    for (const std::string& dir : options.include_dirs) pr.include_dirs.push_back(Absolute(dir));
  }
  return pr;
}

// ---- handler.h / handler.cc ----

std::string HandlerClass(const Service& s) { return s.name + "Handler"; }

std::string HandlerHeader(const Project& pr) {
  std::string classes;
  for (const auto& s : pr.program->services) {
    classes += "\n";
    classes += Comment("", "Serves " + s->name +
                               (s->extends != nullptr ? " (and the methods it inherits)." : "."));
    classes += "class " + HandlerClass(*s) + " : public " + GeneratedClass(*s, "Handler") +
               " {\n public:\n";
    const std::vector<Method> methods = AllMethods(*s);
    for (size_t i = 0; i < methods.size(); ++i) {
      const Method& m = methods[i];
      if (i > 0) classes += "\n";
      if (m.owner != s.get()) classes += "  // From " + m.owner->name + ".\n";
      if (m.f->oneway) classes += "  // Oneway: the caller gets no reply.\n";
      classes +=
          Wrap("  ", ResultType(m) + " " + m.f->cpp_name + "(", Params(m, false), ") override;");
    }
    classes += "};\n";
  }
  return Fill(kHandlerHeader,
              {{"@IDL@", pr.idl_file},
               {"@GUARD@", pr.guard},
               {"@INCLUDES@", Includes({pr.program->name + "_rpc.h", "absl/status/status.h"})},
               {"@NS@", pr.ns},
               {"@CLASSES@", classes}});
}

std::string HandlerSource(const Project& pr) {
  std::string methods;
  for (const auto& s : pr.program->services) {
    for (const Method& m : AllMethods(*s)) {
      methods += "\n";
      methods += Wrap("", ResultType(m) + " " + HandlerClass(*s) + "::" + m.f->cpp_name + "(",
                      Params(m, true), ") {");
      if (!m.f->exceptions.empty()) {
        std::vector<std::string> names;
        for (const Field& e : m.f->exceptions) names.push_back(TypeName(*e.type, m));
        methods += Comment("  ", "Declared exceptions (throw one to answer with it): " +
                                     absl::StrJoin(names, ", ") + ".");
      }
      if (m.f->oneway) {
        methods += "  // No reply goes back: the server logs the failure.\n";
      }
      methods +=
          Wrap("  ", "FailCall(absl::UnimplementedError(",
               {CppStringLiteral(s->name + "." + m.f->name + " is not implemented yet")}, "));");
      methods += "}\n";
    }
  }
  return Fill(kHandlerSource, {{"@NS@", pr.ns}, {"@METHODS@", methods}});
}

// ---- main.cc ----

std::string ServerMain(const Project& pr) {
  std::string handlers;
  std::string add;
  std::vector<std::string> names;
  std::set<std::string> taken = {"config", "options",      "server",
                                 "status", "stop_signals", "signal_number"};
  for (const auto& s : pr.program->services) {
    std::string var = SnakeCase(s->name) + "_handler";
    while (!taken.insert(var).second) var += "_";
    handlers += "  " + pr.ns + "::" + HandlerClass(*s) + " " + var + ";\n";
    add += "  server.AddService(&" + var + ");\n";
    names.push_back(s->name);
  }
  return Fill(kServerMain, {{"@NAME@", pr.name},
                            {"@SERVICES@", absl::StrJoin(names, ", ")},
                            {"@IDL@", pr.idl_file},
                            {"@HANDLERS@", handlers},
                            {"@ADD@", add}});
}

// ---- client.cc ----

// The method the client calls: the first two-way method of `s` (its own
// first, then inherited), else its first oneway one; null when it has none.
const Method* ChosenMethod(const std::vector<Method>& methods) {
  for (const Method& m : methods) {
    if (!m.f->oneway) return &m;
  }
  return methods.empty() ? nullptr : &methods.front();
}

bool HasCppType(const Type& type) {
  const Type* t = &type;
  while (true) {
    if (idl::FindAnnotation(t->annotations, "cpp.type") != nullptr) return true;
    if (t->kind != Type::Kind::kNamed || t->resolved == nullptr ||
        t->resolved->kind != idl::Definition::Kind::kTypedef) {
      return false;
    }
    if (idl::FindAnnotation(t->resolved->annotations, "cpp.type") != nullptr) return true;
    t = static_cast<const idl::Typedef*>(t->resolved)->type.get();
  }
}

// What prints the value of `reply` (an absl::StatusOr of `type`) on a
// std::ostream, or "" when the type has no printer: containers print their
// size.
std::string PrintExpr(const Type& type, const std::string& reply) {
  const std::string value = "*" + reply;
  if (HasCppType(type)) return "";
  const Type& t = idl::TrueType(type);
  switch (t.kind) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      return reply + "->size() << \" elements\"";
    case Type::Kind::kNamed:
      return value;  // enums and structs have operator<<
    case Type::Kind::kBase:
      break;
  }
  switch (t.base) {
    case idl::BaseType::kBool:
      return "(" + value + " ? \"true\" : \"false\")";
    case idl::BaseType::kI8:
      return "static_cast<int>(" + value + ")";
    case idl::BaseType::kUuid:
    case idl::BaseType::kVoid:
      return "";
    default:
      return value;
  }
}

std::string ClientMain(const Project& pr) {
  const Service& s = *pr.program->services.front();
  const std::vector<Method> methods = AllMethods(s);
  const Method* m = ChosenMethod(methods);
  std::string call;
  std::string what = s.name;
  if (m == nullptr) {
    call = "  std::printf(\"" + s.name + " has no methods to call\\n\");\n  return 0;\n";
  } else {
    what = s.name + "." + m->f->name;
    std::set<std::string> taken = {"target", "options", "client", "stub", "reply",
                                   "status", "argc",    "argv",   "main"};
    std::vector<std::string> args;
    for (const Field& a : m->f->arguments) {
      std::string var = a.cpp_name;
      while (!taken.insert(var).second) var += "_";
      call += "  const " + TypeName(*a.type, *m) + " " + var + "{};\n";
      args.push_back(var);
    }
    const std::string failed = CppStringLiteral(what + " failed: ");
    if (m->f->oneway || IsVoid(*m->f->return_type)) {
      call += Wrap("  ", "const absl::Status status = stub." + m->f->cpp_name + "(", args, ");");
      call += "  if (!status.ok()) {\n";
      call += "    std::cerr << " + failed + " << status << \"\\n\";\n";
      call += "    return 1;\n  }\n";
      call += "  std::cout << " + CppStringLiteral(what + " returned") + " << \"\\n\";\n";
    } else {
      call += Wrap(
          "  ", "const absl::StatusOr<" + ResultType(*m) + "> reply = stub." + m->f->cpp_name + "(",
          args, ");");
      call += "  if (!reply.ok()) {\n";
      call += "    std::cerr << " + failed + " << reply.status() << \"\\n\";\n";
      call += "    return 1;\n  }\n";
      const std::string print = PrintExpr(*m->f->return_type, "reply");
      call += print.empty()
                  ? "  std::cout << " + CppStringLiteral(what + " returned") + " << \"\\n\";\n"
                  : "  std::cout << " + CppStringLiteral(what + " returned ") + " << " + print +
                        " << \"\\n\";\n";
    }
    call += "  return 0;\n";
  }
  return Fill(kClientMain,
              {{"@NAME@", pr.name},
               {"@WHAT@", what},
               {"@INCLUDES@", Includes({pr.program->name + "_rpc.h", "absl/status/status.h",
                                        "absl/status/statusor.h", "vireo/core/client.h"})},
               {"@SERVICE@", CppStringLiteral(s.name)},
               {"@CLIENT@", GeneratedClass(s, "Client")},
               {"@CALL@", call}});
}

// ---- CMakeLists.txt, config.yaml, README.md ----

// A CMake argument: quoted when it holds anything but a plain path.
std::string CMakeArg(const std::string& s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_.+-/").find(c) == std::string_view::npos) {
      return "\"" + absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}, {"$", "\\$"}}) + "\"";
    }
  }
  return s;
}

std::string CMakeLists(const Project& pr) {
  std::vector<std::string> files;
  for (const std::string& p : pr.idl_paths) files.push_back(CMakeArg(p));
  std::string idl = "vireo_add_thrift(TARGET " + pr.idl_target + "\n  FILES " +
                    absl::StrJoin(files, "\n        ");
  if (!pr.include_dirs.empty()) {
    std::vector<std::string> dirs;
    for (const std::string& d : pr.include_dirs) dirs.push_back(CMakeArg(d));
    idl += "\n  INCLUDE_DIRS " + absl::StrJoin(dirs, "\n               ");
  }
  idl += ")";
  const std::string where =
      pr.idl_copies.empty()
          ? "# The IDL files stay where they are (an include reaches outside the\n"
            "# project), named by absolute path; vireo_add_thrift lists every file\n"
            "# the services need.\n"
          : "# Every IDL file the services need (one that includes another needs\n"
            "# both listed).\n";
  return Fill(R"cmake(# @NAME@: the services of @IDL@, served by @NAME@_server and called
# by @NAME@_client.
cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

find_package(vireo REQUIRED)

@WHERE@@IDLRULE@

add_executable(@NAME@_server main.cc handler.cc)
target_link_libraries(@NAME@_server PRIVATE @TARGET@ vireo::core)

add_executable(@NAME@_client client.cc)
target_link_libraries(@NAME@_client PRIVATE @TARGET@ vireo::core)
)cmake",
              {{"@NAME@", pr.name},
               {"@IDL@", pr.idl_file},
               {"@WHERE@", where},
               {"@IDLRULE@", idl},
               {"@TARGET@", pr.idl_target}});
}

std::string ConfigYaml(const Project& pr) {
  return Fill(R"yaml(# Options of @NAME@_server. Every key is optional; the full list, with
# defaults, is in vireo/core/server_options.h.

# host:port to listen on; port 0 takes any free port.
address: "127.0.0.1:8888"
# Event loop threads; 0 = one per hardware thread.
num_loops: 0
# Threads that run handlers; 0 runs them on the loop threads (for handlers
# that never block).
worker_threads: 0
# How long a stop (SIGINT, SIGTERM) lets calls in flight finish.
shutdown_grace: 5s
# Per-method call metrics, read at http://HOST:PORT/metrics.
metrics: true
# Who may read the admin pages on the service port: off, loopback, any.
admin: loopback
)yaml",
              {{"@NAME@", pr.name}});
}

std::string Readme(const Project& pr) {
  std::vector<std::string> services;
  for (const auto& s : pr.program->services) services.push_back("`" + s->name + "`");
  const std::string idl_note =
      pr.idl_copies.empty()
          ? "The IDL files are not copied here (an include reaches outside this\n"
            "folder): CMakeLists.txt names them where they are:\n\n" +
                [&] {
                  std::string out;
                  for (const std::string& p : pr.idl_paths) out += "- `" + p + "`\n";
                  return out;
                }()
          : "`" + pr.idl_file + "` is a copy of the IDL" +
                (pr.idl_copies.size() > 1 ? std::string(", with the files it includes") : "") +
                "; edit it here.\n";
  return Fill(R"md(# @NAME@

The services of `@IDL@` (@SERVICES@), served by `@NAME@_server` and called
by `@NAME@_client`. Needs an installed Vireo (`find_package(vireo)`; pass
`-DCMAKE_PREFIX_PATH=<prefix>` when it is not in a standard place).

Build, then run the server (here in the background) and the client:

```sh
cmake -S . -B build && cmake --build build
build/@NAME@_server config.yaml & build/@NAME@_client 127.0.0.1:8888
```

(`kill %1` stops the server.)

Every method answers UNIMPLEMENTED until it is written: the client prints
that error and exits 1. The handlers are in `handler.cc`; the server's
options in `config.yaml` (the keys: `vireo/core/server_options.h`). The
server prints `listening on HOST:PORT` once it accepts calls and stops
gracefully on SIGINT or SIGTERM.

@IDLNOTE@)md",
              {{"@NAME@", pr.name},
               {"@IDL@", pr.idl_file},
               {"@SERVICES@", absl::StrJoin(services, ", ")},
               {"@IDLNOTE@", idl_note}});
}

}  // namespace

absl::StatusOr<std::vector<ScaffoldFile>> GenerateScaffold(const idl::Program& program,
                                                           const ScaffoldOptions& options) {
  if (program.services.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(program.path, ": declares no service; nothing to scaffold"));
  }
  absl::StatusOr<Project> pr = MakeProject(program, options);
  if (!pr.ok()) return pr.status();
  std::vector<ScaffoldFile> files = {
      {"CMakeLists.txt", CMakeLists(*pr)}, {"main.cc", ServerMain(*pr)},
      {"handler.h", HandlerHeader(*pr)},   {"handler.cc", HandlerSource(*pr)},
      {"client.cc", ClientMain(*pr)},      {"config.yaml", ConfigYaml(*pr)},
      {"README.md", Readme(*pr)},
  };
  for (ScaffoldFile& f : pr->idl_copies) files.push_back(std::move(f));
  return files;
}

absl::Status WriteScaffold(const std::vector<ScaffoldFile>& files, const std::string& dir,
                           bool force) {
  const fs::path root(dir);
  if (!force) {
    std::vector<std::string> existing;
    for (const ScaffoldFile& f : files) {
      std::error_code ec;
      const fs::path path = root / f.path;
      if (fs::exists(fs::symlink_status(path, ec))) existing.push_back(path.string());
    }
    if (!existing.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("nothing written: ", existing.size() == 1 ? "a file exists" : "files exist",
                       " already (--force overwrites):\n  ", absl::StrJoin(existing, "\n  ")));
    }
  }
  for (const ScaffoldFile& f : files) {
    const fs::path path = root / f.path;
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
    }
    fs::path tmp = path;
    tmp += ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
      out.close();
      if (!out) return absl::FailedPreconditionError(absl::StrCat("cannot write ", tmp.string()));
    }
    fs::rename(tmp, path, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot rename ", tmp.string(), " to ", path.string(), ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace vireo::codegen
