#include "vireo/idl/apache_json.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <vector>

namespace vireo::idl {
namespace {

// A pretty-printing JSON writer. Values go either after a Key() (inside an
// object) or straight into an array; the writer adds commas, newlines and
// two-space indentation.
class JsonWriter {
 public:
  void BeginObject() {
    BeforeValue();
    out_ += '{';
    levels_.push_back(true);
  }
  void EndObject() { End('}'); }
  void BeginArray() {
    BeforeValue();
    out_ += '[';
    levels_.push_back(true);
  }
  void EndArray() { End(']'); }

  void Key(std::string_view key) {
    NewItem();
    out_ += JsonQuote(key);
    out_ += ": ";
    after_key_ = true;
  }

  void String(std::string_view value) {
    BeforeValue();
    out_ += JsonQuote(value);
  }
  void Int(int64_t value) {
    BeforeValue();
    out_ += std::to_string(value);
  }
  void Double(double value) {
    BeforeValue();
    out_ += JsonDouble(value);
  }
  void Bool(bool value) {
    BeforeValue();
    out_ += value ? "true" : "false";
  }
  void Null() {
    BeforeValue();
    out_ += "null";
  }

  // Shorthands for `Key(key)` and one value.
  void KeyString(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void KeyInt(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }
  void KeyBool(std::string_view key, bool value) {
    Key(key);
    Bool(value);
  }

  std::string Take() {
    out_ += '\n';
    return std::move(out_);
  }

 private:
  void BeforeValue() {
    if (after_key_) {
      after_key_ = false;
    } else if (!levels_.empty()) {
      NewItem();
    }
  }
  // Starts an element of the innermost object or array on its own line.
  void NewItem() {
    if (!levels_.back()) out_ += ',';
    levels_.back() = false;
    out_ += '\n';
    out_.append(2 * levels_.size(), ' ');
  }
  void End(char bracket) {
    const bool empty = levels_.back();
    levels_.pop_back();
    if (!empty) {
      out_ += '\n';
      out_.append(2 * levels_.size(), ' ');
    }
    out_ += bracket;
  }

  std::string out_;
  // One entry per open object or array: true while it has no element yet.
  std::vector<bool> levels_;
  bool after_key_ = false;
};

class ApacheJsonWriter {
 public:
  explicit ApacheJsonWriter(const Program& program) : program_(program) {}

  std::string Write() {
    w_.BeginObject();
    w_.KeyString("name", program_.name);
    if (!program_.doc.empty()) w_.KeyString("doc", program_.doc);

    // Apache keeps namespaces in a map by scope: sorted, and a scope named
    // twice keeps its last namespace.
    std::map<std::string, std::string> namespaces;
    for (const auto& [scope, ns] : program_.namespaces) namespaces[scope] = ns;
    w_.Key("namespaces");
    w_.BeginObject();
    for (const auto& [scope, ns] : namespaces) w_.KeyString(scope, ns);
    w_.EndObject();

    w_.Key("includes");
    w_.BeginArray();
    for (const Include& include : program_.includes) {
      w_.String(include.program != nullptr ? include.program->name : include.path);
    }
    w_.EndArray();

    w_.Key("enums");
    w_.BeginArray();
    for (const auto& e : program_.enums) WriteEnum(*e);
    w_.EndArray();

    w_.Key("typedefs");
    w_.BeginArray();
    for (const auto& t : program_.typedefs) WriteTypedef(*t);
    w_.EndArray();

    w_.Key("structs");
    w_.BeginArray();
    for (const auto& s : program_.structs) WriteStruct(*s);
    w_.EndArray();

    w_.Key("constants");
    w_.BeginArray();
    for (const auto& c : program_.consts) WriteConst(*c);
    w_.EndArray();

    w_.Key("services");
    w_.BeginArray();
    for (const auto& s : program_.services) WriteService(*s);
    w_.EndArray();

    w_.EndObject();
    return w_.Take();
  }

 private:
  // Apache's name for a type after typedefs: enums are "i32" (0.17 writes an
  // enum as its wire type), structs are named by flavor.
  static std::string TypeId(const Type& use) {
    const Type& type = TrueType(use);
    switch (type.kind) {
      case Type::Kind::kBase:
        return std::string(BaseTypeName(type.base));
      case Type::Kind::kList:
        return "list";
      case Type::Kind::kSet:
        return "set";
      case Type::Kind::kMap:
        return "map";
      case Type::Kind::kNamed:
        break;
    }
    if (AsEnum(type) != nullptr) return "i32";
    if (const Struct* s = AsStruct(type)) {
      switch (s->flavor) {
        case Struct::Flavor::kStruct:
          return "struct";
        case Struct::Flavor::kUnion:
          return "union";
        case Struct::Flavor::kException:
          return "exception";
      }
    }
    return "(unknown)";
  }

  // The name of a definition as seen from the file being written: scoped by
  // the declaring file's name when that is another file.
  std::string QualifiedName(const Definition& def) const {
    if (def.program == nullptr || def.program == &program_) return def.name;
    return def.program->name + "." + def.name;
  }

  void WriteAnnotations(const Annotations& annotations) {
    if (annotations.empty()) return;
    // Apache keeps annotations in a map: sorted by key, the last value of a
    // repeated key wins.
    std::map<std::string, std::string> sorted;
    for (const Annotation& a : annotations) sorted[a.key] = a.value;
    w_.Key("annotations");
    w_.BeginObject();
    for (const auto& [key, value] : sorted) w_.KeyString(key, value);
    w_.EndObject();
  }

  // `"<key>": {...}` describing `use`, written only for the types Apache
  // describes beyond their typeId: structs and containers.
  void WriteTypeObject(std::string_view key, const Type& use) {
    const Type& type = TrueType(use);
    const Struct* s = AsStruct(type);
    if (type.kind == Type::Kind::kBase || (type.kind == Type::Kind::kNamed && s == nullptr)) {
      return;
    }
    w_.Key(key);
    w_.BeginObject();
    w_.KeyString("typeId", TypeId(type));
    // A struct's type carries the struct's own annotations; a container
    // carries those written on the container type expression.
    WriteAnnotations(s != nullptr ? s->annotations : type.annotations);
    switch (type.kind) {
      case Type::Kind::kNamed:
        w_.KeyString("class", QualifiedName(*s));
        break;
      case Type::Kind::kMap:
        w_.KeyString("keyTypeId", TypeId(*type.elem));
        w_.KeyString("valueTypeId", TypeId(*type.value));
        WriteTypeObject("keyType", *type.elem);
        WriteTypeObject("valueType", *type.value);
        break;
      case Type::Kind::kList:
      case Type::Kind::kSet:
        w_.KeyString("elemTypeId", TypeId(*type.elem));
        WriteTypeObject("elemType", *type.elem);
        break;
      case Type::Kind::kBase:
        break;
    }
    w_.EndObject();
  }

  // A map key: JSON keys are strings, so numbers are written as text.
  void WriteMapKey(const ConstValue& key) {
    switch (key.kind) {
      case ConstValue::Kind::kInt:
        w_.Key(std::to_string(key.int_value));
        return;
      case ConstValue::Kind::kDouble:
        w_.Key(ApacheDouble(key.double_value));
        return;
      case ConstValue::Kind::kString:
      case ConstValue::Kind::kIdentifier:
        w_.Key(key.string_value);
        return;
      case ConstValue::Kind::kList:
      case ConstValue::Kind::kMap:
        // Not valid Thrift as a key of a resolved map that Apache accepts
        // and can print; keep the document well-formed.
        w_.Key("");
        return;
    }
  }

  void WriteValue(const ConstValue& value) {
    switch (value.kind) {
      case ConstValue::Kind::kInt:
        w_.Int(value.int_value);
        return;
      case ConstValue::Kind::kDouble:
        w_.Double(value.double_value);
        return;
      case ConstValue::Kind::kString:
        w_.String(value.string_value);
        return;
      case ConstValue::Kind::kIdentifier:
        // A resolved model has none left; null shows the gap in a diff.
        w_.Null();
        return;
      case ConstValue::Kind::kList:
        w_.BeginArray();
        for (const ConstValue& item : value.list) WriteValue(item);
        w_.EndArray();
        return;
      case ConstValue::Kind::kMap:
        w_.BeginObject();
        for (const auto& [k, v] : value.map) {
          WriteMapKey(k);
          WriteValue(v);
        }
        w_.EndObject();
        return;
    }
  }

  void WriteEnum(const Enum& e) {
    w_.BeginObject();
    w_.KeyString("name", e.name);
    if (!e.doc.empty()) w_.KeyString("doc", e.doc);
    WriteAnnotations(e.annotations);
    w_.Key("members");
    w_.BeginArray();
    for (const auto& v : e.values) {
      w_.BeginObject();
      w_.KeyString("name", v->name);
      w_.KeyInt("value", v->value);
      if (!v->doc.empty()) w_.KeyString("doc", v->doc);
      w_.EndObject();
    }
    w_.EndArray();
    w_.EndObject();
  }

  void WriteTypedef(const Typedef& t) {
    w_.BeginObject();
    w_.KeyString("name", t.name);
    w_.KeyString("typeId", TypeId(*t.type));
    WriteTypeObject("type", *t.type);
    if (!t.doc.empty()) w_.KeyString("doc", t.doc);
    WriteAnnotations(t.annotations);
    w_.EndObject();
  }

  void WriteField(const Field& f) {
    w_.BeginObject();
    w_.KeyInt("key", f.id);
    w_.KeyString("name", f.name);
    w_.KeyString("typeId", TypeId(*f.type));
    WriteTypeObject("type", *f.type);
    if (!f.doc.empty()) w_.KeyString("doc", f.doc);
    WriteAnnotations(f.annotations);
    switch (f.requiredness) {
      case Requiredness::kRequired:
        w_.KeyString("required", "required");
        break;
      case Requiredness::kDefault:
        w_.KeyString("required", "req_out");
        break;
      case Requiredness::kOptional:
        w_.KeyString("required", "optional");
        break;
    }
    if (f.default_value.has_value()) {
      w_.Key("default");
      WriteValue(*f.default_value);
    }
    w_.EndObject();
  }

  void WriteFields(std::string_view key, const std::vector<Field>& fields) {
    w_.Key(key);
    w_.BeginArray();
    for (const Field& f : fields) WriteField(f);
    w_.EndArray();
  }

  void WriteStruct(const Struct& s) {
    w_.BeginObject();
    w_.KeyString("name", s.name);
    if (!s.doc.empty()) w_.KeyString("doc", s.doc);
    WriteAnnotations(s.annotations);
    w_.KeyBool("isException", s.flavor == Struct::Flavor::kException);
    w_.KeyBool("isUnion", s.flavor == Struct::Flavor::kUnion);
    WriteFields("fields", s.fields);
    w_.EndObject();
  }

  void WriteConst(const Const& c) {
    w_.BeginObject();
    w_.KeyString("name", c.name);
    w_.KeyString("typeId", TypeId(*c.type));
    WriteTypeObject("type", *c.type);
    if (!c.doc.empty()) w_.KeyString("doc", c.doc);
    w_.Key("value");
    WriteValue(c.value);
    w_.EndObject();
  }

  void WriteFunction(const Function& f) {
    w_.BeginObject();
    w_.KeyString("name", f.name);
    w_.KeyString("returnTypeId", TypeId(*f.return_type));
    WriteTypeObject("returnType", *f.return_type);
    w_.KeyBool("oneway", f.oneway);
    if (!f.doc.empty()) w_.KeyString("doc", f.doc);
    WriteAnnotations(f.annotations);
    WriteFields("arguments", f.arguments);
    WriteFields("exceptions", f.exceptions);
    w_.EndObject();
  }

  void WriteService(const Service& s) {
    w_.BeginObject();
    w_.KeyString("name", s.name);
    if (s.extends != nullptr) {
      w_.KeyString("extends", QualifiedName(*s.extends));
    } else if (!s.extends_name.empty()) {
      w_.KeyString("extends", s.extends_name);
    }
    if (!s.doc.empty()) w_.KeyString("doc", s.doc);
    WriteAnnotations(s.annotations);
    w_.Key("functions");
    w_.BeginArray();
    for (const Function& f : s.functions) WriteFunction(f);
    w_.EndArray();
    w_.EndObject();
  }

  const Program& program_;
  JsonWriter w_;
};

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      // Apache escapes '/'; doing the same keeps the two documents alike
      // byte for byte where they agree.
      case '/':
        out += "\\/";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string ApacheDouble(double value) {
  // Apache streams the double with precision digits10 (15) in the default
  // float format, which is printf's %g.
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

std::string JsonDouble(double value) {
  // JSON has no infinity; 1e999 is a valid number that every reader
  // rounds to it. (Apache prints "inf", which no reader accepts.)
  if (std::isinf(value)) return value > 0 ? "1e999" : "-1e999";
  if (std::isnan(value)) return "null";
  return ApacheDouble(value);
}

std::string ToApacheJson(const Program& program) { return ApacheJsonWriter(program).Write(); }

}  // namespace vireo::idl
