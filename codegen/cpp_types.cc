#include "vireo/codegen/cpp_types.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <system_error>

namespace vireo::codegen {
namespace {

using idl::BaseType;
using idl::ConstValue;
using idl::Type;

std::string CppBaseType(BaseType base) {
  switch (base) {
    case BaseType::kVoid:
      return "void";
    case BaseType::kBool:
      return "bool";
    case BaseType::kI8:
      return "int8_t";
    case BaseType::kI16:
      return "int16_t";
    case BaseType::kI32:
      return "int32_t";
    case BaseType::kI64:
      return "int64_t";
    case BaseType::kDouble:
      return "double";
    case BaseType::kString:
      return "std::string";
    case BaseType::kBinary:
      return "vireo::codec::Bytes";
    case BaseType::kUuid:
      return "vireo::codec::Uuid";
  }
  return "void";
}

// `cpp.type` replaces the whole type; an empty value is ignored, as in
// Apache Thrift.
const std::string* CppTypeAnnotation(const idl::Annotations& annotations) {
  const std::string* v = idl::FindAnnotation(annotations, "cpp.type");
  return v != nullptr && !v->empty() ? v : nullptr;
}

const std::string* CppTemplateAnnotation(const idl::Annotations& annotations) {
  const std::string* v = idl::FindAnnotation(annotations, "cpp.template");
  return v != nullptr && !v->empty() ? v : nullptr;
}

std::string IntLiteral(int64_t v) {
  // -9223372036854775808 is not a literal in C++: it is unary minus applied
  // to a value that does not fit.
  if (v == std::numeric_limits<int64_t>::min()) return "(-9223372036854775807 - 1)";
  return std::to_string(v);
}

std::string DoubleLiteral(double v) {
  if (std::isnan(v)) return "std::numeric_limits<double>::quiet_NaN()";
  if (std::isinf(v)) {
    return v > 0 ? "std::numeric_limits<double>::infinity()"
                 : "-std::numeric_limits<double>::infinity()";
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) {
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    end = buf + std::char_traits<char>::length(buf);
  }
  std::string s(buf, end);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UuidLiteral(const std::string& text) {
  std::string out = "vireo::codec::Uuid{";
  int digits = 0;
  int high = -1;
  for (char c : text) {
    int d = HexDigit(c);
    if (d < 0) continue;  // dashes and braces
    if (high < 0) {
      high = d;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    if (digits > 0) out += ", ";
    out += "0x";
    out += kHex[high];
    out += kHex[d];
    ++digits;
    high = -1;
  }
  out += "}";
  return out;
}

bool HasNul(const std::string& s) { return s.find('\0') != std::string::npos; }

std::string StringValue(const std::string& s) {
  if (HasNul(s))
    return "std::string(" + CppStringLiteral(s) + ", " + std::to_string(s.size()) + ")";
  return CppStringLiteral(s);
}

}  // namespace

std::string CppNamespace(const idl::Program& program) {
  std::string ns = program.Namespace("cpp");
  std::string out;
  for (char c : ns) {
    if (c == '.') {
      out += "::";
    } else {
      out += c;
    }
  }
  return out;
}

std::string CppDefinitionName(const idl::Definition& def, const idl::Program& current,
                              bool qualify_local) {
  if (def.program == &current && !qualify_local) return def.cpp_name;
  const idl::Program* owner = def.program != nullptr ? def.program : &current;
  std::string ns = CppNamespace(*owner);
  if (ns.empty()) return "::" + def.cpp_name;
  return "::" + ns + "::" + def.cpp_name;
}

std::string CppTypeName(const Type& type, const idl::Program& current, bool qualify_local) {
  if (const std::string* t = CppTypeAnnotation(type.annotations)) return *t;
  switch (type.kind) {
    case Type::Kind::kBase:
      return CppBaseType(type.base);
    case Type::Kind::kList:
    case Type::Kind::kSet: {
      const std::string* tmpl = CppTemplateAnnotation(type.annotations);
      std::string name = tmpl != nullptr                  ? *tmpl
                         : type.kind == Type::Kind::kList ? "std::vector"
                                                          : "std::set";
      return name + "<" + CppTypeName(*type.elem, current, qualify_local) + ">";
    }
    case Type::Kind::kMap: {
      const std::string* tmpl = CppTemplateAnnotation(type.annotations);
      std::string name = tmpl != nullptr ? *tmpl : "std::map";
      return name + "<" + CppTypeName(*type.elem, current, qualify_local) + ", " +
             CppTypeName(*type.value, current, qualify_local) + ">";
    }
    case Type::Kind::kNamed:
      if (type.resolved == nullptr) return type.name;  // unresolved: only in broken models
      return CppDefinitionName(*type.resolved, current, qualify_local);
  }
  return "void";
}

const Type& CppValueTypeOf(const idl::Field& field) {
  const Type& t = *field.type;
  if (field.indirection != idl::Field::Indirection::kValue && t.kind == Type::Kind::kNamed &&
      t.resolved != nullptr && t.resolved->kind == idl::Definition::Kind::kTypedef &&
      idl::FindAnnotation(t.resolved->annotations, "cpp.type") == nullptr &&
      idl::AsStruct(idl::TrueType(t)) != nullptr) {
    // A typedef of a struct may be declared only after the struct that
    // holds it: a holder names the struct itself, declared up front.
    return idl::TrueType(t);
  }
  return t;
}

std::string CppValueType(const idl::Field& field, const idl::Program& current,
                         bool qualify_local) {
  return CppTypeName(CppValueTypeOf(field), current, qualify_local);
}

std::string CppHeldType(const idl::Field& field, const idl::Program& current,
                        bool qualify_local) {
  const std::string value_type = CppValueType(field, current, qualify_local);
  switch (field.indirection) {
    case idl::Field::Indirection::kValue:
      return value_type;
    case idl::Field::Indirection::kUnique:
      return "std::unique_ptr<" + value_type + ">";
    case idl::Field::Indirection::kShared:
      return "std::shared_ptr<" + value_type + ">";
    case idl::Field::Indirection::kSharedConst:
      return "std::shared_ptr<const " + value_type + ">";
    case idl::Field::Indirection::kBox:
      return "::vireo::codec::Box<" + value_type + ">";
  }
  return value_type;
}

std::string CppFieldType(const idl::Field& field, const idl::Program& current, bool qualify_local) {
  if (field.indirection != idl::Field::Indirection::kValue) {
    return CppHeldType(field, current, qualify_local);
  }
  std::string t = CppTypeName(*field.type, current, qualify_local);
  if (field.requiredness == idl::Requiredness::kOptional) return "std::optional<" + t + ">";
  return t;
}

std::string TTypeEnumerator(const Type& type) {
  const Type& t = idl::TrueType(type);
  switch (t.kind) {
    case Type::Kind::kBase:
      switch (t.base) {
        case BaseType::kVoid:
          return "kVoid";
        case BaseType::kBool:
          return "kBool";
        case BaseType::kI8:
          return "kByte";
        case BaseType::kI16:
          return "kI16";
        case BaseType::kI32:
          return "kI32";
        case BaseType::kI64:
          return "kI64";
        case BaseType::kDouble:
          return "kDouble";
        case BaseType::kString:
        case BaseType::kBinary:
          return "kString";
        case BaseType::kUuid:
          return "kUuid";
      }
      return "kVoid";
    case Type::Kind::kList:
      return "kList";
    case Type::Kind::kSet:
      return "kSet";
    case Type::Kind::kMap:
      return "kMap";
    case Type::Kind::kNamed:
      if (idl::AsEnum(t) != nullptr) return "kI32";
      return "kStruct";
  }
  return "kVoid";
}

std::string TTypeExpr(const Type& type) { return "vireo::codec::TType::" + TTypeEnumerator(type); }

bool IsScalar(const Type& type) {
  const Type& t = idl::TrueType(type);
  if (t.kind == Type::Kind::kNamed) return idl::AsEnum(t) != nullptr;
  if (t.kind != Type::Kind::kBase) return false;
  switch (t.base) {
    case BaseType::kBool:
    case BaseType::kI8:
    case BaseType::kI16:
    case BaseType::kI32:
    case BaseType::kI64:
    case BaseType::kDouble:
      return true;
    default:
      return false;
  }
}

void CollectTemplateIncludes(const Type& type, std::set<std::string>* out) {
  static const std::map<std::string, std::string> kHeaders = {
      {"std::deque", "<deque>"},
      {"std::list", "<list>"},
      {"std::forward_list", "<forward_list>"},
      {"std::unordered_map", "<unordered_map>"},
      {"std::unordered_multimap", "<unordered_map>"},
      {"std::unordered_set", "<unordered_set>"},
      {"std::unordered_multiset", "<unordered_set>"},
      {"std::multimap", "<map>"},
      {"std::multiset", "<set>"},
  };
  if (const std::string* tmpl = CppTemplateAnnotation(type.annotations)) {
    auto it = kHeaders.find(*tmpl);
    if (it != kHeaders.end()) out->insert(it->second);
  }
  if (type.elem != nullptr) CollectTemplateIncludes(*type.elem, out);
  if (type.value != nullptr) CollectTemplateIncludes(*type.value, out);
}

std::string CppStringLiteral(std::string_view bytes) {
  std::string out = "\"";
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      out += '\\';
      out += static_cast<char>('0' + (c >> 6));
      out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    }
  }
  out += '"';
  return out;
}

std::string CppConstValue(const ConstValue& value, const Type& type, const idl::Program& current,
                          bool qualify_local, int indent) {
  const Type& t = idl::TrueType(type);
  std::string type_name = CppTypeName(type, current, qualify_local);
  switch (t.kind) {
    case Type::Kind::kBase:
      switch (t.base) {
        case BaseType::kBool:
          return value.int_value != 0 ? "true" : "false";
        case BaseType::kI8:
        case BaseType::kI16:
        case BaseType::kI32:
        case BaseType::kI64:
          return IntLiteral(value.int_value);
        case BaseType::kDouble:
          return DoubleLiteral(value.kind == ConstValue::Kind::kDouble
                                   ? value.double_value
                                   : static_cast<double>(value.int_value));
        case BaseType::kString:
          return StringValue(value.string_value);
        case BaseType::kBinary:
          return type_name + "(std::string_view(" + CppStringLiteral(value.string_value) + ", " +
                 std::to_string(value.string_value.size()) + "))";
        case BaseType::kUuid:
          return UuidLiteral(value.string_value);
        case BaseType::kVoid:
          return "{}";
      }
      return "{}";
    case Type::Kind::kList:
    case Type::Kind::kSet: {
      std::string out = type_name + "{";
      for (size_t i = 0; i < value.list.size(); ++i) {
        if (i > 0) out += ", ";
        out += CppConstValue(value.list[i], *t.elem, current, qualify_local, indent);
      }
      return out + "}";
    }
    case Type::Kind::kMap: {
      std::string out = type_name + "{";
      for (size_t i = 0; i < value.map.size(); ++i) {
        if (i > 0) out += ", ";
        out += "{" + CppConstValue(value.map[i].first, *t.elem, current, qualify_local, indent) +
               ", " + CppConstValue(value.map[i].second, *t.value, current, qualify_local, indent) +
               "}";
      }
      return out + "}";
    }
    case Type::Kind::kNamed:
      break;
  }
  if (const idl::Enum* e = idl::AsEnum(t)) {
    std::string enum_name = CppDefinitionName(*e, current, qualify_local);
    if (value.enum_value != nullptr && value.enum_value->parent == e) {
      return enum_name + "::" + value.enum_value->cpp_name;
    }
    for (const auto& v : e->values) {
      if (v->value == value.int_value) return enum_name + "::" + v->cpp_name;
    }
    return "static_cast<" + enum_name + ">(" + IntLiteral(value.int_value) + ")";
  }
  const idl::Struct* s = idl::AsStruct(t);
  if (s == nullptr) return "{}";
  // A struct literal: fields by name; built in a lambda so the expression
  // works in a default member initializer and in a namespace-scope constant.
  const std::string body(static_cast<size_t>(indent) + 2, ' ');
  std::string out = "[] {\n" + body + type_name + " v;\n";
  for (const auto& [key, val] : value.map) {
    for (const idl::Field& f : s->fields) {
      if (f.name != key.string_value) continue;
      std::string expr = CppConstValue(val, *f.type, current, qualify_local, indent + 2);
      if (s->flavor == idl::Struct::Flavor::kUnion) {
        out += body + "v.set_" + f.cpp_name + "(" + expr + ");\n";
      } else {
        out += body + "v." + f.cpp_name + " = " + expr + ";\n";
      }
    }
  }
  out += body + "return v;\n" + std::string(static_cast<size_t>(indent), ' ') + "}()";
  return out;
}

std::string FieldInitializer(const idl::Field& field, const idl::Program& current,
                             bool qualify_local) {
  // Optional and indirect fields start empty: an indirect field's IDL
  // default is not applied (it would allocate in every constructor, and a
  // recursive default could not end).
  if (field.requiredness == idl::Requiredness::kOptional ||
      field.indirection != idl::Field::Indirection::kValue) {
    return "";
  }
  if (field.default_value.has_value()) {
    return " = " + CppConstValue(*field.default_value, *field.type, current, qualify_local, 2);
  }
  const Type& t = idl::TrueType(*field.type);
  // A replaced type (cpp.type) may be anything; value-initialise it when it
  // stands for a number.
  if (CppTypeAnnotation(field.type->annotations) != nullptr) return IsScalar(t) ? "{}" : "";
  if (t.kind == Type::Kind::kNamed) return idl::AsEnum(t) != nullptr ? "{}" : "";
  if (t.kind != Type::Kind::kBase) return "";
  switch (t.base) {
    case BaseType::kBool:
      return " = false";
    case BaseType::kI8:
    case BaseType::kI16:
    case BaseType::kI32:
    case BaseType::kI64:
    case BaseType::kDouble:
      return " = 0";
    case BaseType::kUuid:
      return "{}";
    default:
      return "";
  }
}

}  // namespace vireo::codegen
