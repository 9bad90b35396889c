#include "vireo/codegen/rpc_gen.h"

#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "vireo/codegen/codec_gen.h"
#include "vireo/codegen/cpp_types.h"
#include "vireo/codegen/types_gen.h"

namespace vireo::codegen {
namespace {

using idl::Field;
using idl::Function;
using idl::Requiredness;
using idl::Service;
using idl::Struct;
using idl::Type;

constexpr size_t kColumns = 100;

// ---- Layout ----

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? sep : "") + items[i];
  return out;
}

// The last space of `piece` outside a string or character literal, where a
// declaration may break between its type and its name; npos when there is
// none. A break inside a literal would split it across lines, which does
// not compile.
size_t LastBreakableSpace(const std::string& piece) {
  size_t found = std::string::npos;
  char quote = 0;
  for (size_t i = 0; i < piece.size(); ++i) {
    const char c = piece[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ' ') {
      found = i;
    }
  }
  return found;
}

// Packs `items` (comma-separated, the last followed by `tail`) into lines
// that start at `column`, the first continuing `out`'s current line. False
// when some line still passes the column limit.
bool Pack(const std::vector<std::string>& items, const std::string& tail, size_t column,
          std::string* out) {
  size_t col = column;
  bool first_on_line = true;
  bool fits = true;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string piece = items[i] + (i + 1 < items.size() ? "," : tail);
    if (!first_on_line && col + 1 + piece.size() > kColumns) {
      *out += "\n" + std::string(column, ' ');
      col = column;
      first_on_line = true;
    }
    if (!first_on_line) {
      *out += " ";
      ++col;
    }
    const size_t space = LastBreakableSpace(piece);
    const bool split = first_on_line && col + piece.size() > kColumns && space != std::string::npos;
    if (split) {
      // One declaration wider than the line: its name goes on the next,
      // indented further, as clang-format breaks it.
      if (col + space > kColumns) fits = false;
      *out += piece.substr(0, space) + "\n" + std::string(column + 4, ' ');
      piece = piece.substr(space + 1);
      col = column + 4;
    }
    *out += piece;
    col += piece.size();
    first_on_line = false;
    if (split) col = kColumns;  // what follows a split declaration starts a line
    if (col > kColumns) fits = false;
  }
  return fits;
}

// `indent head items tail` (head ends in the opening paren, tail starts
// with the closing one) laid out as clang-format's Google style does: on
// one line when it fits; else the items packed after the paren and aligned
// to it; else after a line break, packed at `indent` + 4. Ends in "\n".
std::string Wrap(const std::string& indent, const std::string& head,
                 const std::vector<std::string>& items, const std::string& tail) {
  std::string one = indent + head + Join(items, ", ") + tail;
  if (one.size() <= kColumns || items.empty()) return one + "\n";
  std::string aligned = indent + head;
  const bool aligned_fits = Pack(items, tail, aligned.size(), &aligned);
  std::string broken = indent + head + "\n" + std::string(indent.size() + 4, ' ');
  Pack(items, tail, indent.size() + 4, &broken);
  // clang-format prefers the layout with fewer lines; a braced list breaks
  // after its brace unless aligning saves a line.
  auto lines = [](const std::string& text) {
    size_t n = 1;
    for (char c : text) n += c == '\n' ? 1 : 0;
    return n;
  };
  const size_t aligned_lines = lines(aligned);
  const size_t broken_lines = lines(broken);
  const bool braced = head.back() == '{';
  if (aligned_fits && (braced ? aligned_lines < broken_lines : aligned_lines <= broken_lines)) {
    return aligned + "\n";
  }
  return broken + "\n";
}

// ---- Names ----

std::string HandlerName(const Service& s) { return s.name + "Handler"; }
std::string ClientName(const Service& s) { return s.name + "Client"; }
std::string StructName(const Service& s, const Function& f, const std::string& suffix) {
  return s.name + "_" + f.name + "_" + suffix;
}
std::string InvokerName(const Function& f) { return "VireoInvoke_" + f.name; }
std::string MethodInfoName(const Service& s, const Function& f) {
  return "k" + s.name + "_" + f.name;
}

// The coroutine form's name: `co_` + the method's C++ name, with a `_`
// when that spells a coroutine keyword (a method named `await`).
std::string CoName(const Function& f) {
  std::string n = "co_" + f.cpp_name;
  if (n == "co_await" || n == "co_return" || n == "co_yield") n += "_";
  return n;
}

// How code in `current` names class `name` generated for service `s`.
std::string ServiceClass(const Service& s, const idl::Program& current, const std::string& name) {
  if (s.program == &current || s.program == nullptr) return name;
  std::string ns = CppNamespace(*s.program);
  return ns.empty() ? "::" + name : "::" + ns + "::" + name;
}

// `want`, or `vireo_` + want when a parameter of `f` already has that name.
std::string FreeName(const Function& f, const std::string& want) {
  for (const Field& a : f.arguments) {
    if (a.cpp_name == want) return "vireo_" + want;
  }
  return want;
}

bool IsVoid(const Type& type) {
  const Type& t = idl::TrueType(type);
  return t.kind == Type::Kind::kBase && t.base == idl::BaseType::kVoid;
}

// The IDL name of the exception a throws-clause field holds.
std::string ExceptionName(const Field& e) {
  const Struct* x = idl::AsStruct(idl::TrueType(*e.type));
  return x != nullptr ? x->name : e.type->name;
}

std::string LocationPrefix(const idl::Location& loc, const idl::Program& program) {
  std::string file = loc.file != nullptr ? *loc.file : program.path;
  return file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col) + ": ";
}

std::string Upper(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  }
  return out;
}

// ---- The model of one service's code ----

// A member of a generated class whose name is also the name of a type of
// this file hides the type inside the class; the class then names its
// file's types fully qualified.
bool HidesTypes(const std::vector<std::string>& members, const idl::Program& program) {
  // A set, not a scan of the definitions per member: a service at the end
  // of a long `extends` chain has thousands of members, and comparing each
  // with every definition made the chain cubic (seconds for 15 KB of IDL).
  const std::set<std::string_view> names(members.begin(), members.end());
  for (const idl::Definition* d : program.definitions) {
    if (names.count(d->cpp_name) != 0) return true;
  }
  return false;
}

// Every member name a service's handler or client class has, own or
// inherited.
std::vector<std::string> MemberNames(const Service& s) {
  std::vector<std::string> out = {"ServiceName", "Methods", "vireo_client"};
  for (const Service* p = &s; p != nullptr; p = p->extends) {
    for (const Function& f : p->functions) {
      out.push_back(f.cpp_name);
      out.push_back(CoName(f));
      out.push_back(InvokerName(f));
    }
  }
  return out;
}

// The synthesized structs of one method. `result` is null for oneway.
struct MethodStructs {
  std::unique_ptr<Struct> args;
  std::unique_ptr<Struct> pargs;
  std::unique_ptr<Struct> result;
};

Field CopyField(const Field& f, Requiredness requiredness) {
  Field out;
  out.id = f.id;
  out.id_explicit = f.id_explicit;
  out.name = f.name;
  out.cpp_name = f.cpp_name;
  out.type = idl::CloneType(*f.type);
  out.requiredness = requiredness;
  out.default_value = f.default_value;
  out.reference = f.reference;
  // Arguments, results and throws-clause fields are held by value: the
  // handler and client take them by reference already.
  out.indirection = idl::Field::Indirection::kValue;
  out.annotations = f.annotations;
  out.loc = f.loc;
  return out;
}

std::unique_ptr<Struct> NewStruct(const std::string& name, const std::string& doc,
                                  const Function& f, const idl::Program& program) {
  auto s = std::make_unique<Struct>();
  s->name = name;
  s->cpp_name = name;
  s->program = &program;
  s->doc = doc;
  s->loc = f.loc;
  return s;
}

MethodStructs MakeStructs(const Service& service, const Function& f, const idl::Program& program) {
  const std::string full = service.name + "." + f.name;
  MethodStructs m;
  // As in Apache Thrift, `optional` means nothing in an argument list:
  // every argument is sent.
  m.args = NewStruct(StructName(service, f, "args"), "The arguments of " + full + ".", f, program);
  m.pargs = NewStruct(StructName(service, f, "pargs"),
                      "The arguments of " + full +
                          " as the client sends them: pointers to the caller's\n"
                          "values, encoded in place with no copy; the same bytes as " +
                          m.args->name + ".\nEvery member must be set.",
                      f, program);
  for (const Field& a : f.arguments) {
    Requiredness r = a.requiredness == Requiredness::kRequired ? Requiredness::kRequired
                                                               : Requiredness::kDefault;
    m.args->fields.push_back(CopyField(a, r));
    m.pargs->fields.push_back(CopyField(a, Requiredness::kDefault));
  }
  if (f.oneway) return m;
  m.result = NewStruct(StructName(service, f, "result"),
                       "The reply of " + full +
                           ": `success` (the return value), or the declared\n"
                           "exception the method threw.",
                       f, program);
  if (!IsVoid(*f.return_type)) {
    Field success;
    success.id = 0;
    success.id_explicit = true;
    success.name = "success";
    success.cpp_name = "success";
    success.type = idl::CloneType(*f.return_type);
    success.requiredness = Requiredness::kOptional;
    success.loc = f.loc;
    m.result->fields.push_back(std::move(success));
  }
  for (const Field& e : f.exceptions) {
    m.result->fields.push_back(CopyField(e, Requiredness::kOptional));
  }
  return m;
}

// Structs whose field shadows a type of the file name the file's types
// fully qualified (as types_gen.cc does for ordinary structs).
bool FieldsHideTypes(const Struct& s, const idl::Program& program) {
  std::vector<std::string> names;
  for (const Field& f : s.fields) names.push_back(f.cpp_name);
  return HidesTypes(names, program);
}

std::string PargsDeclaration(const Struct& p, const idl::Program& program) {
  const bool q = FieldsHideTypes(p, program);
  std::string out = DocComment(p.doc, "");
  out += "struct " + p.cpp_name + " {\n";
  for (const Field& f : p.fields) {
    out += "  const " + CppTypeName(*f.type, program, q) + "* " + f.cpp_name + " = nullptr;\n";
  }
  if (!p.fields.empty()) out += "\n";
  out += GenerateViewCodecMembers(p);
  out += "};\n";
  return out;
}

// One generated service: its names and how its classes spell things.
class ServiceGen {
 public:
  ServiceGen(const Service& s, const idl::Program& program)
      : s_(s), program_(program), q_(HidesTypes(MemberNames(s), program)) {
    for (const Function& f : s.functions) structs_.push_back(MakeStructs(s, f, program));
  }

  std::string HeaderStructs() const;
  std::string HandlerDeclaration() const;
  std::string ClientDeclaration() const;
  std::string SourceStructs() const;
  std::string SourceHelpers() const;
  std::string HandlerDefinitions() const;
  std::string ClientDefinitions() const;

 private:
  std::string TypeName(const Type& t) const { return CppTypeName(t, program_, q_); }
  // The return type of the handler's blocking form: R or void.
  std::string ResultType(const Function& f) const {
    return IsVoid(*f.return_type) ? "void" : TypeName(*f.return_type);
  }
  // The client's Ret: absl::StatusOr<R>, or absl::Status for void and oneway.
  std::string ClientRet(const Function& f) const {
    if (IsVoid(*f.return_type)) return "::absl::Status";
    return "::absl::StatusOr<" + TypeName(*f.return_type) + ">";
  }
  // The parameters: scalars by value, the rest by const reference.
  // `commented` comments the names out (an unused parameter).
  std::vector<std::string> Params(const Function& f, bool commented = false) const {
    std::vector<std::string> out;
    for (const Field& a : f.arguments) {
      std::string name = commented ? "/*" + a.cpp_name + "*/" : a.cpp_name;
      if (IsScalar(*a.type)) {
        out.push_back(TypeName(*a.type) + " " + name);
      } else {
        out.push_back("const " + TypeName(*a.type) + "& " + name);
      }
    }
    return out;
  }
  std::vector<std::string> ArgNames(const Function& f, const std::string& prefix) const {
    std::vector<std::string> out;
    for (const Field& a : f.arguments) out.push_back(prefix + a.cpp_name);
    return out;
  }
  // `const S_m_pargs args{.a = &a, ...};`
  std::string PargsLine(const Function& f) const;
  std::string HandlerMethodsTable() const;
  std::string Invoker(const Function& f, const MethodStructs& m) const;

  const Service& s_;
  const idl::Program& program_;
  const bool q_;
  std::vector<MethodStructs> structs_;
};

std::string ServiceGen::HeaderStructs() const {
  std::string out;
  for (const MethodStructs& m : structs_) {
    out += "\n" + GenerateStructDeclaration(*m.args, program_);
    out += "\n" + PargsDeclaration(*m.pargs, program_);
    if (m.result) out += "\n" + GenerateStructDeclaration(*m.result, program_);
  }
  return out;
}

std::string ServiceGen::HandlerDeclaration() const {
  const std::string name = HandlerName(s_);
  const std::string base = s_.extends != nullptr
                               ? ServiceClass(*s_.extends, program_, HandlerName(*s_.extends))
                               : "::vireo::Service";
  std::string out = DocComment(s_.doc, "");
  if (!s_.doc.empty()) out += "//\n";
  out += "// The server side of service " + s_.name +
         ".\n"
         "//\n"
         "// Derive from it, override the methods it serves, and register the object\n"
         "// with a vireo::Server. Each method has a blocking form and a coroutine\n"
         "// form; the server awaits the coroutine form, whose default calls the\n"
         "// blocking one, whose default throws std::runtime_error(\"<Service>.<method>\n"
         "// is not implemented\") (the caller gets a TApplicationException\n"
         "// INTERNAL_ERROR). Override either. Throwing a declared exception answers\n"
         "// with it; any other exception is INTERNAL_ERROR.\n"
         "//\n"
         "// Thread rules: methods run on several threads at once; the object must be\n"
         "// thread safe. Reference parameters live until the method returns (the\n"
         "// coroutine form: until its task finishes).\n";
  out += "class " + name + " : public " + base + " {\n public:\n";
  out += "  // \"" + s_.name + "\".\n";
  out += "  std::string_view ServiceName() const override;\n";
  out += "  // Every method of " + s_.name + ", with those of the services it extends.\n";
  out += "  std::span<const ::vireo::MethodDescriptor> Methods() const override;\n";
  for (const Function& f : s_.functions) {
    out += "\n";
    out += DocComment(f.doc, "  ");
    if (f.oneway) out += "  // Oneway: the caller gets no reply.\n";
    if (!f.exceptions.empty()) {
      std::vector<std::string> names;
      for (const Field& e : f.exceptions) names.push_back(TypeName(*e.type));
      out += "  // Declared exceptions: " + Join(names, ", ") + ".\n";
    }
    std::vector<std::string> params = {"::vireo::CallContext& " + FreeName(f, "ctx")};
    for (const std::string& p : Params(f)) params.push_back(p);
    out += Wrap("  ", "virtual " + ResultType(f) + " " + f.cpp_name + "(", params, ");");
    out +=
        Wrap("  ", "virtual ::vireo::Task<" + ResultType(f) + "> " + CoName(f) + "(", params, ");");
  }
  if (!s_.functions.empty()) {
    out += "\n protected:\n";
    out += "  // The invokers of Methods(), listed again by the handlers of services\n";
    out += "  // that extend " + s_.name + ".\n";
    for (const Function& f : s_.functions) {
      out += Wrap("  ", "static ::vireo::Task<::absl::Status> " + InvokerName(f) + "(",
                  {"::vireo::Service& service", "::vireo::ServerCall& call"}, ");");
    }
  }
  out += "};\n";
  return out;
}

std::string ServiceGen::ClientDeclaration() const {
  const std::string name = ClientName(s_);
  std::string out = "// A typed client of service " + s_.name +
                    ".\n"
                    "//\n"
                    "// It calls through a vireo::Client (vireo/core/client.h). Per method:\n"
                    "//   Ret m(args..., options)             blocking (`m(args..., {})` too)\n"
                    "//   absl::Status m(args..., &out, options)\n"
                    "//                                       blocking, decoding into out and\n"
                    "//                                       reusing its storage\n"
                    "//   void m(args..., done, options)      callback: `done` runs once, on a\n"
                    "//                                       loop thread\n"
                    "//   Task<Ret> co_m(args..., options)    coroutine: encodes the arguments\n"
                    "//                                       when called (the task owns the\n"
                    "//                                       bytes); this object must live\n"
                    "//                                       until the task is first awaited\n"
                    "// where Ret is absl::StatusOr<R>, or absl::Status for void and oneway\n"
                    "// methods. A declared exception arrives as UNKNOWN \"<Name>: <what>\" and\n"
                    "// vireo::IdlException<E>(status) returns it; the other errors are\n"
                    "// vireo::Client's.\n"
                    "//\n"
                    "// Thread rules: thread safe, as vireo::Client is. A blocking call must\n"
                    "// not run on an event-loop thread.\n";
  if (s_.extends != nullptr) {
    const std::string base = ServiceClass(*s_.extends, program_, ClientName(*s_.extends));
    out += "class " + name + " : public " + base + " {\n public:\n";
    out += "  // Calls through `client`, which must outlive this object.\n";
    out += "  explicit " + name + "(::vireo::Client* client) : " + base + "(client) {}\n";
    out += "  // Calls through `client`, keeping it alive.\n";
    const std::string head = "  explicit " + name + "(std::shared_ptr<::vireo::Client> client)";
    const std::string init = ": " + base + "(std::move(client)) {}\n";
    out += head.size() + 1 + init.size() - 1 <= kColumns ? head + " " + init
                                                         : head + "\n      " + init;
  } else {
    out += "class " + name + " {\n public:\n";
    out += "  // Calls through `client`, which must outlive this object.\n";
    out += "  explicit " + name + "(::vireo::Client* client) : vireo_client_(client) {}\n";
    out += "  // Calls through `client`, keeping it alive.\n";
    out += "  explicit " + name + "(std::shared_ptr<::vireo::Client> client)\n";
    out += "      : vireo_owned_(std::move(client)), vireo_client_(vireo_owned_.get()) {}\n\n";
    out += "  // The client the calls go through.\n";
    out += "  ::vireo::Client& vireo_client() const { return *vireo_client_; }\n";
  }
  for (const Function& f : s_.functions) {
    out += "\n";
    out += DocComment(f.doc, "  ");
    if (f.oneway) out += "  // Oneway: OK once the request is sent; no reply comes.\n";
    const std::string ret = ClientRet(f);
    const std::string options = FreeName(f, "options");
    std::vector<std::string> params = Params(f);
    auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> all = params;
      for (std::string& e : extra) all.push_back(std::move(e));
      return all;
    };
    out += Wrap("  ", ret + " " + f.cpp_name + "(",
                with({"const ::vireo::CallOptions& " + options + " = {}"}), ");");
    if (!IsVoid(*f.return_type)) {
      out += Wrap("  ", "::absl::Status " + f.cpp_name + "(",
                  with({"::vireo::Out<" + TypeName(*f.return_type) + "> " + FreeName(f, "out"),
                        "const ::vireo::CallOptions& " + options + " = {}"}),
                  ");");
    }
    out += Wrap("  ", "void " + f.cpp_name + "(",
                with({"::vireo::Callback<" + ret + "> " + FreeName(f, "done"),
                      "const ::vireo::CallOptions& " + options + " = {}"}),
                ");");
    out += Wrap("  ", "::vireo::Task<" + ret + "> " + CoName(f) + "(",
                with({"::vireo::CallOptions " + options + " = {}"}), ");");
  }
  if (s_.extends == nullptr) {
    out += "\n private:\n";
    out += "  std::shared_ptr<::vireo::Client> vireo_owned_;\n";
    out += "  ::vireo::Client* vireo_client_;\n";
  }
  out += "};\n";
  return out;
}

std::string ServiceGen::SourceStructs() const {
  std::string out;
  for (const MethodStructs& m : structs_) {
    out += "\n" + GenerateStructDefinitions(*m.args, program_, ReadShape::kLoop);
    out += "\n" + GenerateViewCodecDefinitions(*m.pargs);
    if (m.result) out += "\n" + GenerateStructDefinitions(*m.result, program_, ReadShape::kLoop);
  }
  return out;
}

// In the .cc's unnamed namespace: the MethodInfo of each method and the
// functions that decode its reply.
std::string ServiceGen::SourceHelpers() const {
  std::string out;
  for (size_t i = 0; i < s_.functions.size(); ++i) {
    const Function& f = s_.functions[i];
    const MethodStructs& m = structs_[i];
    const std::string full = s_.name + "." + f.name;
    out += "\n";
    // (vireo.idempotent = "true"): retries may resend a call that may
    // have run (core/retry_policy.h).
    std::vector<std::string> info = {CppStringLiteral(f.name), f.oneway ? "true" : "false"};
    if (const std::string* v = idl::FindAnnotation(f.annotations, "vireo.idempotent");
        v != nullptr && (*v == "true" || *v == "1")) {
      info.push_back("true");
    }
    out += Wrap("", "constexpr ::vireo::MethodInfo " + MethodInfoName(s_, f) + "{", info, "};");
    if (f.oneway) continue;
    const std::string result = m.result->cpp_name;
    const std::string suffix = s_.name + "_" + f.name;
    const bool is_void = IsVoid(*f.return_type);
    // Reads the result struct; the call's status.
    out += "\n// Decodes " + full + "'s result struct: " +
           (is_void ? "OK, the declared exception or the error.\n"
                    : "OK with `success` set, the declared\n// exception or the error.\n");
    out += Wrap("", "::absl::Status VireoReadResult_" + suffix + "(",
                {"::vireo::ClientReply& reply", result + "* result"}, ") {");
    out += "  if (::absl::Status status = reply.Decode(result); !status.ok()) {\n";
    out += Wrap("    ", "return ::absl::Status(",
                {"status.code()", "::absl::StrCat(" + CppStringLiteral(full + ": bad reply: ") +
                                      ", status.message())"},
                ");");
    out += "  }\n";
    if (!is_void) out += "  if (result->success.has_value()) return ::absl::OkStatus();\n";
    for (const Field& e : f.exceptions) {
      out += "  if (result->" + e.cpp_name + ".has_value()) {\n";
      out += Wrap("    ", "return ::vireo::internal::IdlExceptionToStatus(",
                  {CppStringLiteral(ExceptionName(e)), "*result->" + e.cpp_name}, ");");
      out += "  }\n";
    }
    if (is_void) {
      out += "  return ::absl::OkStatus();\n";
    } else {
      out += Wrap("  ", "return ::absl::InternalError(",
                  {CppStringLiteral(full + ": reply has no result (MISSING_RESULT)")}, ");");
    }
    out += "}\n\n";
    out += Wrap("", ClientRet(f) + " VireoDecode_" + suffix + "(",
                {"::absl::Status status", "::vireo::ClientReply& reply"}, ") {");
    out += "  if (!status.ok()) return status;\n";
    out += "  " + result + " result;\n";
    if (is_void) {
      out += "  return VireoReadResult_" + suffix + "(reply, &result);\n";
    } else {
      out += "  status = VireoReadResult_" + suffix + "(reply, &result);\n";
      out += "  if (!status.ok()) return status;\n";
      out += "  return std::move(*result.success);\n";
    }
    out += "}\n";
    if (!is_void) {
      out +=
          "\n// Decodes into *out, lending it to the result struct so that its storage\n"
          "// is reused.\n";
      out += Wrap("", "::absl::Status VireoDecodeInto_" + suffix + "(",
                  {TypeName(*f.return_type) + "* out", "::absl::Status status",
                   "::vireo::ClientReply& reply"},
                  ") {");
      out += "  if (!status.ok()) return status;\n";
      out += "  " + result + " result;\n";
      out += "  result.success.emplace(std::move(*out));\n";
      out += "  status = VireoReadResult_" + suffix + "(reply, &result);\n";
      out += "  if (result.success.has_value()) *out = std::move(*result.success);\n";
      out += "  return status;\n}\n";
    }
  }
  return out;
}

std::string ServiceGen::HandlerMethodsTable() const {
  // Own methods first; a base's method of the same name is overridden.
  std::vector<std::string> rows;
  std::set<std::string> seen;
  for (const Service* p = &s_; p != nullptr; p = p->extends) {
    const std::string cls = ServiceClass(*p, program_, HandlerName(*p));
    for (const Function& f : p->functions) {
      if (!seen.insert(f.name).second) continue;
      rows.push_back(Wrap("      ", "{",
                          {CppStringLiteral(f.name), f.oneway ? "true" : "false",
                           "&" + cls + "::" + InvokerName(f)},
                          "},"));
    }
  }
  const std::string name = HandlerName(s_);
  std::string out = "std::span<const ::vireo::MethodDescriptor> " + name + "::Methods() const {\n";
  out += "  static constexpr std::array<::vireo::MethodDescriptor, " + std::to_string(rows.size()) +
         "> kMethods = {";
  if (rows.empty()) {
    out += "};\n";
  } else {
    out += "{\n";
    for (const std::string& r : rows) out += r;
    out += "  }};\n";
  }
  out += "  return kMethods;\n}\n";
  return out;
}

std::string ServiceGen::Invoker(const Function& f, const MethodStructs& m) const {
  const std::string name = HandlerName(s_);
  std::string out = Wrap("", "::vireo::Task<::absl::Status> " + name + "::" + InvokerName(f) + "(",
                         {"::vireo::Service& service", "::vireo::ServerCall& call"}, ") {");
  const std::string handler = "  auto& handler = static_cast<" + name + "&>(service);\n";
  auto decode_args = [&](const std::string& indent) {
    out += indent + m.args->cpp_name + " args;\n";
    out += indent +
           "if (::absl::Status status = call.DecodeArgs(&args); !status.ok()) co_return status;\n";
  };
  std::vector<std::string> call_args = {"call.context()"};
  for (const std::string& a : ArgNames(f, "args.")) call_args.push_back(a);
  if (f.oneway) {
    decode_args("  ");
    out += handler;
    out += Wrap("  ", "co_await handler." + CoName(f) + "(", call_args, ");");
    out += "  co_return ::absl::OkStatus();\n}\n";
    return out;
  }
  // The arguments live in a scope that closes before the reply is encoded,
  // so a large request's memory is not held while its reply is built.
  out += handler;
  out += "  " + m.result->cpp_name + " result;\n";
  out += "  {\n";
  decode_args("    ");
  const bool has_try = !f.exceptions.empty();
  const std::string indent = has_try ? "      " : "    ";
  if (has_try) out += "    try {\n";
  const std::string head = IsVoid(*f.return_type)
                               ? "co_await handler." + CoName(f) + "("
                               : "result.success = co_await handler." + CoName(f) + "(";
  out += Wrap(indent, head, call_args, ");");
  if (has_try) {
    // One handler per C++ type: two fields of one exception type would
    // make the second handler unreachable (and a warning).
    std::set<std::string> caught;
    for (const Field& e : f.exceptions) {
      const std::string type = TypeName(*e.type);
      if (!caught.insert(type).second) continue;
      out += "    } catch (const " + type + "& e) {\n";
      out += "      result." + e.cpp_name + " = e;\n";
      out += "      call.Reply(result);\n";
      out += "      co_return ::vireo::IdlExceptionStatus(" + CppStringLiteral(ExceptionName(e)) +
             ", e.what());\n";
    }
    out += "    }\n";
  }
  out += "  }\n";
  out += "  call.Reply(result);\n";
  out += "  co_return ::absl::OkStatus();\n}\n";
  return out;
}

std::string ServiceGen::HandlerDefinitions() const {
  const std::string name = HandlerName(s_);
  std::string out = "\n// ---- " + name + " ----\n\n";
  out += "std::string_view " + name + "::ServiceName() const { return " +
         CppStringLiteral(s_.name) + "; }\n\n";
  out += HandlerMethodsTable();
  for (size_t i = 0; i < s_.functions.size(); ++i) {
    const Function& f = s_.functions[i];
    const std::string ctx = FreeName(f, "ctx");
    std::vector<std::string> unused = {"::vireo::CallContext& /*" + ctx + "*/"};
    for (const std::string& p : Params(f, true)) unused.push_back(p);
    out += "\n";
    out += Wrap("", ResultType(f) + " " + name + "::" + f.cpp_name + "(", unused, ") {");
    out += "  throw std::runtime_error(" +
           CppStringLiteral(s_.name + "." + f.name + " is not implemented") + ");\n}\n\n";
    std::vector<std::string> params = {"::vireo::CallContext& " + ctx};
    for (const std::string& p : Params(f)) params.push_back(p);
    out += Wrap("", "::vireo::Task<" + ResultType(f) + "> " + name + "::" + CoName(f) + "(", params,
                ") {");
    std::vector<std::string> args = {ctx};
    for (const std::string& a : ArgNames(f, "")) args.push_back(a);
    // Not a coroutine of its own: it runs the blocking form now (an
    // exception leaves at once, where the invoker catches it) and hands
    // back a ready task, one coroutine per result type for the whole
    // program. this->: a parameter may have the method's name.
    if (IsVoid(*f.return_type)) {
      out += Wrap("  ", "this->" + f.cpp_name + "(", args, ");");
      out += "  return ::vireo::ReadyTask();\n}\n\n";
    } else {
      out +=
          Wrap("  ", "return ::vireo::ReadyTask<" + ResultType(f) + ">(this->" + f.cpp_name + "(",
               args, "));");
      out += "}\n\n";
    }
    out += Invoker(f, structs_[i]);
  }
  return out;
}

std::string ServiceGen::PargsLine(const Function& f) const {
  const std::string pargs = StructName(s_, f, "pargs");
  std::vector<std::string> inits;
  for (const Field& a : f.arguments) inits.push_back("." + a.cpp_name + " = &" + a.cpp_name);
  return Wrap("  ", "const " + pargs + " args{", inits, "};");
}

std::string ServiceGen::ClientDefinitions() const {
  const std::string name = ClientName(s_);
  std::string out = "\n// ---- " + name + " ----\n";
  for (const Function& f : s_.functions) {
    const std::string ret = ClientRet(f);
    const std::string options = FreeName(f, "options");
    const std::string info = MethodInfoName(s_, f);
    const std::string suffix = s_.name + "_" + f.name;
    const std::string decode = f.oneway ? "&VireoDecodeOneway" : "&VireoDecode_" + suffix;
    const std::vector<std::string> params = Params(f);
    auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> all = params;
      for (std::string& e : extra) all.push_back(std::move(e));
      return all;
    };
    const std::string pargs_line = PargsLine(f);

    // Blocking.
    out += "\n";
    out += Wrap("", ret + " " + name + "::" + f.cpp_name + "(",
                with({"const ::vireo::CallOptions& " + options}), ") {");
    out += pargs_line;
    out += Wrap("  ", "return ::vireo::internal::CallBlocking<" + ret + ">(",
                {"vireo_client()", info, "VireoEncoder(args)", options, decode}, ");");
    out += "}\n";

    // Blocking into *out.
    if (!IsVoid(*f.return_type)) {
      const std::string out_name = FreeName(f, "out");
      out += "\n";
      out += Wrap("", "::absl::Status " + name + "::" + f.cpp_name + "(",
                  with({"::vireo::Out<" + TypeName(*f.return_type) + "> " + out_name,
                        "const ::vireo::CallOptions& " + options}),
                  ") {");
      out += pargs_line;
      out += Wrap("  ", "return ::vireo::internal::CallBlockingInto(",
                  {"vireo_client()", info, "VireoEncoder(args)", options, out_name + ".get()",
                   "&VireoDecodeInto_" + suffix},
                  ");");
      out += "}\n";
    }

    // Callback.
    const std::string done = FreeName(f, "done");
    out += "\n";
    out += Wrap(
        "", "void " + name + "::" + f.cpp_name + "(",
        with({"::vireo::Callback<" + ret + "> " + done, "const ::vireo::CallOptions& " + options}),
        ") {");
    out += pargs_line;
    out += Wrap("  ", "::vireo::internal::CallAsync<" + ret + ">(",
                {"vireo_client()", info, "VireoEncoder(args)", options, decode,
                 "std::move(" + done + ").Take()"},
                ");");
    out += "}\n";

    // Coroutine: not a coroutine of its own. The arguments are encoded
    // now, so the task owns bytes, not references; one coroutine serves
    // every method with this result type.
    out += "\n";
    out += Wrap("", "::vireo::Task<" + ret + "> " + name + "::" + CoName(f) + "(",
                with({"::vireo::CallOptions " + options}), ") {");
    out += pargs_line;
    out += Wrap("  ", "return ::vireo::internal::CallCoroutine<" + ret + ">(",
                {"vireo_client()", info, "::vireo::internal::EncodeNow(vireo_client(), args)",
                 "std::move(" + options + ")", decode},
                ");");
    out += "}\n";
  }
  return out;
}

// Checks that the names vireo-gen makes are free: no definition of the
// file has them, no two services make the same one, and no exception field
// takes the result struct's `success`.
absl::Status CheckNames(const idl::Program& program) {
  std::set<std::string> made;
  auto claim = [&](const std::string& name, const idl::Location& loc,
                   const std::string& what) -> absl::Status {
    const idl::Definition* d = program.Find(name);
    if (d != nullptr || !made.insert(name).second) {
      return absl::InvalidArgumentError(
          LocationPrefix(loc, program) + "error: " + what + " needs the C++ name " + name +
          ", which " +
          (d != nullptr ? "the definition at line " + std::to_string(d->loc.line) + " has"
                        : "another service's generated code has"));
    }
    return absl::OkStatus();
  };
  for (const auto& s : program.services) {
    const std::string sv = "service " + s->name;
    for (const std::string& n : {HandlerName(*s), ClientName(*s)}) {
      if (absl::Status st = claim(n, s->loc, sv); !st.ok()) return st;
    }
    for (const Function& f : s->functions) {
      const std::string what = "method " + s->name + "." + f.name;
      for (const char* suffix : {"args", "pargs", "result"}) {
        if (absl::Status st = claim(StructName(*s, f, suffix), f.loc, what); !st.ok()) return st;
      }
      for (const Field& e : f.exceptions) {
        if (e.cpp_name == "success") {
          return absl::InvalidArgumentError(
              LocationPrefix(e.loc, program) + "error: " + what +
              " declares an exception named 'success', the name of its result struct's "
              "return value");
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GeneratedFiles> GenerateRpc(const idl::Program& program) {
  if (absl::Status st = CheckNames(program); !st.ok()) return st;

  std::vector<std::unique_ptr<ServiceGen>> services;
  bool any_function = false;
  bool any_oneway = false;
  for (const auto& s : program.services) {
    services.push_back(std::make_unique<ServiceGen>(*s, program));
    for (const Function& f : s->functions) {
      any_function = true;
      any_oneway = any_oneway || f.oneway;
    }
  }

  GeneratedFiles files;
  files.header_name = program.name + "_rpc.h";
  files.source_name = program.name + "_rpc.cc";
  const std::string ns = CppNamespace(program);
  const std::string banner = "// Generated by vireo-gen " + std::string(kGeneratorVersion) +
                             " from " + program.name + ".thrift. Do not edit.\n";

  // ---- header ----
  std::string& h = files.header;
  h = banner;
  h += "//\n// Services: server interfaces (<Service>Handler) and client stubs\n"
       "// (<Service>Client). Types: " +
       program.name + "_types.h.\n";
  std::string guard = "VIREO_GEN_";
  if (!ns.empty()) guard += Upper(ns) + "_";
  guard += Upper(program.name) + "_RPC_H_";
  h += "#ifndef " + guard + "\n#define " + guard + "\n\n";
  std::set<std::string> system = {"<array>",  "<compare>",     "<cstddef>", "<cstdint>",
                                  "<memory>", "<optional>",    "<ostream>", "<span>",
                                  "<string>", "<string_view>", "<utility>"};
  for (const auto& s : program.services) {
    for (const Function& f : s->functions) {
      CollectTemplateIncludes(*f.return_type, &system);
      for (const Field& a : f.arguments) CollectTemplateIncludes(*a.type, &system);
    }
  }
  std::set<std::string> local = {"\"absl/status/status.h\"",   "\"absl/status/statusor.h\"",
                                 "\"vireo/core/call_args.h\"", "\"vireo/core/client.h\"",
                                 "\"vireo/core/service.h\"",   "\"vireo/core/task.h\""};
  for (const std::string& inc : system) h += "#include " + inc + "\n";
  h += "\n";
  local.insert("\"" + program.name + "_types.h\"");
  std::set<std::string> bases;
  for (const auto& s : program.services) {
    if (s->extends != nullptr && s->extends->program != &program &&
        s->extends->program != nullptr) {
      bases.insert("\"" + s->extends->program->name + "_rpc.h\"");
    }
  }
  local.insert(bases.begin(), bases.end());
  for (const std::string& inc : local) h += "#include " + inc + "\n";
  h += "\n";
  if (!ns.empty()) h += "namespace " + ns + " {\n";
  for (size_t i = 0; i < services.size(); ++i) {
    const Service& s = *program.services[i];
    h += "\n// ---- " + s.name + " ----\n";
    h += "\n" + services[i]->HandlerDeclaration();
    h += "\n" + services[i]->ClientDeclaration();
  }
  if (any_function) {
    // Last: what travels on the wire, which the classes above use only in
    // the .cc.
    h += "\n// ---- Argument and result structs, as Apache Thrift names them ----\n";
    for (const auto& s : services) h += s->HeaderStructs();
  }
  if (!ns.empty()) h += "\n}  // namespace " + ns + "\n";
  h += "\n#endif  // " + guard + "\n";

  // ---- source ----
  std::string& cc = files.source;
  cc = banner;
  cc += "#include \"" + files.header_name + "\"\n\n";
  if (!program.services.empty()) {
    cc += "#include <array>\n";
    if (any_function) {
      cc +=
          "#include <charconv>\n#include <cstddef>\n#include <cstdint>\n#include <optional>\n"
          "#include <ostream>\n#include <sstream>\n#include <stdexcept>\n#include <string>\n";
    }
    cc += "#include <string_view>\n";
    if (any_function) cc += "#include <type_traits>\n#include <utility>\n";
    cc += "\n";
    if (any_function) cc += "#include \"absl/strings/str_cat.h\"\n\n";
  }
  if (!ns.empty()) cc += "namespace " + ns + " {\n";
  if (any_function) {
    cc += "namespace {\n\n" + GeneratePrintHelpers();
    cc +=
        "\n// Encodes the arguments view `args` for Client::Call.\n"
        "template <class Args>\n"
        "auto VireoEncoder(const Args& args) {\n"
        "  return [&args](::vireo::codec::ProtocolId protocol, "
        "::vireo::transport::LinkBuffer& out) {\n"
        "    ::vireo::codec::Encode(args, protocol, out);\n"
        "  };\n"
        "}\n";
    if (any_oneway) {
      cc +=
          "\n// A oneway call has no reply to decode: its status is the send's.\n"
          "::absl::Status VireoDecodeOneway(::absl::Status status, "
          "::vireo::ClientReply& /*reply*/) {\n"
          "  return status;\n"
          "}\n";
    }
    for (const auto& s : services) cc += s->SourceHelpers();
    cc += "\n}  // namespace\n";
  }
  for (const auto& s : services) {
    cc += s->SourceStructs();
    cc += s->HandlerDefinitions();
    cc += s->ClientDefinitions();
  }
  if (!ns.empty()) cc += "\n}  // namespace " + ns + "\n";
  return files;
}

}  // namespace vireo::codegen
