#include "vireo/codegen/codec_gen.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace vireo::codegen {
namespace {

using idl::BaseType;
using idl::Field;
using idl::Requiredness;
using idl::Struct;
using idl::Type;

constexpr char kNs[] = "::vireo::codec::";

bool IsUnion(const Struct& s) { return s.flavor == Struct::Flavor::kUnion; }

// The wire tag (codec/generated.h, namespace wire) of a type expression:
// typedefs followed, C++ spelling annotations irrelevant.
std::string WireTag(const Type& type) {
  const Type& t = idl::TrueType(type);
  const std::string w = std::string(kNs) + "wire::";
  switch (t.kind) {
    case Type::Kind::kBase:
      switch (t.base) {
        case BaseType::kBool:
          return w + "Bool";
        case BaseType::kI8:
          return w + "Byte";
        case BaseType::kI16:
          return w + "I16";
        case BaseType::kI32:
          return w + "I32";
        case BaseType::kI64:
          return w + "I64";
        case BaseType::kDouble:
          return w + "Double";
        case BaseType::kString:
          return w + "String";
        case BaseType::kBinary:
          return w + "Binary";
        case BaseType::kUuid:
          return w + "Uuid";
        case BaseType::kVoid:
          break;
      }
      break;
    case Type::Kind::kList:
      return w + "List<" + WireTag(*t.elem) + ">";
    case Type::Kind::kSet:
      return w + "Set<" + WireTag(*t.elem) + ">";
    case Type::Kind::kMap:
      return w + "Map<" + WireTag(*t.elem) + ", " + WireTag(*t.value) + ">";
    case Type::Kind::kNamed:
      if (idl::AsEnum(t) != nullptr) return w + "Enum";
      if (idl::AsStruct(t) != nullptr) return w + "Struct";
      break;
  }
  // The front end rejects void fields; keep the output compiling-wrong
  // rather than silently wrong.
  return w + "Invalid";
}

// The TType enumerator the field carries on the wire.
std::string WireTypeExpr(const Type& type) {
  const Type& t = idl::TrueType(type);
  const std::string k = std::string(kNs) + "TType::";
  switch (t.kind) {
    case Type::Kind::kBase:
      switch (t.base) {
        case BaseType::kBool:
          return k + "kBool";
        case BaseType::kI8:
          return k + "kByte";
        case BaseType::kI16:
          return k + "kI16";
        case BaseType::kI32:
          return k + "kI32";
        case BaseType::kI64:
          return k + "kI64";
        case BaseType::kDouble:
          return k + "kDouble";
        case BaseType::kString:
        case BaseType::kBinary:
          return k + "kString";
        case BaseType::kUuid:
          return k + "kUuid";
        case BaseType::kVoid:
          return k + "kVoid";
      }
      break;
    case Type::Kind::kList:
      return k + "kList";
    case Type::Kind::kSet:
      return k + "kSet";
    case Type::Kind::kMap:
      return k + "kMap";
    case Type::Kind::kNamed:
      if (idl::AsEnum(t) != nullptr) return k + "kI32";
      return k + "kStruct";
  }
  return k + "kVoid";
}

// A C++ string literal for an identifier-like IDL name (names are
// identifiers, so only quotes and backslashes could need escaping).
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool IsOptional(const Struct& s, const Field& f) {
  return !IsUnion(s) && f.requiredness == Requiredness::kOptional;
}
bool IsRequired(const Struct& s, const Field& f) {
  return !IsUnion(s) && f.requiredness == Requiredness::kRequired;
}
// Held through a pointer or box (idl::Field::Indirection).
bool IsIndirect(const Field& f) { return f.indirection != Field::Indirection::kValue; }
// A struct member written only when set: an optional one, or one held
// indirectly (present when its holder is non-null).
bool IsPresenceChecked(const Struct& s, const Field& f) {
  return !IsUnion(s) && (IsOptional(s, f) || IsIndirect(f));
}
// The condition under which such a member is written.
std::string PresentExpr(const Field& f) {
  return IsIndirect(f) ? "static_cast<bool>(this->" + f.cpp_name + ")"
                       : "this->" + f.cpp_name + ".has_value()";
}

// Indexes of s.fields in wire order: by id, as Apache Thrift writes them.
std::vector<size_t> WireOrder(const Struct& s) {
  std::vector<size_t> order(s.fields.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return s.fields[a].id < s.fields[b].id; });
  return order;
}

// How the generated code reaches a field's value: a member of the struct,
// or (a view struct: GenerateViewCodecMembers) a `const T*` member.
enum class Access { kMember, kPointer };

// How the struct's generated code names field i's value (for reading, a
// const reference to it; for unions, the variant alternative).
std::string ValueExpr(const Struct& s, size_t i, Access access) {
  const Field& f = s.fields[i];
  if (IsUnion(s)) {
    const std::string held = "std::get<" + std::to_string(i + 1) + ">(this->value_)";
    return IsIndirect(f) ? "(*" + held + ")" : held;
  }
  if (IsPresenceChecked(s, f) || access == Access::kPointer) return "(*this->" + f.cpp_name + ")";
  return "this->" + f.cpp_name;
}

std::string SizeFunction(const Struct& s, Access access) {
  const std::string& name = s.cpp_name;
  std::string out = "template <class VireoP>\nsize_t " + name + "::VireoSize() const {\n";
  out += "  [[maybe_unused]] int16_t vireo_last = 0;\n";
  out += "  size_t vireo_n = VireoP::kStopSize;\n";
  auto term = [&](size_t i) {
    const Field& f = s.fields[i];
    return std::string(kNs) + "FieldSize<VireoP, " + WireTag(*f.type) + ">(" +
           std::to_string(f.id) + ", vireo_last, " + ValueExpr(s, i, access) + ")";
  };
  if (IsUnion(s)) {
    if (!s.fields.empty()) {
      out += "  switch (this->value_.index()) {\n";
      for (size_t i : WireOrder(s)) {
        out += "    case " + std::to_string(i + 1) + ":\n      vireo_n += " + term(i) +
               ";\n      break;\n";
      }
      out += "    default:\n      break;\n  }\n";
    }
  } else {
    for (size_t i : WireOrder(s)) {
      const Field& f = s.fields[i];
      if (IsPresenceChecked(s, f)) {
        out += "  if (" + PresentExpr(f) + ") {\n    vireo_n += " + term(i) + ";\n  }\n";
      } else {
        out += "  vireo_n += " + term(i) + ";\n";
      }
    }
  }
  out += "  return vireo_n;\n}\n";
  return out;
}

std::string WriteFunction(const Struct& s, Access access) {
  const std::string& name = s.cpp_name;
  std::string out =
      "template <class VireoP>\nchar* " + name + "::VireoWrite(char* vireo_p) const {\n";
  out += "  [[maybe_unused]] int16_t vireo_last = 0;\n";
  auto stmt = [&](size_t i) {
    const Field& f = s.fields[i];
    return "vireo_p = " + std::string(kNs) + "WriteField<VireoP, " + WireTag(*f.type) +
           ">(vireo_p, " + std::to_string(f.id) + ", vireo_last, " + ValueExpr(s, i, access) + ");";
  };
  if (IsUnion(s)) {
    if (!s.fields.empty()) {
      out += "  switch (this->value_.index()) {\n";
      for (size_t i : WireOrder(s)) {
        out += "    case " + std::to_string(i + 1) + ":\n      " + stmt(i) + "\n      break;\n";
      }
      out += "    default:\n      break;\n  }\n";
    }
  } else {
    for (size_t i : WireOrder(s)) {
      const Field& f = s.fields[i];
      if (IsPresenceChecked(s, f)) {
        out += "  if (" + PresentExpr(f) + ") {\n    " + stmt(i) + "\n  }\n";
      } else {
        out += "  " + stmt(i) + "\n";
      }
    }
  }
  out += "  return VireoP::WriteStop(vireo_p);\n}\n";
  return out;
}

std::string ChunkedFunction(const Struct& s, Access access) {
  const std::string& name = s.cpp_name;
  std::string out =
      "template <class VireoW>\nvoid " + name + "::VireoWriteChunked(VireoW& vireo_w) const {\n";
  out += "  vireo_w.WriteStructBegin();\n";
  auto stmt = [&](size_t i) {
    const Field& f = s.fields[i];
    return std::string(kNs) + "WriteFieldChunked<" + WireTag(*f.type) + ">(vireo_w, " +
           std::to_string(f.id) + ", " + ValueExpr(s, i, access) + ");";
  };
  if (IsUnion(s)) {
    if (!s.fields.empty()) {
      out += "  switch (this->value_.index()) {\n";
      for (size_t i : WireOrder(s)) {
        out += "    case " + std::to_string(i + 1) + ":\n      " + stmt(i) + "\n      break;\n";
      }
      out += "    default:\n      break;\n  }\n";
    }
  } else {
    for (size_t i : WireOrder(s)) {
      const Field& f = s.fields[i];
      if (IsPresenceChecked(s, f)) {
        out += "  if (" + PresentExpr(f) + ") {\n    " + stmt(i) + "\n  }\n";
      } else {
        out += "  " + stmt(i) + "\n";
      }
    }
  }
  out += "  vireo_w.WriteFieldStop();\n  vireo_w.WriteStructEnd();\n}\n";
  return out;
}

std::string SeenBit(size_t i) {
  return "vireo_seen[" + std::to_string(i / 64) + "] & (uint64_t{1} << " + std::to_string(i % 64) +
         ")";
}

// The field's read, from its checked header on: `indent`-indented.
std::string ReadFieldStatements(const Struct& s, size_t i, const std::string& indent) {
  const Field& f = s.fields[i];
  const std::string idx = std::to_string(i + 1);
  std::string out;
  std::string target;
  if (IsUnion(s)) {
    out +=
        indent + "if (this->value_.index() != " + idx + ") this->value_.emplace<" + idx + ">();\n";
    target = "&std::get<" + idx + ">(this->value_)";
    if (IsIndirect(f)) {
      const std::string held = "std::get<" + idx + ">(this->value_)";
      out += indent + kNs + "internal::PrepareHolder(" + held + ");\n";
      target = std::string(kNs) + "internal::HeldValue(" + held + ")";
    }
  } else if (f.indirection == Field::Indirection::kBox) {
    out += indent + kNs + "internal::PrepareHolder(this->" + f.cpp_name + ");\n";
    target = std::string(kNs) + "internal::HeldValue(this->" + f.cpp_name + ")";
  } else if (IsIndirect(f)) {
    // A reference: read as Apache's C++ reads one (an empty struct is null).
    out += indent + "VIREO_CODEC_RETURN_IF_FIELD_ERROR(\n" + indent + "    (" + kNs +
           "ReadReference<" + WireTag(*f.type) + ">(vireo_d, vireo_state, this->" + f.cpp_name +
           ")),\n" + indent + "    " + Quote(s.name + "." + f.name) + ");\n";
    out += indent + "vireo_seen[" + std::to_string(i / 64) + "] |= uint64_t{1} << " +
           std::to_string(i % 64) + ";\n";
    return out;
  } else if (IsOptional(s, f)) {
    out +=
        indent + "if (!this->" + f.cpp_name + ".has_value()) this->" + f.cpp_name + ".emplace();\n";
    target = "&*this->" + f.cpp_name;
  } else {
    target = "&this->" + f.cpp_name;
  }
  // The Status-free fast path first; the careful read builds a Status
  // only when it runs.
  const std::string tag = WireTag(*f.type);
  out += indent + "if (ABSL_PREDICT_FALSE(!(" + kNs + "TryReadField<" + tag + ">(vireo_d, " +
         target + ")))) {\n";
  out += indent + "  VIREO_CODEC_RETURN_IF_FIELD_ERROR(\n" + indent + "      (" + kNs +
         "ReadField<" + tag + ">(vireo_d, vireo_state, " + target + ")),\n" + indent + "      " +
         Quote(s.name + "." + f.name) + ");\n";
  out += indent + "}\n";
  if (IsUnion(s)) {
    out += indent + "vireo_any = true;\n";
  } else {
    out += indent + "vireo_seen[" + std::to_string(i / 64) + "] |= uint64_t{1} << " +
           std::to_string(i % 64) + ";\n";
  }
  return out;
}

// True when field i repeats an earlier field's id (the front end reports
// it; the first one is read).
bool IsDuplicateId(const Struct& s, size_t i) {
  for (size_t j = 0; j < i; ++j) {
    if (s.fields[j].id == s.fields[i].id) return true;
  }
  return false;
}

// Reads the next field header: the fast path with no Status, else the
// careful one.
std::string ReadFieldBegin(const Struct& s, const std::string& indent) {
  return indent +
         "if (ABSL_PREDICT_FALSE(!vireo_d.NextField(vireo_state, &vireo_type, &vireo_id))) {\n" +
         indent + "  VIREO_CODEC_RETURN_IF_FIELD_ERROR(\n" + indent +
         "      vireo_d.ReadFieldBegin(vireo_state, &vireo_type, &vireo_id), " + Quote(s.name) +
         ");\n" + indent + "}\n";
}

std::string Prologue(const Struct& s) {
  const std::string& name = s.cpp_name;
  std::string out =
      "template <class VireoD>\n::absl::Status " + name + "::VireoRead(VireoD& vireo_d) {\n";
  out += "  if (ABSL_PREDICT_FALSE(!vireo_d.TryEnter())) {\n    return " + std::string(kNs) +
         "internal::FieldError(vireo_d.DepthError(), " + Quote(s.name) + ");\n  }\n";
  out += "  typename VireoD::FieldState vireo_state;\n";
  out += "  " + std::string(kNs) + "TType vireo_type = " + kNs + "TType::kStop;\n";
  out += "  int16_t vireo_id = 0;\n";
  return out;
}

// `while (true)` over the fields: read a header, stop at the stop field,
// read a known field of the expected type, skip anything else.
std::string ReadLoop(const Struct& s) {
  std::string out = "  while (true) {\n";
  out += ReadFieldBegin(s, "    ");
  out += "    if (vireo_type == " + std::string(kNs) + "TType::kStop) break;\n";
  out += "    switch (vireo_id) {\n";
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (IsDuplicateId(s, i)) continue;
    const Field& f = s.fields[i];
    out += "      case " + std::to_string(f.id) + ":\n";
    out += "        if (ABSL_PREDICT_TRUE(vireo_type == " + WireTypeExpr(*f.type) + ")) {\n";
    out += ReadFieldStatements(s, i, "          ");
    out += "          continue;\n        }\n        break;\n";
  }
  out += "      default:\n        break;\n    }\n";
  out += "    VIREO_CODEC_RETURN_IF_FIELD_ERROR(vireo_d.SkipField(vireo_state, vireo_type), " +
         Quote(s.name) + ");\n";
  out += "  }\n";
  return out;
}

// Unions: at most one field on the wire; a loop and a switch.
std::string UnionReadFunction(const Struct& s) {
  std::string out = Prologue(s);
  out += "  bool vireo_any = false;\n";
  out += ReadLoop(s);
  out += "  vireo_d.Leave();\n";
  out += "  if (!vireo_any) this->value_.emplace<0>();\n";
  out += "  return ::absl::OkStatus();\n}\n";
  return out;
}

// For a struct of fixed-size scalar fields only (none optional), a first
// try that reads the whole struct at once when it arrives in id order in
// one contiguous run (see internal::TryReadFixedStruct); "" otherwise.
std::string FixedStructFastPath(const Struct& s) {
  if (s.fields.empty()) return "";
  std::vector<size_t> idx;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    if (IsDuplicateId(s, i) || IsOptional(s, f) || IsIndirect(f)) return "";
    const std::string tag = WireTag(*f.type);
    const std::string w = std::string(kNs) + "wire::";
    if (tag != w + "Bool" && tag != w + "Byte" && tag != w + "I16" && tag != w + "I32" &&
        tag != w + "I64" && tag != w + "Double" && tag != w + "Enum") {
      return "";
    }
    idx.push_back(i);
  }
  std::sort(idx.begin(), idx.end(),
            [&](size_t a, size_t b) { return s.fields[a].id < s.fields[b].id; });
  std::string out = "  if (" + std::string(kNs) + "internal::TryReadFixedStruct(vireo_d";
  for (size_t i : idx) {
    const Field& f = s.fields[i];
    out += ",\n          " + std::string(kNs) + "internal::FixedField<" + WireTag(*f.type) + ">(" +
           std::to_string(f.id) + ", &this->" + f.cpp_name + ")";
  }
  out += ")) {\n    return ::absl::OkStatus();\n  }\n";
  return out;
}

// The end of a struct's read, after its stop field: Leave(), then the
// fields the input did not carry get their defaults back (so a reused
// object ends as a fresh decode would), a missing required field fails.
std::string FinishStructRead(const Struct& s, size_t words) {
  const std::string& name = s.cpp_name;
  std::string out = "  vireo_d.Leave();\n";
  if (words > 0) {
    // Fields the input did not carry get their defaults back, so a reused
    // object ends as a fresh decode would; a missing required field fails.
    std::string all;
    for (size_t w = 0; w < words; ++w) {
      const size_t bits = std::min<size_t>(64, s.fields.size() - w * 64);
      const std::string mask =
          bits == 64 ? "~uint64_t{0}" : "((uint64_t{1} << " + std::to_string(bits) + ") - 1)";
      if (!all.empty()) all += " ||\n                         ";
      all += "vireo_seen[" + std::to_string(w) + "] != " + mask;
    }
    out += "  if (ABSL_PREDICT_FALSE(" + all + ")) {\n";
    bool needs_default = false;
    for (const Field& f : s.fields) {
      needs_default = needs_default || (!IsPresenceChecked(s, f) && !IsRequired(s, f));
    }
    if (needs_default) {
      out += "    const auto& vireo_default =\n        " + std::string(kNs) + "DefaultInstance<" +
             name + ">();\n";
    }
    for (size_t i = 0; i < s.fields.size(); ++i) {
      if (IsDuplicateId(s, i)) continue;
      const Field& f = s.fields[i];
      out += "    if (!(" + SeenBit(i) + ")) ";
      if (IsRequired(s, f)) {
        out += "{\n      return " + std::string(kNs) + "RequiredFieldMissing(" + Quote(s.name) +
               ", " + Quote(f.name) + ");\n    }\n";
      } else if (IsPresenceChecked(s, f)) {
        out += "this->" + f.cpp_name + ".reset();\n";
      } else {
        out += "this->" + f.cpp_name + " = vireo_default." + f.cpp_name + ";\n";
      }
    }
    out += "  }\n";
  }
  out += "  return ::absl::OkStatus();\n}\n";
  return out;
}

// Structs and exceptions: every writer sends fields in id order, so each
// field's read predicts the next one and jumps straight to it; the switch
// serves fields out of that order and unknown ones.
std::string StructReadFunction(const Struct& s) {
  const size_t words = (s.fields.size() + 63) / 64;
  std::vector<size_t> order;
  for (size_t i : WireOrder(s)) {
    if (!IsDuplicateId(s, i)) order.push_back(i);
  }
  auto label = [](size_t i) { return "vireo_field_" + std::to_string(i); };
  auto predict = [&](size_t k) {
    // After the k-th field in wire order (k == order.size(): before the
    // first), expect the next.
    std::string out;
    const size_t next = k == order.size() ? 0 : k + 1;
    if (next < order.size()) {
      const Field& f = s.fields[order[next]];
      out += "  if (vireo_id == " + std::to_string(f.id) +
             " && vireo_type == " + WireTypeExpr(*f.type) + ") goto " + label(order[next]) + ";\n";
    }
    out += "  goto vireo_dispatch;\n";
    return out;
  };

  std::string out = Prologue(s);
  out.insert(out.find('{') + 2, FixedStructFastPath(s));  // after the signature
  if (words > 0) out += "  uint64_t vireo_seen[" + std::to_string(words) + "] = {};\n";
  out += ReadFieldBegin(s, "  ");
  out += predict(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    out += label(order[k]) + ":\n";
    out += ReadFieldStatements(s, order[k], "  ");
    out += ReadFieldBegin(s, "  ");
    out += predict(k);
  }
  out += "vireo_dispatch:\n";
  out += "  if (vireo_type == " + std::string(kNs) + "TType::kStop) goto vireo_done;\n";
  out += "  switch (vireo_id) {\n";
  for (size_t i : order) {
    const Field& f = s.fields[i];
    out += "    case " + std::to_string(f.id) + ":\n";
    out += "      if (vireo_type == " + WireTypeExpr(*f.type) + ") goto " + label(i) + ";\n";
    out += "      break;\n";
  }
  out += "    default:\n      break;\n  }\n";
  out += "  VIREO_CODEC_RETURN_IF_FIELD_ERROR(vireo_d.SkipField(vireo_state, vireo_type), " +
         Quote(s.name) + ");\n";
  out += ReadFieldBegin(s, "  ");
  out += "  goto vireo_dispatch;\n";
  out += "vireo_done:\n";
  out += FinishStructRead(s, words);
  return out;
}

// A struct's read as a loop over a switch: about half the code of
// StructReadFunction's predicted jumps, for the argument and result structs
// of a service (one per method, a few fields each), whose compile time
// dominated a service's generated code.
std::string LoopStructReadFunction(const Struct& s) {
  const size_t words = (s.fields.size() + 63) / 64;
  std::string out = Prologue(s);
  if (words > 0) out += "  uint64_t vireo_seen[" + std::to_string(words) + "] = {};\n";
  out += ReadLoop(s);
  out += FinishStructRead(s, words);
  return out;
}

std::string ReadFunction(const Struct& s, ReadShape shape) {
  if (IsUnion(s)) return UnionReadFunction(s);
  return shape == ReadShape::kLoop ? LoopStructReadFunction(s) : StructReadFunction(s);
}

// `signature { body }` on one line when it fits in 100 columns, else on
// three, as clang-format lays out a short function.
std::string OneLineFunction(const std::string& signature, const std::string& body) {
  std::string one = signature + " { " + body + " }";
  if (one.size() <= 100) return one + "\n";
  return signature + " {\n  " + body + "\n}\n";
}

// The non-template encode members, each calling its template per protocol.
std::string EncodeEntryPoints(const std::string& name) {
  const std::string bw = std::string(kNs) + "BinaryWire";
  const std::string cw = std::string(kNs) + "CompactWire";
  std::string out;
  out +=
      OneLineFunction("size_t " + name + "::BinarySize() const", "return VireoSize<" + bw + ">();");
  out += OneLineFunction("size_t " + name + "::CompactSize() const",
                         "return VireoSize<" + cw + ">();");
  out += OneLineFunction("char* " + name + "::WriteBinaryTo(char* out) const",
                         "return VireoWrite<" + bw + ">(out);");
  out += OneLineFunction("char* " + name + "::WriteCompactTo(char* out) const",
                         "return VireoWrite<" + cw + ">(out);");
  out += OneLineFunction("void " + name + "::WriteChunked(" + kNs + "BinaryWriter& w) const",
                         "VireoWriteChunked(w);");
  out += OneLineFunction("void " + name + "::WriteChunked(" + kNs + "CompactWriter& w) const",
                         "VireoWriteChunked(w);");
  return out;
}

// The encoding members both kinds of struct declare; `chunked` says what
// WriteChunked does.
std::string EncodeMembers(std::string_view chunked) {
  std::string out = R"(  // The exact number of bytes the Binary / Compact encoding takes.
  size_t BinarySize() const;
  size_t CompactSize() const;
  // Write exactly BinarySize() / CompactSize() bytes at `out`, with no
  // bounds check; return the end.
  char* WriteBinaryTo(char* out) const;
  char* WriteCompactTo(char* out) const;
)";
  out += chunked;
  out += R"(  void WriteChunked(::vireo::codec::BinaryWriter& w) const;
  void WriteChunked(::vireo::codec::CompactWriter& w) const;
)";
  return out;
}

// The templates behind the entry points, defined in the generated .cc.
constexpr std::string_view kEncodeTemplates = R"(  template <class VireoP>
  size_t VireoSize() const;
  template <class VireoP>
  char* VireoWrite(char* out) const;
  template <class VireoW>
  void VireoWriteChunked(VireoW& w) const;
)";

}  // namespace

std::string GenerateCodecMembers(const idl::Struct& s) {
  (void)s;
  std::string out = "  // ---- Codec (entry points: codec/serialize.h) ----\n";
  out += EncodeMembers(
      "  // Write field by field through a message writer (values larger than a\n"
      "  // block; nested structs that fit still go raw).\n");
  out += R"(  // Decode into this object, reusing its storage; absent fields get their
  // defaults, a missing required field is InvalidArgument.
  ::absl::Status Read(::vireo::codec::BinaryDecoder& d);
  ::absl::Status Read(::vireo::codec::CompactDecoder& d);
  // Behind the above, per protocol; defined in the generated .cc.
)";
  out += kEncodeTemplates;
  out += "  template <class VireoD>\n  ::absl::Status VireoRead(VireoD& d);\n";
  return out;
}

std::string GenerateCodecDefinitions(const idl::Struct& s, ReadShape shape) {
  const std::string& name = s.cpp_name;
  std::string out = "// ---- " + name + ": codec ----\n\n";
  out += SizeFunction(s, Access::kMember) + "\n";
  out += WriteFunction(s, Access::kMember) + "\n";
  out += ChunkedFunction(s, Access::kMember) + "\n";
  out += ReadFunction(s, shape) + "\n";
  out += EncodeEntryPoints(name);
  out += OneLineFunction("::absl::Status " + name + "::Read(" + kNs + "BinaryDecoder& d)",
                         "return VireoRead(d);");
  out += OneLineFunction("::absl::Status " + name + "::Read(" + kNs + "CompactDecoder& d)",
                         "return VireoRead(d);");
  return out;
}

std::string GenerateViewCodecMembers(const idl::Struct& s) {
  (void)s;
  std::string out = "  // ---- Codec (entry points: codec/serialize.h; encoding only) ----\n";
  out += EncodeMembers("  // Write field by field through a message writer.\n");
  out += "  // Behind the above, per protocol; defined in the generated .cc.\n";
  out += kEncodeTemplates;
  return out;
}

std::string GenerateViewCodecDefinitions(const idl::Struct& s) {
  const std::string& name = s.cpp_name;
  std::string out = "// ---- " + name + ": codec ----\n\n";
  out += SizeFunction(s, Access::kPointer) + "\n";
  out += WriteFunction(s, Access::kPointer) + "\n";
  out += ChunkedFunction(s, Access::kPointer) + "\n";
  out += EncodeEntryPoints(name);
  return out;
}

std::vector<std::string> CodecIncludes() { return {"\"vireo/codec/serialize.h\""}; }

}  // namespace vireo::codegen
