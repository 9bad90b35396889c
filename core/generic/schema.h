// Schema: Thrift IDL files loaded at run time, compiled for generic calls.
//
// The IDL front end (idl/) reads the files and resolves them; the Schema
// then compiles every struct, union and exception, and every method's
// arguments and result, into a small graph of TypeInfo / StructType nodes
// that the JSON codec (json_codec.h) walks: field tables by name and by id,
// the wire type of every value, enum names, default values. Nothing is
// looked up by string on the wire path but JSON keys (one hash lookup per
// key).
//
// Example:
//   absl::StatusOr<std::shared_ptr<const generic::Schema>> schema =
//       generic::Schema::Load({"echo.thrift"}, {"idl/include"});
//   if (!schema.ok()) { std::cerr << schema.status(); return 1; }
//   const generic::MethodSchema* m = (*schema)->FindMethod("EchoService", "echo");
//
// Names: a service or a struct is found by its name as declared
// ("EchoService") or scoped by its file ("echo.EchoService"); an unscoped
// name declared in several loaded files is ambiguous (FindService returns
// null; Load's diagnostics do not complain, since generated code does not
// either).
//
// Thread rules: a Schema is immutable once loaded; any thread may use it,
// concurrently. Share it with std::shared_ptr.
#ifndef VIREO_CORE_GENERIC_SCHEMA_H_
#define VIREO_CORE_GENERIC_SCHEMA_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"

namespace vireo::generic {

struct StructType;

// One value's type, typedefs followed.
struct TypeInfo {
  enum class Kind : uint8_t {
    kBool,
    kI8,
    kI16,
    kI32,
    kI64,
    kDouble,
    kString,
    kBinary,
    kUuid,
    kEnum,  // an i32 on the wire
    kList,
    kSet,
    kMap,
    kStruct,  // struct, union or exception
  };

  Kind kind = Kind::kBool;
  codec::TType ttype = codec::TType::kBool;  // on the wire
  const TypeInfo* elem = nullptr;            // kList, kSet: element; kMap: key
  const TypeInfo* value = nullptr;           // kMap: value
  const StructType* struct_type = nullptr;   // kStruct
  const idl::Enum* enum_def = nullptr;       // kEnum
  // kEnum: value names by number and numbers by name.
  absl::flat_hash_map<int32_t, std::string_view> enum_names;
  absl::flat_hash_map<std::string_view, int32_t> enum_values;
  // The type as the IDL spells it after typedefs: "i32", "list<Item>", ...
  std::string name;
};

struct FieldInfo {
  int16_t id = 0;
  std::string name;
  // `"name":`, as the decoder writes it (IDL names need no escaping).
  std::string json_key;
  const TypeInfo* type = nullptr;
  idl::Requiredness requiredness = idl::Requiredness::kDefault;
  // The IDL default, written when the JSON leaves a non-optional field out.
  const idl::ConstValue* default_value = nullptr;
};

// A struct, union or exception, or a method's synthesized arguments or
// result struct.
struct StructType {
  std::string name;  // "Complex", "EchoService.echo_args"
  bool is_union = false;
  bool is_exception = false;
  std::vector<FieldInfo> fields;                       // declaration order
  absl::flat_hash_map<std::string_view, int> by_name;  // index into fields
  absl::flat_hash_map<int16_t, int> by_id;
  // Field index by id - dense_base (-1: none), when the ids span at most
  // kMaxDense; else empty and by_id answers.
  static constexpr int kMaxDense = 256;
  int dense_base = 0;
  std::vector<int16_t> dense;
  int required_count = 0;
  // Whether encoding must track the fields seen: required fields, IDL
  // defaults, or a union.
  bool needs_presence = false;

  const FieldInfo* FindByName(std::string_view name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &fields[static_cast<size_t>(it->second)];
  }
  const FieldInfo* FindById(int16_t id) const {
    if (ABSL_PREDICT_FALSE(dense.empty())) return FindByIdSparse(id);
    const auto i = static_cast<size_t>(id - dense_base);  // wraps when below the base
    if (i >= dense.size() || dense[i] < 0) return nullptr;
    return &fields[static_cast<size_t>(dense[i])];
  }
  const FieldInfo* FindByIdSparse(int16_t id) const;
};

struct MethodSchema {
  std::string service;  // the service the call is made to (may extend the declaring one)
  std::string name;
  const idl::Function* function = nullptr;
  bool oneway = false;
  // The annotation `(vireo.idempotent = "true")`.
  bool idempotent = false;
  // `<Service>_<method>_args`: the arguments as fields.
  const StructType* args = nullptr;
  // `<Service>_<method>_result`: field 0 "success" (absent for void), then
  // the declared exceptions.
  const StructType* result = nullptr;
  bool returns_void = true;
};

struct ServiceSchema {
  std::string name;
  std::string scoped_name;  // "file.Service"
  const idl::Service* service = nullptr;
  // Every method, those of base services included (base first).
  std::vector<const MethodSchema*> methods;

  const MethodSchema* FindMethod(std::string_view name) const;
};

class Schema {
 public:
  // Loads `files` (and what they include, searched in `include_dirs` after
  // each including file's folder). InvalidArgument with the front end's
  // diagnostics when any file has an error or cannot be read.
  static absl::StatusOr<std::shared_ptr<const Schema>> Load(
      const std::vector<std::string>& files, const std::vector<std::string>& include_dirs = {});
  // Parses `text` as the file `path` (for tests and tools).
  static absl::StatusOr<std::shared_ptr<const Schema>> LoadString(
      const std::string& path, std::string_view text,
      const std::vector<std::string>& include_dirs = {});

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;
  ~Schema();

  // Every service of every loaded file (included files too), in load order.
  const std::deque<ServiceSchema>& services() const { return services_; }
  // By name or scoped name; null when unknown or ambiguous.
  const ServiceSchema* FindService(std::string_view name) const;
  // `method` of `service`; with an empty `service`, of the only service
  // loaded. Null when unknown.
  const MethodSchema* FindMethod(std::string_view service, std::string_view method) const;
  // A struct, union or exception by name or scoped name; null when unknown
  // or ambiguous.
  const StructType* FindStruct(std::string_view name) const;

  // What `vireo-call --list` prints: each service, its methods with their
  // argument and result types and declared exceptions.
  std::string Describe() const;

 private:
  Schema();
  class Compiler;
  absl::Status Compile(const std::vector<const idl::Program*>& programs);

  std::unique_ptr<idl::Frontend> frontend_;
  std::deque<TypeInfo> types_;
  std::deque<StructType> structs_;
  std::deque<MethodSchema> methods_;
  std::deque<ServiceSchema> services_;
  // Name and scoped name -> node; nullptr marks an ambiguous name.
  absl::flat_hash_map<std::string, const StructType*> struct_names_;
  absl::flat_hash_map<std::string, const ServiceSchema*> service_names_;
};

}  // namespace vireo::generic

#endif  // VIREO_CORE_GENERIC_SCHEMA_H_
