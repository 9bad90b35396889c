// The resolved model of a Thrift IDL file: what the parser builds and the
// semantic pass completes, and what the generator and the conformance dump
// read.
//
// A Program is one .thrift file. Every definition it declares is owned by it
// (std::unique_ptr, so addresses are stable); references between definitions
// (a field's named type, a service's base, an included file) are borrowed
// raw pointers that the semantic pass fills in. The Frontend that loaded a
// Program owns it and every Program it includes.
//
// Names: `name` is the name as written in the IDL; `cpp_name` is the name
// the generator must use (the same, or with a `_` suffix when the name is a
// C++ keyword). Both are set on every definition, field, enum value and
// function once the semantic pass has run.
//
// Example:
//   idl::Frontend frontend(options);
//   const idl::Program* p = frontend.Load("echo.thrift");
//   if (p == nullptr) { std::cerr << frontend.diagnostics().Format(); return 1; }
//   for (const auto& s : p->structs) ...
//
// Thread rules: a loaded model is immutable; any thread may read it.
#ifndef VIREO_IDL_MODEL_H_
#define VIREO_IDL_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vireo::idl {

struct Program;
struct Definition;
struct EnumValue;

// A point in a source file; line and column count from 1.
struct Location {
  const std::string* file = nullptr;  // owned by the Frontend; null = none
  int line = 0;
  int col = 0;
};

// `(key = "value", flag)`: in source order; a key without a value has the
// value "1", as Apache Thrift records it. Duplicate keys keep the last value.
struct Annotation {
  std::string key;
  std::string value;
  Location loc;
};
using Annotations = std::vector<Annotation>;

// The value of annotation `key`, or nullptr.
const std::string* FindAnnotation(const Annotations& annotations, const std::string& key);

enum class BaseType {
  kVoid,
  kBool,
  kI8,  // `byte` and `i8`
  kI16,
  kI32,
  kI64,
  kDouble,
  kString,
  kBinary,
  kUuid,
};

// The IDL spelling of a base type: "void", "bool", "i8", ..., "uuid".
std::string_view BaseTypeName(BaseType base);

// A type expression as written at a use site (field, argument, typedef,
// const, container element). Named types point at their definition after
// the semantic pass.
struct Type {
  enum class Kind { kBase, kList, kSet, kMap, kNamed };

  Kind kind = Kind::kBase;
  BaseType base = BaseType::kVoid;  // kBase
  std::unique_ptr<Type> elem;       // kList, kSet: element; kMap: key
  std::unique_ptr<Type> value;      // kMap: value
  std::string name;                 // kNamed: as written, e.g. "shared.Point"
  // kNamed after the semantic pass: a Typedef, Enum or Struct. Never null on
  // a resolved model.
  const Definition* resolved = nullptr;
  // Annotations on the type expression itself, e.g.
  // `list<i32> (cpp.template = "std::deque")`.
  Annotations annotations;
  Location loc;
};

// Deep copy (the `resolved` pointers are shared, not copied).
std::unique_ptr<Type> CloneType(const Type& type);

// A constant value. The parser produces every kind; the semantic pass
// replaces each kIdentifier by the value it names (a constant's value, or an
// enum value as kInt with `enum_value` set) and checks the value against its
// declared type, converting kInt to kDouble where a double is expected.
// `true`/`false` are kInt 1/0, as in Apache Thrift. Struct literals are kMap
// with string keys naming the fields.
struct ConstValue {
  enum class Kind { kInt, kDouble, kString, kIdentifier, kList, kMap };

  // Defined (as defaults) in model.cc: defined here they would need
  // std::pair<ConstValue, ConstValue> complete while ConstValue is not yet,
  // which clang with libstdc++ rejects.
  ConstValue();
  ~ConstValue();
  ConstValue(const ConstValue&);
  ConstValue(ConstValue&&) noexcept;
  ConstValue& operator=(const ConstValue&);
  ConstValue& operator=(ConstValue&&) noexcept;

  Kind kind = Kind::kInt;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;  // kString: the literal; kIdentifier: the name
  std::vector<ConstValue> list;
  std::vector<std::pair<ConstValue, ConstValue>> map;
  // Set when the value came from (or is) an enum value reference.
  const EnumValue* enum_value = nullptr;
  Location loc;
};

enum class Requiredness {
  kDefault,  // neither keyword: written when set, "req_out" in Apache's JSON
  kRequired,
  kOptional,
};

struct Field {
  // Explicit ids are 1..32767. A field without an id gets -1, -2, ... in
  // declaration order (Apache Thrift's rule, with a warning).
  int16_t id = 0;
  bool id_explicit = false;
  std::string name;
  std::string cpp_name;
  std::unique_ptr<Type> type;
  Requiredness requiredness = Requiredness::kDefault;
  std::optional<ConstValue> default_value;
  // `1: Foo & foo`: Apache's C++ generator holds such a field by pointer.
  bool reference = false;
  // How generated code holds the value; set by the semantic pass. A field
  // held indirectly (anything but kValue) is present when its holder is
  // non-null, whatever its requiredness.
  enum class Indirection {
    kValue,        // by value (std::optional<T> when optional)
    kUnique,       // `&`, cpp.ref / cpp2.ref, ref_type "unique": std::unique_ptr<T>
    kShared,       // cpp.ref_type / cpp2.ref_type "shared": std::shared_ptr<T>
    kSharedConst,  // ref_type "shared_const": std::shared_ptr<const T>
    kBox,          // closes a by-value cycle: a heap box with value semantics
  };
  Indirection indirection = Indirection::kValue;
  Annotations annotations;
  std::string doc;
  Location loc;
};

// Common head of every top-level definition.
struct Definition {
  enum class Kind { kTypedef, kEnum, kConst, kStruct, kService };

  explicit Definition(Kind k) : kind(k) {}
  virtual ~Definition() = default;

  Kind kind;
  std::string name;
  std::string cpp_name;
  const Program* program = nullptr;  // the file that declares it
  Annotations annotations;
  std::string doc;  // the `/** ... */` comment before it, cleaned as Apache does
  Location loc;
};

struct Typedef : Definition {
  Typedef() : Definition(Kind::kTypedef) {}
  std::unique_ptr<Type> type;
};

struct EnumValue {
  std::string name;
  std::string cpp_name;
  int32_t value = 0;
  bool value_explicit = false;
  const struct Enum* parent = nullptr;
  Annotations annotations;
  std::string doc;
  Location loc;
};

struct Enum : Definition {
  Enum() : Definition(Kind::kEnum) {}
  std::vector<std::unique_ptr<EnumValue>> values;  // declaration order
};

struct Const : Definition {
  Const() : Definition(Kind::kConst) {}
  std::unique_ptr<Type> type;
  ConstValue value;
};

struct Struct : Definition {
  enum class Flavor { kStruct, kUnion, kException };

  Struct() : Definition(Kind::kStruct) {}
  Flavor flavor = Flavor::kStruct;
  std::vector<Field> fields;  // declaration order
};

struct Function {
  std::string name;
  std::string cpp_name;
  std::unique_ptr<Type> return_type;  // kBase/kVoid for void
  std::vector<Field> arguments;
  std::vector<Field> exceptions;  // `throws (...)`
  bool oneway = false;
  Annotations annotations;
  std::string doc;
  Location loc;
};

struct Service : Definition {
  Service() : Definition(Kind::kService) {}
  std::string extends_name;              // as written; empty = none
  const Service* extends = nullptr;      // resolved base service
  std::vector<Function> functions;       // declaration order
};

struct Include {
  std::string path;  // as written in `include "..."`
  const Program* program = nullptr;  // resolved
  Location loc;
};

struct Program {
  std::string path;  // as opened (after the include search)
  std::string name;  // base name without ".thrift": the scope for `name.Type`
  std::string doc;   // the doc comment at the head of the file, if any
  std::vector<Include> includes;
  std::vector<std::string> cpp_includes;
  // scope ("cpp", "py", "*", ...) -> namespace, in the order written.
  std::vector<std::pair<std::string, std::string>> namespaces;

  std::vector<std::unique_ptr<Typedef>> typedefs;
  std::vector<std::unique_ptr<Enum>> enums;
  std::vector<std::unique_ptr<Const>> consts;
  std::vector<std::unique_ptr<Struct>> structs;  // structs, unions, exceptions
  std::vector<std::unique_ptr<Service>> services;
  // Every definition above in declaration order.
  std::vector<const Definition*> definitions;

  // The namespace for `scope` (falling back to "*"), or "".
  std::string Namespace(const std::string& scope) const;
  // The definition named `name` in this file (unscoped), or nullptr.
  const Definition* Find(const std::string& name) const;
};

// Follows typedefs: the type a use site finally denotes (never a typedef).
const Type& TrueType(const Type& type);

// For a kNamed type after TrueType: the enum or struct it names, else null.
const Enum* AsEnum(const Type& type);
const Struct* AsStruct(const Type& type);

}  // namespace vireo::idl

#endif  // VIREO_IDL_MODEL_H_
