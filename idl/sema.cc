#include "vireo/idl/sema.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vireo/idl/indirection.h"

namespace vireo::idl::internal {
namespace {

// Apache Thrift 0.17 refuses these as names of anything it generates code
// for ("Cannot use reserved language keyword").
constexpr std::string_view kReserved[] = {
    "BEGIN",        "END",        "__CLASS__",     "__DIR__",   "__FILE__",   "__FUNCTION__",
    "__LINE__",     "__METHOD__", "__NAMESPACE__", "abstract",  "alias",      "and",
    "args",         "as",         "assert",        "begin",     "break",      "case",
    "catch",        "class",      "clone",         "continue",  "declare",    "def",
    "default",      "del",        "delete",        "do",        "dynamic",    "elif",
    "else",         "elseif",     "elsif",         "end",       "enddeclare", "endfor",
    "endforeach",   "endif",      "endswitch",     "endwhile",  "ensure",     "except",
    "exec",         "finally",    "float",         "for",       "foreach",    "from",
    "function",     "global",     "goto",          "if",        "implements", "import",
    "in",           "inline",     "instanceof",    "interface", "is",         "lambda",
    "module",       "native",     "new",           "next",      "nil",        "not",
    "or",           "package",    "pass",          "public",    "print",      "private",
    "protected",    "raise",      "redo",          "rescue",    "retry",      "register",
    "return",       "self",       "sizeof",        "static",    "super",      "switch",
    "synchronized", "then",       "this",          "throw",     "transient",  "try",
    "undef",        "unless",     "unsigned",      "until",     "use",        "var",
    "virtual",      "volatile",   "when",          "while",     "with",       "xor",
    "yield",
};

// C++20 keywords and alternative tokens: the generated code appends `_` to
// them. Some are also among Apache's reserved words above.
constexpr std::string_view kCppKeywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await", "co_return",
    "co_yield", "compl", "concept", "const", "const_cast", "consteval", "constexpr", "constinit",
    "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline",
    "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr",
    "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast",
    "struct", "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef",
    "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
    "while", "xor", "xor_eq",
};

// Names that the C and C++ standard headers (and POSIX's errno.h, and GCC
// in its GNU modes) define as macros: as a C++ name they would expand. The
// generated code appends `_` to them.
constexpr std::string_view kStandardMacros[] = {
    "BUFSIZ",     "CHAR_BIT",   "CHAR_MAX",     "CHAR_MIN",     "EACCES",     "EAGAIN",
    "EBADF",      "ECONNREFUSED", "ECONNRESET", "EDOM",         "EEXIST",     "EILSEQ",
    "EINTR",      "EINVAL",     "EIO",          "ENOENT",       "ENOMEM",     "EOF",
    "EPERM",      "EPIPE",      "ERANGE",       "ETIMEDOUT",    "EWOULDBLOCK", "EXIT_FAILURE",
    "EXIT_SUCCESS", "FILENAME_MAX", "HUGE_VAL", "INFINITY",     "INT16_MAX",  "INT16_MIN",
    "INT32_MAX",  "INT32_MIN",  "INT64_MAX",    "INT64_MIN",    "INT8_MAX",   "INT8_MIN",
    "INT_MAX",    "INT_MIN",    "LLONG_MAX",    "LLONG_MIN",    "LONG_MAX",   "LONG_MIN",
    "MB_CUR_MAX", "NAN",        "NULL",         "RAND_MAX",     "SCHAR_MAX",  "SCHAR_MIN",
    "SHRT_MAX",   "SHRT_MIN",   "SIZE_MAX",     "UCHAR_MAX",    "UINT16_MAX", "UINT32_MAX",
    "UINT64_MAX", "UINT8_MAX",  "UINT_MAX",     "ULLONG_MAX",   "ULONG_MAX",  "USHRT_MAX",
    "assert",     "errno",      "i386",         "linux",        "stderr",     "stdin",
    "stdout",     "unix",
};

// Members every generated struct declares, and the standard type names its
// members use unqualified: a field of that name would clash or hide them.
constexpr std::string_view kGeneratedMembers[] = {
    "BinarySize",   "CompactSize", "DebugString", "Read",       "VireoRead",
    "VireoSize",    "VireoWrite",  "VireoWriteChunked", "WriteBinaryTo", "WriteChunked",
    "WriteCompactTo", "int16_t",   "int32_t",     "int64_t",    "int8_t",
    "kFields",      "size_t",      "uint16_t",    "uint32_t",   "uint64_t",
    "uint8_t",
};

template <size_t N>
bool IsOneOf(const std::string_view (&words)[N], std::string_view name) {
  for (std::string_view w : words) {
    if (w == name) return true;
  }
  return false;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string Where(const Location& loc) {
  if (loc.file == nullptr) return "";
  return *loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

std::string ValueKindName(const ConstValue& v) {
  switch (v.kind) {
    case ConstValue::Kind::kInt:
      return "an integer";
    case ConstValue::Kind::kDouble:
      return "a floating-point number";
    case ConstValue::Kind::kString:
      return "a string";
    case ConstValue::Kind::kIdentifier:
      return "an identifier";
    case ConstValue::Kind::kList:
      return "a list";
    case ConstValue::Kind::kMap:
      return "a map";
  }
  return "a value";
}

// How the namespaces of two files compare, as Apache 0.17 compares them
// for a type defined in both: every scope the same (no namespaces at all
// included), some scope the same, or none.
enum class NamespaceOverlap { kSame, kSome, kNone };

NamespaceOverlap Overlap(const Program& a, const Program& b) {
  std::set<std::string> scopes;
  for (const auto& [scope, ns] : a.namespaces) scopes.insert(scope);
  for (const auto& [scope, ns] : b.namespaces) scopes.insert(scope);
  size_t same = 0;
  for (const std::string& scope : scopes) {
    // Namespace() falls back to the `*` scope, as the generators do.
    if (a.Namespace(scope) == b.Namespace(scope)) ++same;
  }
  if (same == scopes.size()) return NamespaceOverlap::kSame;
  return same > 0 ? NamespaceOverlap::kSome : NamespaceOverlap::kNone;
}

class Analyzer {
 public:
  Analyzer(Program* program, Diagnostics* diagnostics)
      : program_(program), diagnostics_(diagnostics) {}

  bool Run();

 private:
  void Error(const Location& loc, std::string message) {
    diagnostics_->Error(loc, std::move(message));
    ok_ = false;
  }
  void Name(const std::string& name, std::string* cpp_name, const Location& loc);
  void NameFields(std::vector<Field>* fields);
  const Definition* Lookup(const std::string& name) const;
  void ResolveType(Type* type);
  void CheckTypedefCycles();
  void CheckFields(const std::string& owner, std::vector<Field>* fields);
  void CheckStruct(Struct* s);
  void CheckService(Service* s);
  // Replaces identifiers in `value` and checks it against `type`.
  void ResolveValue(const Type& type, ConstValue* value, const std::string& what);
  bool ResolveIdentifier(ConstValue* value, const std::string& what);
  bool ResolveInDeclaredEnum(const Type& declared, ConstValue* value, const std::string& what);
  bool DefinedLater(const Definition* d) const;

  // Program::Find, through a per-program index (files may be large).
  const Definition* FindIn(const Program* program, const std::string& name) const;

  Program* program_;
  Diagnostics* diagnostics_;
  bool ok_ = true;
  mutable std::map<const Program*, std::map<std::string, const Definition*>> names_;
  std::map<const Definition*, size_t> index_;  // declaration order in this program
  size_t current_ = 0;                         // definition being checked
};

void Analyzer::Name(const std::string& name, std::string* cpp_name, const Location& loc) {
  *cpp_name = name;
  // A name C++ cannot take as it is gets a `_`: a keyword, or a name of the
  // implementation's (`__FILE__`).
  const bool macro = IsOneOf(kStandardMacros, name);
  const bool rename = IsCppKeyword(name) || name.rfind("__", 0) == 0 || macro;
  if (rename) *cpp_name = name + "_";
  if (macro) {
    diagnostics_->Warning(loc, Quote(name) +
                                   " is a macro of the C and C++ standard headers; generated "
                                   "code names it " +
                                   Quote(*cpp_name));
  } else if (IsReservedWord(name)) {
    // Apache 0.17 refuses these (it reserves the keywords of every language
    // it targets); Kitex's thriftgo accepts them, and so do we.
    diagnostics_->Warning(loc, Quote(name) +
                                   " is reserved by Apache Thrift 0.17, whose compiler rejects "
                                   "it; accepted" +
                                   (rename ? ", and generated code names it " + Quote(*cpp_name)
                                           : std::string()));
  } else if (rename) {
    diagnostics_->Warning(
        loc, Quote(name) + " is a C++ keyword; generated code names it " + Quote(*cpp_name));
  }
}

void Analyzer::NameFields(std::vector<Field>* fields) {
  for (Field& f : *fields) Name(f.name, &f.cpp_name, f.loc);
}

const Definition* Analyzer::FindIn(const Program* program, const std::string& name) const {
  auto [it, fresh] = names_.try_emplace(program);
  if (fresh) {
    for (const Definition* d : program->definitions) it->second.emplace(d->name, d);
  }
  auto found = it->second.find(name);
  return found == it->second.end() ? nullptr : found->second;
}

const Definition* Analyzer::Lookup(const std::string& name) const {
  if (const Definition* d = FindIn(program_, name)) return d;
  for (const Include& inc : program_->includes) {
    if (inc.program == nullptr) continue;
    const std::string& scope = inc.program->name;
    if (name.size() > scope.size() + 1 && name.compare(0, scope.size(), scope) == 0 &&
        name[scope.size()] == '.') {
      if (const Definition* d = FindIn(inc.program, name.substr(scope.size() + 1))) {
        return d;
      }
    }
  }
  return nullptr;
}

bool Analyzer::DefinedLater(const Definition* d) const {
  auto it = index_.find(d);
  return it != index_.end() && it->second >= current_;
}

void Analyzer::ResolveType(Type* type) {
  if (type == nullptr) return;
  ResolveType(type->elem.get());
  ResolveType(type->value.get());
  if (type->kind != Type::Kind::kNamed) return;
  const Definition* d = Lookup(type->name);
  if (d == nullptr) {
    Error(type->loc, "unknown type " + Quote(type->name));
    return;
  }
  if (d->kind == Definition::Kind::kConst || d->kind == Definition::Kind::kService) {
    Error(type->loc, Quote(type->name) + " is a " +
                         (d->kind == Definition::Kind::kConst ? "constant" : "service") +
                         ", not a type");
    return;
  }
  type->resolved = d;
}

void Analyzer::CheckTypedefCycles() {
  std::set<const Typedef*> done;
  for (const auto& td : program_->typedefs) {
    std::vector<const Typedef*> chain;
    std::map<const Typedef*, size_t> in_chain;
    const Typedef* t = td.get();
    while (t != nullptr && done.count(t) == 0) {
      if (auto it = in_chain.find(t); it != in_chain.end()) {
        std::string path;
        for (size_t j = it->second; j < chain.size(); ++j) path += chain[j]->name + " -> ";
        path += t->name;
        Error(t->loc, "typedef cycle: " + path);
        break;
      }
      in_chain.emplace(t, chain.size());
      chain.push_back(t);
      const Type& target = *t->type;
      t = target.kind == Type::Kind::kNamed && target.resolved != nullptr &&
                  target.resolved->kind == Definition::Kind::kTypedef
              ? static_cast<const Typedef*>(target.resolved)
              : nullptr;
    }
    for (const Typedef* c : chain) done.insert(c);
  }
}

void Analyzer::CheckFields(const std::string& owner, std::vector<Field>* fields) {
  std::map<int, const Field*> ids;
  std::map<std::string, const Field*> names;
  for (const Field& f : *fields) {
    if (auto [it, fresh] = ids.emplace(f.id, &f); !fresh) {
      Error(f.loc, "field id " + std::to_string(f.id) + " of " + Quote(f.name) + " in " + owner +
                       " is already used by " + Quote(it->second->name));
    }
    if (auto [it, fresh] = names.emplace(f.name, &f); !fresh) {
      Error(f.loc, "field name " + Quote(f.name) + " is already used in " + owner + " (at " +
                       Where(it->second->loc) + ")");
    }
  }
}

void Analyzer::CheckStruct(Struct* s) {
  std::string kind = s->flavor == Struct::Flavor::kUnion       ? "union"
                     : s->flavor == Struct::Flavor::kException ? "exception"
                                                               : "struct";
  CheckFields(kind + " " + Quote(s->name), &s->fields);
  const Field* with_default = nullptr;
  for (Field& f : s->fields) {
    if (s->flavor == Struct::Flavor::kUnion) {
      if (f.requiredness == Requiredness::kRequired) {
        diagnostics_->Warning(f.loc, "union " + Quote(s->name) + " field " + Quote(f.name) +
                                         ": union members are always optional; "
                                         "'required' is ignored");
      }
      // Apache makes every union member optional.
      f.requiredness = Requiredness::kOptional;
      if (f.default_value) {
        if (with_default != nullptr) {
          Error(f.loc, "union " + Quote(s->name) + " field " + Quote(f.name) +
                           " gives a second default value (the first is on " +
                           Quote(with_default->name) + ")");
        }
        with_default = &f;
      }
    }
    if (f.default_value) ResolveValue(*f.type, &*f.default_value, Quote(f.name));
  }
}

void Analyzer::CheckService(Service* s) {
  if (!s->extends_name.empty()) {
    const Definition* base = Lookup(s->extends_name);
    if (base == nullptr || DefinedLater(base)) {
      Error(s->loc, "service " + Quote(s->name) + " extends " + Quote(s->extends_name) +
                        ", which is not defined" + (base != nullptr ? " before it" : ""));
    } else if (base->kind != Definition::Kind::kService) {
      Error(s->loc, "service " + Quote(s->name) + " extends " + Quote(s->extends_name) +
                        ", which is not a service");
    } else {
      s->extends = static_cast<const Service*>(base);
    }
  }
  std::map<std::string, const Function*> names;
  for (Function& f : s->functions) {
    if (auto [it, fresh] = names.emplace(f.name, &f); !fresh) {
      Error(f.loc,
            "function " + Quote(f.name) + " is already defined in service " + Quote(s->name));
    }
    std::string owner = "function " + Quote(f.name);
    CheckFields("the arguments of " + owner, &f.arguments);
    CheckFields("the throws clause of " + owner, &f.exceptions);
    for (Field& a : f.arguments) {
      if (a.default_value) ResolveValue(*a.type, &*a.default_value, Quote(a.name));
    }
    for (Field& e : f.exceptions) {
      const Struct* x = AsStruct(TrueType(*e.type));
      if (x == nullptr || x->flavor != Struct::Flavor::kException) {
        Error(e.type->loc,
              Quote(e.name) + " in the throws clause of " + Quote(f.name) + " is not an exception");
      }
      if (e.default_value) ResolveValue(*e.type, &*e.default_value, Quote(e.name));
    }
    if (f.oneway) {
      const Type& r = TrueType(*f.return_type);
      if (!(r.kind == Type::Kind::kBase && r.base == BaseType::kVoid)) {
        Error(f.loc, "oneway function " + Quote(f.name) + " must return void");
      }
      if (!f.exceptions.empty()) {
        Error(f.loc, "oneway function " + Quote(f.name) + " cannot throw exceptions");
      }
    }
  }
}

bool Analyzer::ResolveIdentifier(ConstValue* value, const std::string& what) {
  const std::string name = value->string_value;
  Location loc = value->loc;
  // `Enum.VALUE` or `include.Enum.VALUE`.
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    const Definition* d = Lookup(name.substr(0, dot));
    if (d != nullptr && d->kind == Definition::Kind::kTypedef) {
      // `Alias.VALUE` where Alias is a typedef of an enum.
      const Type& t = TrueType(*static_cast<const Typedef*>(d)->type);
      if (AsEnum(t) != nullptr && !DefinedLater(d)) d = AsEnum(t);
    }
    if (d != nullptr && d->kind == Definition::Kind::kEnum) {
      const auto* e = static_cast<const Enum*>(d);
      if (DefinedLater(d)) {
        Error(loc, Quote(name) + " is used in " + what + " before enum " + Quote(e->name) +
                       " is defined");
        return false;
      }
      for (const auto& v : e->values) {
        if (v->name == name.substr(dot + 1)) {
          *value = ConstValue{};
          value->kind = ConstValue::Kind::kInt;
          value->int_value = v->value;
          value->enum_value = v.get();
          value->loc = loc;
          return true;
        }
      }
      Error(loc, Quote(name.substr(dot + 1)) + " is not a value of enum " + Quote(e->name));
      return false;
    }
  }
  const Definition* d = Lookup(name);
  if (d != nullptr && d->kind == Definition::Kind::kConst) {
    if (DefinedLater(d)) {
      Error(loc, "constant " + Quote(name) + " is used in " + what + " before it is defined");
      return false;
    }
    *value = static_cast<const Const*>(d)->value;
    value->loc = loc;
    return true;
  }
  Error(loc,
        "no constant or enum value named " + Quote(name) +
            (dot == std::string::npos && d == nullptr ? " (an enum value is written Enum.VALUE)"
                                                      : ""));
  return false;
}

// Apache 0.17 reads a dotted identifier given where an enum is expected as
// a value of that enum, whatever the part before the last dot names:
// `MyEnum2 x = MyEnum1.ME2_2` is MyEnum2.ME2_2. Does the same, with a
// warning, when the prefix names anything but the expected enum and the
// expected enum has the value; returns false (and leaves the value to the
// usual resolution) otherwise.
bool Analyzer::ResolveInDeclaredEnum(const Type& declared, ConstValue* value,
                                     const std::string& what) {
  const Enum* e = AsEnum(TrueType(declared));
  const std::string& name = value->string_value;
  const size_t dot = name.rfind('.');
  if (e == nullptr || dot == std::string::npos) return false;
  const Definition* prefix = Lookup(name.substr(0, dot));
  if (prefix != nullptr && prefix->kind == Definition::Kind::kTypedef) {
    const Enum* aliased = AsEnum(TrueType(*static_cast<const Typedef*>(prefix)->type));
    if (aliased != nullptr) prefix = aliased;
  }
  if (prefix == e) return false;
  const std::string last = name.substr(dot + 1);
  const EnumValue* found = nullptr;
  for (const auto& v : e->values) {
    if (v->name == last) found = v.get();
  }
  if (found == nullptr) return false;
  const std::string named =
      prefix == nullptr ? "nothing" : (prefix->kind == Definition::Kind::kEnum ? "enum " : "") +
                                          Quote(prefix->name);
  diagnostics_->Warning(value->loc, Quote(name) + " is given for " + what + " of enum " +
                                        Quote(e->name) + ", but " + Quote(name.substr(0, dot)) +
                                        " names " + named + "; read as " + e->name + "." + last +
                                        " (= " + std::to_string(found->value) +
                                        "), as Apache Thrift 0.17 reads it");
  const Location loc = value->loc;
  *value = ConstValue{};
  value->kind = ConstValue::Kind::kInt;
  value->int_value = found->value;
  value->enum_value = found;
  value->loc = loc;
  return true;
}

void Analyzer::ResolveValue(const Type& declared, ConstValue* value, const std::string& what) {
  if (value->kind == ConstValue::Kind::kIdentifier && !ResolveInDeclaredEnum(declared, value, what) &&
      !ResolveIdentifier(value, what)) {
    return;
  }
  const Type& type = TrueType(declared);
  auto mismatch = [&](const std::string& expected) {
    Error(value->loc,
          "value of " + what + " must be " + expected + ", not " + ValueKindName(*value));
  };
  switch (type.kind) {
    case Type::Kind::kBase: {
      BaseType b = type.base;
      switch (b) {
        case BaseType::kVoid:
          Error(value->loc, what + " cannot have type void");
          return;
        case BaseType::kBool:
        case BaseType::kI8:
        case BaseType::kI16:
        case BaseType::kI32:
        case BaseType::kI64: {
          if (value->kind != ConstValue::Kind::kInt) {
            mismatch(b == BaseType::kBool ? "a bool" : "an " + std::string(BaseTypeName(b)));
            return;
          }
          int64_t lo = INT64_MIN;
          int64_t hi = INT64_MAX;
          if (b == BaseType::kBool) lo = 0, hi = 1;
          if (b == BaseType::kI8) lo = INT8_MIN, hi = INT8_MAX;
          if (b == BaseType::kI16) lo = INT16_MIN, hi = INT16_MAX;
          if (b == BaseType::kI32) lo = INT32_MIN, hi = INT32_MAX;
          if (value->int_value < lo || value->int_value > hi) {
            Error(value->loc, "value " + std::to_string(value->int_value) + " of " + what +
                                  " is out of range for " + std::string(BaseTypeName(b)) + " (" +
                                  std::to_string(lo) + ".." + std::to_string(hi) + ")");
          }
          return;
        }
        case BaseType::kDouble:
          if (value->kind == ConstValue::Kind::kInt) {
            value->kind = ConstValue::Kind::kDouble;
            value->double_value = static_cast<double>(value->int_value);
            value->enum_value = nullptr;
          } else if (value->kind != ConstValue::Kind::kDouble) {
            mismatch("a double");
          }
          return;
        case BaseType::kString:
        case BaseType::kBinary:
        case BaseType::kUuid:
          if (value->kind != ConstValue::Kind::kString) mismatch("a " + std::string(BaseTypeName(b)));
          return;
      }
      return;
    }
    case Type::Kind::kList:
    case Type::Kind::kSet:
      // Apache 0.17 takes an empty `{}` as an empty list or set (its own
      // ThriftTest.thrift writes `set<binary> bin_set = {}`), and an empty
      // `[]` as an empty map. The value keeps the kind it was written with,
      // as Apache's JSON shows it; it is empty either way.
      if (value->kind == ConstValue::Kind::kMap && value->map.empty()) return;
      if (value->kind != ConstValue::Kind::kList) {
        mismatch(type.kind == Type::Kind::kList ? "a list [...]" : "a set [...]");
        return;
      }
      for (ConstValue& e : value->list) ResolveValue(*type.elem, &e, what + "<elem>");
      return;
    case Type::Kind::kMap:
      if (value->kind == ConstValue::Kind::kList && value->list.empty()) return;
      if (value->kind != ConstValue::Kind::kMap) {
        mismatch("a map {...}");
        return;
      }
      for (auto& [k, v] : value->map) {
        ResolveValue(*type.elem, &k, what + "<key>");
        ResolveValue(*type.value, &v, what + "<val>");
      }
      return;
    case Type::Kind::kNamed:
      break;
  }
  if (const Enum* e = AsEnum(type)) {
    if (value->kind != ConstValue::Kind::kInt) {
      mismatch("a value of enum " + Quote(e->name));
      return;
    }
    if (value->enum_value != nullptr) {
      if (value->enum_value->parent != e) {
        Error(value->loc, "value of " + what + " must be a value of enum " + Quote(e->name) +
                              ", not of " + Quote(value->enum_value->parent->name));
      }
      return;
    }
    for (const auto& v : e->values) {
      if (v->value == value->int_value) {
        value->enum_value = v.get();
        return;
      }
    }
    Error(value->loc, "enum " + Quote(e->name) + " has no value " +
                          std::to_string(value->int_value) + " (for " + what + ")");
    return;
  }
  if (const Struct* s = AsStruct(type)) {
    if (value->kind != ConstValue::Kind::kMap) {
      mismatch("a struct literal {\"field\": value, ...}");
      return;
    }
    for (auto& [k, v] : value->map) {
      if (k.kind != ConstValue::Kind::kString) {
        Error(k.loc, "keys of a struct literal must be field names in quotes (in " + what + ")");
        continue;
      }
      const Field* field = nullptr;
      for (const Field& f : s->fields) {
        if (f.name == k.string_value) field = &f;
      }
      if (field == nullptr) {
        Error(k.loc,
              Quote(s->name) + " has no field " + Quote(k.string_value) + " (in " + what + ")");
        continue;
      }
      ResolveValue(*field->type, &v, what + "." + k.string_value);
    }
  }
}

bool Analyzer::Run() {
  // Names (in source order, so that warnings come in that order),
  // duplicates, parents.
  std::map<std::string, const Definition*> seen;
  for (size_t i = 0; i < program_->definitions.size(); ++i) {
    auto* d = const_cast<Definition*>(program_->definitions[i]);
    index_[d] = i;
    d->program = program_;
    Name(d->name, &d->cpp_name, d->loc);
    if (auto [it, fresh] = seen.emplace(d->name, d); !fresh) {
      Error(d->loc, Quote(d->name) + " is already defined (at " + Where(it->second->loc) + ")");
    }
    // Apache Thrift keeps one type namespace across a file and the files it
    // includes when their namespaces are the same: a type may not reuse the
    // name of such an included file's type. With some namespace in common
    // (say the same `py` one but another `cpp` one), 0.17 only warns.
    if (d->kind != Definition::Kind::kConst) {
      for (const Include& inc : program_->includes) {
        const Definition* other = inc.program == nullptr ? nullptr : inc.program->Find(d->name);
        if (other == nullptr || other->kind == Definition::Kind::kConst) continue;
        const NamespaceOverlap overlap = Overlap(*program_, *inc.program);
        if (overlap == NamespaceOverlap::kSame) {
          Error(d->loc, "type " + Quote(d->name) + " is already defined in the included file " +
                            Quote(inc.path) + " (at " + Where(other->loc) + ")");
          break;
        }
        if (overlap == NamespaceOverlap::kSome) {
          diagnostics_->Warning(d->loc, "type " + Quote(d->name) + " is also defined in the " +
                                            "included file " + Quote(inc.path) + " (at " +
                                            Where(other->loc) + "), which shares a namespace " +
                                            "with this file");
        }
      }
    }
    if (d->kind == Definition::Kind::kEnum) {
      auto* e = static_cast<Enum*>(d);
      std::map<std::string, const EnumValue*> names;
      for (auto& v : e->values) {
        v->parent = e;
        Name(v->name, &v->cpp_name, v->loc);
        if (!names.emplace(v->name, v.get()).second) {
          Error(v->loc, "enum value " + Quote(e->name + "." + v->name) + " is already defined");
        }
      }
    } else if (d->kind == Definition::Kind::kStruct) {
      NameFields(&static_cast<Struct*>(d)->fields);
      auto* st = static_cast<Struct*>(d);
      for (Field& f : st->fields) {
        // C++ lets no member but a data member take its class's name, and
        // that only in a class without constructors; generated structs
        // may have them. Other names are the generated members' own
        // (std::exception's what() for exceptions).
        std::string why;
        if (f.cpp_name == d->cpp_name) {
          why = "has the name of its struct, which C++ does not allow";
        } else if (IsOneOf(kGeneratedMembers, f.cpp_name) ||
                   (st->flavor == Struct::Flavor::kException && f.cpp_name == "what") ||
                   (st->flavor == Struct::Flavor::kUnion &&
                    (f.cpp_name == "which" || f.cpp_name == "Which" || f.cpp_name == "clear" ||
                     f.cpp_name == "value_"))) {
          why = "has the name of a member generated code declares";
        } else {
          continue;
        }
        f.cpp_name += "_";
        diagnostics_->Warning(f.loc, "field " + Quote(f.name) + " " + why +
                                         "; generated code names it " + Quote(f.cpp_name));
      }
    } else if (d->kind == Definition::Kind::kService) {
      for (Function& f : static_cast<Service*>(d)->functions) {
        Name(f.name, &f.cpp_name, f.loc);
        NameFields(&f.arguments);
        NameFields(&f.exceptions);
      }
    }
  }

  // Types.
  for (auto& t : program_->typedefs) ResolveType(t->type.get());
  for (auto& c : program_->consts) ResolveType(c->type.get());
  for (auto& s : program_->structs) {
    for (Field& f : s->fields) ResolveType(f.type.get());
  }
  for (auto& s : program_->services) {
    for (Function& f : s->functions) {
      ResolveType(f.return_type.get());
      for (Field& a : f.arguments) ResolveType(a.type.get());
      for (Field& x : f.exceptions) ResolveType(x.type.get());
    }
  }
  if (!ok_) return false;
  CheckTypedefCycles();
  if (!ok_) return false;

  // Values and the rest, in declaration order: a constant may only name
  // what is defined before it, as in Apache Thrift.
  for (current_ = 0; current_ < program_->definitions.size(); ++current_) {
    auto* d = const_cast<Definition*>(program_->definitions[current_]);
    switch (d->kind) {
      case Definition::Kind::kConst: {
        auto* c = static_cast<Const*>(d);
        ResolveValue(*c->type, &c->value, "constant " + Quote(c->name));
        break;
      }
      case Definition::Kind::kStruct:
        CheckStruct(static_cast<Struct*>(d));
        break;
      case Definition::Kind::kService:
        CheckService(static_cast<Service*>(d));
        break;
      case Definition::Kind::kTypedef:
      case Definition::Kind::kEnum:
        break;
    }
  }
  return ok_;
}

}  // namespace

bool IsReservedWord(std::string_view name) {
  for (std::string_view w : kReserved) {
    if (w == name) return true;
  }
  return false;
}

bool IsCppKeyword(std::string_view name) {
  for (std::string_view w : kCppKeywords) {
    if (w == name) return true;
  }
  return false;
}

bool Analyze(Program* program, Diagnostics* diagnostics) {
  Analyzer analyzer(program, diagnostics);
  return analyzer.Run() && AssignIndirections(program, diagnostics);
}

}  // namespace vireo::idl::internal
