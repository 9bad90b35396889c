#include "vireo/idl/model.h"

namespace vireo::idl {

ConstValue::ConstValue() = default;
ConstValue::~ConstValue() = default;
ConstValue::ConstValue(const ConstValue&) = default;
ConstValue::ConstValue(ConstValue&&) noexcept = default;
ConstValue& ConstValue::operator=(const ConstValue&) = default;
ConstValue& ConstValue::operator=(ConstValue&&) noexcept = default;

std::string_view BaseTypeName(BaseType base) {
  switch (base) {
    case BaseType::kVoid:
      return "void";
    case BaseType::kBool:
      return "bool";
    case BaseType::kI8:
      return "i8";
    case BaseType::kI16:
      return "i16";
    case BaseType::kI32:
      return "i32";
    case BaseType::kI64:
      return "i64";
    case BaseType::kDouble:
      return "double";
    case BaseType::kString:
      return "string";
    case BaseType::kBinary:
      return "binary";
    case BaseType::kUuid:
      return "uuid";
  }
  return "(unknown)";
}

const std::string* FindAnnotation(const Annotations& annotations, const std::string& key) {
  const std::string* found = nullptr;
  for (const Annotation& a : annotations) {
    if (a.key == key) found = &a.value;
  }
  return found;
}

std::unique_ptr<Type> CloneType(const Type& type) {
  auto copy = std::make_unique<Type>();
  copy->kind = type.kind;
  copy->base = type.base;
  if (type.elem != nullptr) copy->elem = CloneType(*type.elem);
  if (type.value != nullptr) copy->value = CloneType(*type.value);
  copy->name = type.name;
  copy->resolved = type.resolved;
  copy->annotations = type.annotations;
  copy->loc = type.loc;
  return copy;
}

std::string Program::Namespace(const std::string& scope) const {
  const std::string* star = nullptr;
  const std::string* exact = nullptr;
  // A later declaration for the same scope replaces an earlier one, as in
  // Apache Thrift.
  for (const auto& [s, ns] : namespaces) {
    if (s == scope) exact = &ns;
    if (s == "*") star = &ns;
  }
  if (exact != nullptr) return *exact;
  if (star != nullptr) return *star;
  return "";
}

const Definition* Program::Find(const std::string& name) const {
  for (const Definition* d : definitions) {
    if (d->name == name) return d;
  }
  return nullptr;
}

const Type& TrueType(const Type& type) {
  const Type* t = &type;
  while (t->kind == Type::Kind::kNamed && t->resolved != nullptr &&
         t->resolved->kind == Definition::Kind::kTypedef) {
    t = static_cast<const Typedef*>(t->resolved)->type.get();
  }
  return *t;
}

const Enum* AsEnum(const Type& type) {
  if (type.kind != Type::Kind::kNamed || type.resolved == nullptr ||
      type.resolved->kind != Definition::Kind::kEnum) {
    return nullptr;
  }
  return static_cast<const Enum*>(type.resolved);
}

const Struct* AsStruct(const Type& type) {
  if (type.kind != Type::Kind::kNamed || type.resolved == nullptr ||
      type.resolved->kind != Definition::Kind::kStruct) {
    return nullptr;
  }
  return static_cast<const Struct*>(type.resolved);
}

}  // namespace vireo::idl
