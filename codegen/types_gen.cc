#include "vireo/codegen/types_gen.h"

#include <set>
#include <string>
#include <vector>

#include "vireo/codegen/codec_gen.h"
#include "vireo/codegen/cpp_types.h"

namespace vireo::codegen {
namespace {

using idl::Field;
using idl::Requiredness;
using idl::Struct;

// Joins `items` with `sep` + " ", breaking lines (each continuation
// indented by `indent` spaces) where the line would pass 100 columns;
// `column` is where the first item starts.
std::string JoinWrapped(const std::vector<std::string>& items, const std::string& sep,
                        size_t column, size_t indent) {
  std::string out;
  size_t col = column;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string piece = items[i] + (i + 1 < items.size() ? sep : "");
    if (i > 0) {
      if (col + 1 + piece.size() > 100) {
        out += "\n" + std::string(indent, ' ');
        col = indent;
      } else {
        out += " ";
        ++col;
      }
    }
    out += piece;
    col += piece.size();
  }
  return out;
}

bool IsUnion(const Struct& s) { return s.flavor == Struct::Flavor::kUnion; }
bool IsException(const Struct& s) { return s.flavor == Struct::Flavor::kException; }

using Indirection = Field::Indirection;
bool IsIndirect(const Field& f) { return f.indirection != Indirection::kValue; }
// Held by a std::unique_ptr or std::shared_ptr, whose == compares
// addresses, not values.
bool IsPointer(const Field& f) {
  return f.indirection == Indirection::kUnique || f.indirection == Indirection::kShared ||
         f.indirection == Indirection::kSharedConst;
}
bool HasPointer(const Struct& s) {
  for (const Field& f : s.fields) {
    if (IsPointer(f)) return true;
  }
  return false;
}
// A std::unique_ptr member makes the struct move-only unless it gets a copy
// constructor that copies the pointee.
bool HasUnique(const Struct& s) {
  for (const Field& f : s.fields) {
    if (f.indirection == Indirection::kUnique) return true;
  }
  return false;
}
// `a == vireo_other.a`, or, for a pointer, a comparison of the values.
std::string EqualsTerm(const Field& f) {
  if (IsPointer(f)) {
    return "::vireo::codec::internal::FieldEquals(" + f.cpp_name + ", vireo_other." + f.cpp_name +
           ")";
  }
  return f.cpp_name + " == vireo_other." + f.cpp_name;
}

// A member whose name is also the name of a type of this file hides that
// type inside the class body; the struct then names its own file's types
// fully qualified.
bool NeedsQualifiedNames(const Struct& s, const idl::Program& program) {
  for (const Field& f : s.fields) {
    for (const idl::Definition* d : program.definitions) {
      if (d->cpp_name == f.cpp_name) return true;
    }
  }
  return false;
}

std::string FieldInfoLines(const Struct& s) {
  std::string out = "  static constexpr std::array<vireo::codec::FieldInfo, " +
                    std::to_string(s.fields.size()) + "> kFields = {{";
  if (s.fields.empty()) return out + "}};\n";
  out += "\n";
  for (const Field& f : s.fields) {
    // Every member of a union is optional: at most one is on the wire.
    bool optional = IsUnion(s) || f.requiredness == Requiredness::kOptional;
    bool required = !IsUnion(s) && f.requiredness == Requiredness::kRequired;
    out += "      {" + std::to_string(f.id) + ", " + CppStringLiteral(f.name) + ", " +
           TTypeExpr(*f.type) + ", " + (optional ? "true" : "false") + ", " +
           (required ? "true" : "false") + "},\n";
  }
  out += "  }};\n";
  return out;
}

// Field by field, so structs can be set elements and map keys. The return
// type is spelled out: a deduced one could not be used by a struct that
// holds a container of itself. Defined as deleted (harmlessly) when a
// member has no ordering, e.g. an unordered_map.
std::string OrderingLine(const Struct& s) {
  return "  std::partial_ordering operator<=>(const " + s.cpp_name + "&) const = default;\n";
}

std::string CodecMembers(const Struct& s) {
  std::string codec = GenerateCodecMembers(s);
  if (codec.empty()) return "";
  if (codec.back() != '\n') codec += '\n';
  return "\n" + codec;
}

std::string StructBody(const Struct& s, const idl::Program& program) {
  bool q = NeedsQualifiedNames(s, program);
  std::string out;
  if (IsException(s) && !s.fields.empty()) {
    // std::exception's virtual members make an exception no aggregate, so
    // it gets the constructor brace-initialisation would have given.
    out += "  " + s.cpp_name + "() = default;\n";
    std::vector<std::string> params;
    std::vector<std::string> inits;
    for (const Field& f : s.fields) {
      params.push_back(CppFieldType(f, program, q) + " " + f.cpp_name + "_arg");
      inits.push_back(
          f.cpp_name + "(" +
          (IsScalar(*f.type) && f.requiredness != Requiredness::kOptional && !IsIndirect(f)
               ? f.cpp_name + "_arg"
               : "std::move(" + f.cpp_name + "_arg)") +
          ")");
    }
    std::string head =
        "  " + std::string(s.fields.size() == 1 ? "explicit " : "") + s.cpp_name + "(";
    std::string one_line = head + JoinWrapped(params, ",", 0, 1000) +
                           ") : " + JoinWrapped(inits, ",", 0, 1000) + " {}";
    if (one_line.size() <= 100) {
      out += one_line + "\n\n";
    } else {
      out += head + JoinWrapped(params, ",", head.size(), head.size()) + ")\n";
      out += "      : " + JoinWrapped(inits, ",", 8, 8) + " {}\n\n";
    }
  }
  if (HasUnique(s)) {
    // Copies copy what the std::unique_ptr members point at.
    if (!IsException(s)) out += "  " + s.cpp_name + "() = default;\n";
    out += "  " + s.cpp_name + "(const " + s.cpp_name + "& vireo_other);\n";
    out += "  " + s.cpp_name + "(" + s.cpp_name + "&&) noexcept = default;\n";
    out += "  " + s.cpp_name + "& operator=(const " + s.cpp_name + "& vireo_other);\n";
    out += "  " + s.cpp_name + "& operator=(" + s.cpp_name + "&&) noexcept = default;\n";
    out += "  ~" + s.cpp_name + "()" + (IsException(s) ? " override" : "") + " = default;\n\n";
  }
  for (const Field& f : s.fields) {
    out += DocComment(f.doc, "  ");
    out += "  " + CppFieldType(f, program, q) + " " + f.cpp_name + FieldInitializer(f, program, q) +
           ";\n";
  }
  if (!s.fields.empty()) out += "\n";
  out += "  // The fields as the IDL declares them, in declaration order.\n";
  out += FieldInfoLines(s);
  out += "\n";
  if (IsException(s)) {
    // std::exception has no operator==, so a defaulted one would be deleted.
    const std::string head = "  bool operator==(const " + s.cpp_name + "& vireo_other) const {";
    if (s.fields.empty()) {
      out += head + "\n    static_cast<void>(vireo_other);\n    return true;\n  }\n";
    } else {
      std::vector<std::string> terms;
      for (const Field& f : s.fields) terms.push_back(EqualsTerm(f));
      std::string one_line = head + " return " + JoinWrapped(terms, " &&", 0, 1000) + "; }";
      if (one_line.size() <= 100) {
        out += one_line + "\n";
      } else {
        out += head + "\n    return " + JoinWrapped(terms, " &&", 11, 11) + ";\n  }\n";
      }
    }
  } else if (HasPointer(s)) {
    // Pointers compare their values; such a struct has no ordering.
    std::vector<std::string> terms;
    for (const Field& f : s.fields) terms.push_back(EqualsTerm(f));
    const std::string head = "  bool operator==(const " + s.cpp_name + "& vireo_other) const {";
    out += head + "\n    return " + JoinWrapped(terms, " &&", 11, 11) + ";\n  }\n";
  } else {
    out += "  bool operator==(const " + s.cpp_name + "&) const = default;\n";
    out += OrderingLine(s);
  }
  out += "  // What operator<< prints: `" + s.cpp_name + "(field=value, ...)`.\n";
  out += "  std::string DebugString() const;\n";
  if (IsException(s)) {
    out +=
        "  // DebugString()'s text. It stays valid until the next what() on this\n"
        "  // object or its destruction; like any const member that caches, call\n"
        "  // it from one thread at a time per object.\n"
        "  const char* what() const noexcept override;\n";
  }
  out += CodecMembers(s);
  if (IsException(s)) {
    out += "\n private:\n  mutable std::string vireo_what_;\n";
  }
  return out;
}

std::string UnionBody(const Struct& s, const idl::Program& program) {
  bool q = NeedsQualifiedNames(s, program);
  std::string out = " public:\n";
  out += "  // Which field is set: its id, or kNone.\n";
  out += "  enum class Which : int16_t {\n    kNone = 0,\n";
  for (const Field& f : s.fields) {
    out += "    " + f.cpp_name + " = " + std::to_string(f.id) + ",\n";
  }
  out += "  };\n\n";
  out += "  Which which() const {\n    switch (value_.index()) {\n";
  for (size_t i = 0; i < s.fields.size(); ++i) {
    out += "      case " + std::to_string(i + 1) +
           ":\n        return Which::" + s.fields[i].cpp_name + ";\n";
  }
  out += "      default:\n        return Which::kNone;\n    }\n  }\n";
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    std::string idx = std::to_string(i + 1);
    std::string t = CppValueType(f, program, q);
    const std::string& n = f.cpp_name;
    // A member held in a Box (a reference, or a cycle's back edge) reads
    // like the others: the accessors reach through the box.
    const std::string held = "std::get<" + idx + ">(value_)";
    out += "\n";
    out += DocComment(f.doc, "  ");
    out += "  bool has_" + n + "() const { return value_.index() == " + idx + "; }\n";
    out += "  // Precondition: has_" + n + "().\n";
    out += "  const " + t + "& " + n + "() const { return " + (IsIndirect(f) ? "*" : "") + held +
           "; }\n";
    out += "  // Makes " + n +
           " the set field (value-initialised if another was set; kept,\n"
           "  // with its capacity, if it already was) and returns it.\n";
    out += "  " + t + "& mutable_" + n + "() {\n";
    out += "    if (value_.index() != " + idx + ") value_.emplace<" + idx + ">();\n";
    if (IsIndirect(f)) {
      out += "    if (!" + held + ") " + held + ".emplace();\n";
      out += "    return *" + held + ";\n  }\n";
    } else {
      out += "    return " + held + ";\n  }\n";
    }
    if (IsScalar(*f.type)) {
      out += "  void set_" + n + "(" + t + " v) { value_.emplace<" + idx + ">(v); }\n";
    } else {
      out += "  void set_" + n + "(const " + t + "& v) {\n";
      out += "    if (value_.index() == " + idx + ") {\n";
      out += "      std::get<" + idx + ">(value_) = v;\n    } else {\n";
      out += "      value_.emplace<" + idx + ">(v);\n    }\n  }\n";
      out += "  void set_" + n + "(" + t + "&& v) {\n";
      out += "    if (value_.index() == " + idx + ") {\n";
      out += "      std::get<" + idx + ">(value_) = std::move(v);\n    } else {\n";
      out += "      value_.emplace<" + idx + ">(std::move(v));\n    }\n  }\n";
    }
  }
  out += "\n  // Unsets whichever field is set.\n";
  out += "  void clear() { value_.emplace<0>(); }\n\n";
  out += "  // The fields as the IDL declares them, in declaration order.\n";
  out += FieldInfoLines(s);
  out += "\n";
  out += "  bool operator==(const " + s.cpp_name + "&) const = default;\n";
  out += OrderingLine(s);
  out +=
      "  // What operator<< prints: `" + s.cpp_name + "(field=value)` or `" + s.cpp_name + "()`.\n";
  out += "  std::string DebugString() const;\n";
  out += CodecMembers(s);
  out += "\n private:\n";
  out += "  // Index 0: nothing set; index i: the i-th field of the IDL.\n";
  out += "  std::variant<std::monostate";
  for (const Field& f : s.fields) out += ", " + CppHeldType(f, program, q);
  out += "> value_;\n";
  return out;
}

}  // namespace

std::string DocComment(const std::string& doc, const std::string& indent) {
  if (doc.empty()) return "";
  std::string out;
  size_t start = 0;
  while (start <= doc.size()) {
    size_t end = doc.find('\n', start);
    if (end == std::string::npos) end = doc.size();
    std::string line = doc.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) {
      line.pop_back();
    }
    out += indent + (line.empty() ? "//" : "// " + line) + "\n";
    start = end + 1;
  }
  // Drop trailing empty comment lines.
  const std::string empty_line = indent + "//\n";
  while (out.size() >= empty_line.size() &&
         out.compare(out.size() - empty_line.size(), empty_line.size(), empty_line) == 0) {
    out.resize(out.size() - empty_line.size());
  }
  return out;
}

std::string GenerateEnumDeclaration(const idl::Enum& e, const idl::Program& /*program*/) {
  const std::string& n = e.cpp_name;
  std::string out = DocComment(e.doc, "");
  out += "enum class " + n + " : int32_t {\n";
  for (const auto& v : e.values) {
    out += DocComment(v->doc, "  ");
    out += "  " + v->cpp_name + " = " + std::to_string(v->value) + ",\n";
  }
  out += "};\n\n";
  out += "// The IDL name of `value` (\"\" for a value the IDL does not declare).\n";
  out += "constexpr std::string_view EnumName(" + n + " value) {\n";
  out += "  switch (value) {\n";
  std::set<int32_t> seen;
  for (const auto& v : e.values) {
    // Two names for one value: the first declared is the name.
    if (!seen.insert(v->value).second) continue;
    out += "    case " + n + "::" + v->cpp_name + ":\n";
    out += "      return " + CppStringLiteral(v->name) + ";\n";
  }
  out += "  }\n  return \"\";\n}\n";
  out += "// Sets *value to the enumerator whose IDL name is `name`; false (and\n";
  out += "// *value untouched) when there is none.\n";
  out += "bool EnumFromName(std::string_view name, " + n + "* value);\n";
  out += "// Every declared value, in declaration order.\n";
  std::string head = "inline constexpr std::array<" + n + ", " + std::to_string(e.values.size()) +
                     "> k" + n + "Values = {";
  std::vector<std::string> values;
  for (const auto& v : e.values) values.push_back(n + "::" + v->cpp_name);
  std::string one_line = head;
  for (size_t i = 0; i < values.size(); ++i) one_line += (i > 0 ? ", " : "") + values[i];
  if (one_line.size() + 2 <= 100) {
    out += one_line + "};\n";
  } else {
    out += head + "\n    " + JoinWrapped(values, ",", 4, 4) + "};\n";
  }
  out += "// Prints the IDL name, or the number for an undeclared value.\n";
  out += "std::ostream& operator<<(std::ostream& os, " + n + " value);\n";
  return out;
}

std::string GenerateEnumDefinitions(const idl::Enum& e, const idl::Program& /*program*/) {
  const std::string& n = e.cpp_name;
  std::string out = "bool EnumFromName(std::string_view name, " + n + "* value) {\n";
  for (const auto& v : e.values) {
    out += "  if (name == " + CppStringLiteral(v->name) + ") {\n";
    out += "    *value = " + n + "::" + v->cpp_name + ";\n    return true;\n  }\n";
  }
  if (e.values.empty()) out += "  static_cast<void>(name);\n  static_cast<void>(value);\n";
  out += "  return false;\n}\n\n";
  out += "std::ostream& operator<<(std::ostream& os, " + n + " value) {\n";
  out += "  std::string_view name = EnumName(value);\n";
  out += "  if (name.empty()) return os << static_cast<int32_t>(value);\n";
  out += "  return os << name;\n}\n";
  return out;
}

std::string GenerateTypedef(const idl::Typedef& t, const idl::Program& program) {
  std::string out = DocComment(t.doc, "");
  const std::string* override_type = idl::FindAnnotation(t.annotations, "cpp.type");
  std::string type = override_type != nullptr && !override_type->empty()
                         ? *override_type
                         : CppTypeName(*t.type, program);
  out += "using " + t.cpp_name + " = " + type + ";\n";
  return out;
}

std::string GenerateConst(const idl::Const& c, const idl::Program& program) {
  std::string out = DocComment(c.doc, "");
  std::string type = CppTypeName(*c.type, program);
  std::string value = CppConstValue(c.value, *c.type, program);
  bool literal =
      IsScalar(*c.type) && idl::FindAnnotation(c.type->annotations, "cpp.type") == nullptr;
  std::string head =
      std::string(literal ? "inline constexpr " : "inline const ") + type + " " + c.cpp_name + " =";
  size_t first_line = value.find('\n');
  if (first_line == std::string::npos) first_line = value.size() + 1;  // with the ';'
  if (value.find('\n') == std::string::npos && head.size() + 1 + first_line > 100) {
    out += head + "\n    " + value + ";\n";
  } else {
    out += head + " " + value + ";\n";
  }
  return out;
}

std::string GenerateStructDeclaration(const Struct& s, const idl::Program& program) {
  std::string out = DocComment(s.doc, "");
  if (IsUnion(s)) {
    out += "class " + s.cpp_name + " {\n" + UnionBody(s, program) + "};\n";
  } else if (IsException(s)) {
    out +=
        "struct " + s.cpp_name + " : public std::exception {\n" + StructBody(s, program) + "};\n";
  } else {
    out += "struct " + s.cpp_name + " {\n" + StructBody(s, program) + "};\n";
  }
  out += "std::ostream& operator<<(std::ostream& os, const " + s.cpp_name + "& value);\n";
  return out;
}

std::string GenerateStructDefinitions(const Struct& s, const idl::Program& /*program*/,
                                      ReadShape shape) {
  const std::string& n = s.cpp_name;
  std::string out = "std::ostream& operator<<(std::ostream& os, const " + n + "& value) {\n";
  out += "  os << \"" + n + "(\";\n";
  if (IsUnion(s)) {
    out += "  switch (value.which()) {\n";
    for (const Field& f : s.fields) {
      out += "    case " + n + "::Which::" + f.cpp_name + ":\n";
      out += "      os << \"" + f.name + "=\";\n";
      out += "      VireoPrintValue(os, value." + f.cpp_name + "());\n";
      out += "      break;\n";
    }
    out += "    case " + n + "::Which::kNone:\n      break;\n  }\n";
  } else {
    for (size_t i = 0; i < s.fields.size(); ++i) {
      const Field& f = s.fields[i];
      out += "  os << \"" + std::string(i > 0 ? ", " : "") + f.name + "=\";\n";
      out += "  VireoPrintValue(os, value." + f.cpp_name + ");\n";
    }
    if (s.fields.empty()) out += "  static_cast<void>(value);\n";
  }
  out += "  return os << \")\";\n}\n\n";
  if (HasUnique(s)) {
    std::vector<std::string> inits;
    std::vector<std::string> assigns;
    if (IsException(s)) inits.push_back("std::exception(vireo_other)");
    for (const Field& f : s.fields) {
      const std::string from =
          f.indirection == Indirection::kUnique
              ? "::vireo::codec::internal::CopyHeld(vireo_other." + f.cpp_name + ")"
              : "vireo_other." + f.cpp_name;
      inits.push_back(f.cpp_name + "(" + from + ")");
      assigns.push_back("    " + f.cpp_name + " = " + from + ";\n");
    }
    out += n + "::" + n + "(const " + n + "& vireo_other)\n    : " + JoinWrapped(inits, ",", 6, 6) +
           " {}\n\n";
    out += n + "& " + n + "::operator=(const " + n + "& vireo_other) {\n";
    out += "  if (this == &vireo_other) return *this;\n";
    for (const std::string& a : assigns) out += a.substr(2);
    out += "  return *this;\n}\n\n";
  }
  out += "std::string " + n + "::DebugString() const {\n";
  out += "  std::ostringstream os;\n  os << *this;\n  return os.str();\n}\n";
  if (IsException(s)) {
    out += "\nconst char* " + n + "::what() const noexcept {\n";
    out += "  try {\n    vireo_what_ = DebugString();\n  } catch (...) {\n";
    out += "    return \"" + n + "\";\n  }\n  return vireo_what_.c_str();\n}\n";
  }
  std::string codec = GenerateCodecDefinitions(s, shape);
  if (!codec.empty()) {
    if (codec.back() != '\n') codec += '\n';
    out += "\n" + codec;
  }
  return out;
}

std::string GeneratePrintHelpers() {
  return R"vg(// Printing for operator<<: strings quoted and escaped, binary in hex,
// containers in brackets, unset optionals as <null>.
template <class T>
void VireoPrintValue(std::ostream& os, const T& v);

[[maybe_unused]] void VireoPrintString(std::ostream& os, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  os << '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      os << '\\' << ch;
    } else if (c == '\n') {
      os << "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      os << "\\x" << kHex[c >> 4] << kHex[c & 15];
    } else {
      os << ch;
    }
  }
  os << '"';
}

[[maybe_unused]] void VireoPrintHex(std::ostream& os, const uint8_t* p, size_t n, size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  os << "0x";
  for (size_t i = 0; i < n && i < max; ++i) os << kHex[p[i] >> 4] << kHex[p[i] & 15];
  if (n > max) os << "...(" << n << " bytes)";
}

template <class T>
concept VireoMapLike = requires(const T& t) {
  typename T::mapped_type;
  t.begin();
  t.end();
};
template <class T>
concept VireoSetLike = requires(const T& t) {
  typename T::key_type;
  t.begin();
  t.end();
};
template <class T>
concept VireoRange = requires(const T& t) {
  t.begin();
  t.end();
};
template <class T>
concept VireoStreamable = requires(std::ostream& os, const T& t) { os << t; };
// What may be empty: std::optional, and the holders of indirect fields.
template <class T>
struct VireoIsOptional : std::false_type {};
template <class T>
struct VireoIsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct VireoIsOptional<vireo::codec::Box<T>> : std::true_type {};
template <class T>
struct VireoIsOptional<std::unique_ptr<T>> : std::true_type {};
template <class T>
struct VireoIsOptional<std::shared_ptr<T>> : std::true_type {};

template <class T>
void VireoPrintValue(std::ostream& os, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    os << (v ? "true" : "false");
  } else if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
    os << static_cast<int>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof(buf), v);
    os << std::string_view(buf, static_cast<size_t>(result.ptr - buf));
  } else if constexpr (std::is_arithmetic_v<T>) {
    os << v;
  } else if constexpr (std::is_same_v<T, std::string>) {
    VireoPrintString(os, v);
  } else if constexpr (std::is_same_v<T, vireo::codec::Bytes>) {
    VireoPrintHex(os, reinterpret_cast<const uint8_t*>(v.data()), v.size(), 64);
  } else if constexpr (std::is_same_v<T, vireo::codec::Uuid>) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) os << '-';
      os << kHex[v[i] >> 4] << kHex[v[i] & 15];
    }
  } else if constexpr (VireoIsOptional<T>::value) {
    if (static_cast<bool>(v)) {
      VireoPrintValue(os, *v);
    } else {
      os << "<null>";
    }
  } else if constexpr (VireoMapLike<T>) {
    os << '{';
    bool first = true;
    for (const auto& [key, value] : v) {
      if (!first) os << ", ";
      first = false;
      VireoPrintValue(os, key);
      os << ": ";
      VireoPrintValue(os, value);
    }
    os << '}';
  } else if constexpr (VireoRange<T>) {
    os << (VireoSetLike<T> ? '{' : '[');
    bool first = true;
    for (const auto& e : v) {
      if (!first) os << ", ";
      first = false;
      VireoPrintValue(os, e);
    }
    os << (VireoSetLike<T> ? '}' : ']');
  } else if constexpr (VireoStreamable<T>) {
    os << v;
  } else {
    os << "<?>";
  }
}
)vg";
}

}  // namespace vireo::codegen
