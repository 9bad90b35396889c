#include "vireo/core/generic/schema.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::generic {

using internal::Cat;

namespace {
template <class... A>
void Append(std::string& out, const A&... pieces) {
  (internal::AppendPiece(out, pieces), ...);
}
}  // namespace

const FieldInfo* StructType::FindByIdSparse(int16_t id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &fields[static_cast<size_t>(it->second)];
}

const MethodSchema* ServiceSchema::FindMethod(std::string_view name) const {
  for (const MethodSchema* m : methods) {
    if (m->name == name) return m;
  }
  return nullptr;
}

namespace {

// The type as written, typedef names kept ("list<UserId>").
std::string WrittenName(const idl::Type& type) {
  switch (type.kind) {
    case idl::Type::Kind::kBase:
      return std::string(idl::BaseTypeName(type.base));
    case idl::Type::Kind::kList:
      return Cat("list<", WrittenName(*type.elem), ">");
    case idl::Type::Kind::kSet:
      return Cat("set<", WrittenName(*type.elem), ">");
    case idl::Type::Kind::kMap:
      return Cat("map<", WrittenName(*type.elem), ",", WrittenName(*type.value), ">");
    case idl::Type::Kind::kNamed:
      return type.name;
  }
  return "?";
}

void CollectPrograms(const idl::Program* p, absl::flat_hash_set<const idl::Program*>* seen,
                     std::vector<const idl::Program*>* out) {
  if (p == nullptr || !seen->insert(p).second) return;
  for (const idl::Include& inc : p->includes) CollectPrograms(inc.program, seen, out);
  out->push_back(p);
}

}  // namespace

// Builds the TypeInfo / StructType graph. Structs are made before their
// fields are filled, so recursive types point at their own node.
class Schema::Compiler {
 public:
  explicit Compiler(Schema* schema) : s_(schema) {
    for (int k = 0; k <= static_cast<int>(TypeInfo::Kind::kUuid); ++k) base_[k] = nullptr;
  }

  const TypeInfo* Type(const idl::Type& written) {
    const idl::Type& t = idl::TrueType(written);
    switch (t.kind) {
      case idl::Type::Kind::kBase:
        return Base(t.base);
      case idl::Type::Kind::kList:
      case idl::Type::Kind::kSet: {
        TypeInfo& info = s_->types_.emplace_back();
        const bool list = t.kind == idl::Type::Kind::kList;
        info.kind = list ? TypeInfo::Kind::kList : TypeInfo::Kind::kSet;
        info.ttype = list ? codec::TType::kList : codec::TType::kSet;
        info.elem = Type(*t.elem);
        info.name = Cat(list ? "list<" : "set<", info.elem->name, ">");
        return &info;
      }
      case idl::Type::Kind::kMap: {
        TypeInfo& info = s_->types_.emplace_back();
        info.kind = TypeInfo::Kind::kMap;
        info.ttype = codec::TType::kMap;
        info.elem = Type(*t.elem);
        info.value = Type(*t.value);
        info.name = Cat("map<", info.elem->name, ",", info.value->name, ">");
        return &info;
      }
      case idl::Type::Kind::kNamed:
        break;
    }
    if (const idl::Enum* e = idl::AsEnum(t)) return Enum(*e);
    if (const idl::Struct* st = idl::AsStruct(t)) {
      auto it = struct_types_.find(st);
      if (it != struct_types_.end()) return it->second;
      TypeInfo& info = s_->types_.emplace_back();
      info.kind = TypeInfo::Kind::kStruct;
      info.ttype = codec::TType::kStruct;
      info.name = st->name;
      struct_types_.emplace(st, &info);
      info.struct_type = Struct(*st);
      return &info;
    }
    return Base(idl::BaseType::kVoid);  // unreachable on a resolved model
  }

  const StructType* Struct(const idl::Struct& def) {
    auto it = structs_.find(&def);
    if (it != structs_.end()) return it->second;
    StructType& st = s_->structs_.emplace_back();
    structs_.emplace(&def, &st);
    st.name = def.name;
    st.is_union = def.flavor == idl::Struct::Flavor::kUnion;
    st.is_exception = def.flavor == idl::Struct::Flavor::kException;
    for (const idl::Field& f : def.fields) AddField(&st, f, f.id, f.name);
    Index(&st);
    return &st;
  }

  void AddField(StructType* st, const idl::Field& f, int16_t id, std::string name) {
    FieldInfo& info = st->fields.emplace_back();
    info.id = id;
    info.name = std::move(name);
    info.type = Type(*f.type);
    info.requiredness = f.requiredness;
    if (f.default_value.has_value()) info.default_value = &*f.default_value;
    if (f.requiredness == idl::Requiredness::kRequired) ++st->required_count;
  }

  static void Index(StructType* st) {
    int lo = 0;
    int hi = -1;
    for (size_t i = 0; i < st->fields.size(); ++i) {
      FieldInfo& f = st->fields[i];
      f.json_key = Cat("\"", f.name, "\":");
      st->by_name.emplace(f.name, static_cast<int>(i));
      st->by_id.emplace(f.id, static_cast<int>(i));
      lo = i == 0 ? f.id : std::min<int>(lo, f.id);
      hi = i == 0 ? f.id : std::max<int>(hi, f.id);
    }
    st->needs_presence = st->required_count > 0 || st->is_union;
    for (const FieldInfo& f : st->fields) {
      if (f.default_value != nullptr) st->needs_presence = true;
    }
    if (hi >= lo && hi - lo < StructType::kMaxDense) {
      st->dense_base = lo;
      st->dense.assign(static_cast<size_t>(hi - lo + 1), -1);
      for (size_t i = 0; i < st->fields.size(); ++i) {
        st->dense[static_cast<size_t>(st->fields[i].id - lo)] = static_cast<int16_t>(i);
      }
    }
  }

  const MethodSchema* Method(const std::string& service, const idl::Function& fn) {
    MethodSchema& m = s_->methods_.emplace_back();
    m.service = service;
    m.name = fn.name;
    m.function = &fn;
    m.oneway = fn.oneway;
    const std::string* idem = idl::FindAnnotation(fn.annotations, "vireo.idempotent");
    m.idempotent = idem != nullptr && (*idem == "true" || *idem == "1");

    StructType& args = s_->structs_.emplace_back();
    args.name = Cat(service, "_", fn.name, "_args");
    for (const idl::Field& f : fn.arguments) AddField(&args, f, f.id, f.name);
    Index(&args);
    m.args = &args;

    StructType& result = s_->structs_.emplace_back();
    result.name = Cat(service, "_", fn.name, "_result");
    const idl::Type& ret = idl::TrueType(*fn.return_type);
    m.returns_void = ret.kind == idl::Type::Kind::kBase && ret.base == idl::BaseType::kVoid;
    if (!m.returns_void) {
      FieldInfo& success = result.fields.emplace_back();
      success.id = 0;
      success.name = "success";
      success.type = Type(*fn.return_type);
      success.requiredness = idl::Requiredness::kOptional;
    }
    for (const idl::Field& f : fn.exceptions) {
      AddField(&result, f, f.id, f.name);
      result.fields.back().requiredness = idl::Requiredness::kOptional;
    }
    Index(&result);
    m.result = &result;
    return &m;
  }

  // Base services' methods first; a method redeclared lower wins.
  void AddMethods(ServiceSchema* svc, const idl::Service& def, int depth) {
    if (def.extends != nullptr && depth < 64) AddMethods(svc, *def.extends, depth + 1);
    for (const idl::Function& fn : def.functions) {
      const MethodSchema* m = Method(svc->name, fn);
      bool replaced = false;
      for (const MethodSchema*& old : svc->methods) {
        if (old->name == m->name) {
          old = m;
          replaced = true;
        }
      }
      if (!replaced) svc->methods.push_back(m);
    }
  }

 private:
  const TypeInfo* Base(idl::BaseType base) {
    TypeInfo::Kind kind = TypeInfo::Kind::kBool;
    codec::TType ttype = codec::TType::kBool;
    switch (base) {
      case idl::BaseType::kVoid:
      case idl::BaseType::kBool:
        break;
      case idl::BaseType::kI8:
        kind = TypeInfo::Kind::kI8, ttype = codec::TType::kByte;
        break;
      case idl::BaseType::kI16:
        kind = TypeInfo::Kind::kI16, ttype = codec::TType::kI16;
        break;
      case idl::BaseType::kI32:
        kind = TypeInfo::Kind::kI32, ttype = codec::TType::kI32;
        break;
      case idl::BaseType::kI64:
        kind = TypeInfo::Kind::kI64, ttype = codec::TType::kI64;
        break;
      case idl::BaseType::kDouble:
        kind = TypeInfo::Kind::kDouble, ttype = codec::TType::kDouble;
        break;
      case idl::BaseType::kString:
        kind = TypeInfo::Kind::kString, ttype = codec::TType::kString;
        break;
      case idl::BaseType::kBinary:
        kind = TypeInfo::Kind::kBinary, ttype = codec::TType::kString;
        break;
      case idl::BaseType::kUuid:
        kind = TypeInfo::Kind::kUuid, ttype = codec::TType::kUuid;
        break;
    }
    const TypeInfo*& slot = base_[static_cast<int>(kind)];
    if (slot == nullptr) {
      TypeInfo& info = s_->types_.emplace_back();
      info.kind = kind;
      info.ttype = ttype;
      info.name = std::string(
          idl::BaseTypeName(base == idl::BaseType::kVoid ? idl::BaseType::kBool : base));
      slot = &info;
    }
    return slot;
  }

  const TypeInfo* Enum(const idl::Enum& def) {
    auto it = enums_.find(&def);
    if (it != enums_.end()) return it->second;
    TypeInfo& info = s_->types_.emplace_back();
    info.kind = TypeInfo::Kind::kEnum;
    info.ttype = codec::TType::kI32;
    info.enum_def = &def;
    info.name = def.name;
    for (const auto& v : def.values) {
      info.enum_names.emplace(v->value, v->name);
      info.enum_values.emplace(v->name, v->value);
    }
    enums_.emplace(&def, &info);
    return &info;
  }

  Schema* s_;
  const TypeInfo* base_[static_cast<int>(TypeInfo::Kind::kUuid) + 1];
  absl::flat_hash_map<const idl::Enum*, const TypeInfo*> enums_;
  absl::flat_hash_map<const idl::Struct*, const TypeInfo*> struct_types_;
  absl::flat_hash_map<const idl::Struct*, const StructType*> structs_;
};

Schema::Schema() = default;
Schema::~Schema() = default;

absl::StatusOr<std::shared_ptr<const Schema>> Schema::Load(
    const std::vector<std::string>& files, const std::vector<std::string>& include_dirs) {
  if (files.empty()) return absl::InvalidArgumentError("no IDL file given");
  idl::Frontend::Options options;
  options.include_dirs = include_dirs;
  std::shared_ptr<Schema> schema(new Schema());
  schema->frontend_ = std::make_unique<idl::Frontend>(options);
  std::vector<const idl::Program*> programs;
  for (const std::string& file : files) {
    const idl::Program* p = schema->frontend_->Load(file);
    if (p == nullptr) {
      return absl::InvalidArgumentError(
          Cat("cannot load ", file, ":\n", schema->frontend_->diagnostics().Format()));
    }
    programs.push_back(p);
  }
  if (absl::Status s = schema->Compile(programs); !s.ok()) return s;
  return std::shared_ptr<const Schema>(std::move(schema));
}

absl::StatusOr<std::shared_ptr<const Schema>> Schema::LoadString(
    const std::string& path, std::string_view text, const std::vector<std::string>& include_dirs) {
  idl::Frontend::Options options;
  options.include_dirs = include_dirs;
  std::shared_ptr<Schema> schema(new Schema());
  schema->frontend_ = std::make_unique<idl::Frontend>(options);
  const idl::Program* p = schema->frontend_->LoadString(path, text);
  if (p == nullptr) {
    return absl::InvalidArgumentError(
        Cat("cannot load ", path, ":\n", schema->frontend_->diagnostics().Format()));
  }
  if (absl::Status s = schema->Compile({p}); !s.ok()) return s;
  return std::shared_ptr<const Schema>(std::move(schema));
}

absl::Status Schema::Compile(const std::vector<const idl::Program*>& roots) {
  absl::flat_hash_set<const idl::Program*> seen;
  std::vector<const idl::Program*> programs;
  for (const idl::Program* p : roots) CollectPrograms(p, &seen, &programs);

  Compiler compiler(this);
  auto name_struct = [this](const std::string& name, const StructType* st) {
    auto [it, inserted] = struct_names_.emplace(name, st);
    if (!inserted && it->second != st) it->second = nullptr;  // ambiguous
  };
  for (const idl::Program* p : programs) {
    for (const auto& def : p->structs) {
      const StructType* st = compiler.Struct(*def);
      name_struct(def->name, st);
      name_struct(Cat(p->name, ".", def->name), st);
    }
  }
  for (const idl::Program* p : programs) {
    for (const auto& def : p->services) {
      ServiceSchema& svc = services_.emplace_back();
      svc.name = def->name;
      svc.scoped_name = Cat(p->name, ".", def->name);
      svc.service = def.get();
      compiler.AddMethods(&svc, *def, 0);
      for (const std::string* name : {&svc.name, &svc.scoped_name}) {
        auto [it, inserted] = service_names_.emplace(*name, &svc);
        if (!inserted && it->second != &svc) it->second = nullptr;
      }
    }
  }
  return absl::OkStatus();
}

const ServiceSchema* Schema::FindService(std::string_view name) const {
  auto it = service_names_.find(absl::string_view(name.data(), name.size()));
  return it == service_names_.end() ? nullptr : it->second;
}

const MethodSchema* Schema::FindMethod(std::string_view service, std::string_view method) const {
  const ServiceSchema* svc = nullptr;
  if (service.empty()) {
    if (services_.size() != 1) return nullptr;
    svc = &services_.front();
  } else {
    svc = FindService(service);
  }
  return svc == nullptr ? nullptr : svc->FindMethod(method);
}

const StructType* Schema::FindStruct(std::string_view name) const {
  auto it = struct_names_.find(absl::string_view(name.data(), name.size()));
  return it == struct_names_.end() ? nullptr : it->second;
}

std::string Schema::Describe() const {
  std::string out;
  auto fields = [](const std::vector<idl::Field>& list) {
    std::vector<std::string> parts;
    for (const idl::Field& f : list) {
      parts.push_back(Cat(f.id, ": ", WrittenName(*f.type), " ", f.name));
    }
    return absl::StrJoin(parts, ", ");
  };
  for (const ServiceSchema& svc : services_) {
    Append(out, "service ", svc.scoped_name);
    if (svc.service->extends != nullptr) Append(out, " extends ", svc.service->extends_name);
    Append(out, "\n");
    for (const MethodSchema* m : svc.methods) {
      const idl::Function& fn = *m->function;
      Append(out, "  ", fn.oneway ? "oneway " : "", WrittenName(*fn.return_type), " ", svc.name,
             ".", fn.name, "(", fields(fn.arguments), ")");
      if (!fn.exceptions.empty()) Append(out, " throws (", fields(fn.exceptions), ")");
      Append(out, "\n");
    }
  }
  return out;
}

}  // namespace vireo::generic
