#include "vireo/core/generic/json_codec.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::generic {

using internal::Cat;
namespace {

using Kind = TypeInfo::Kind;
namespace dom = simdjson::dom;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ---- Paths ------------------------------------------------------------------
// A path is built only on failure: each level, unwinding, adds its step to
// `trail` (innermost first); the entry point prefixes the message with it.
struct Trail {
  std::vector<std::string> steps;

  absl::Status Add(absl::Status status, std::string step) {
    steps.push_back(std::move(step));
    return status;
  }
  absl::Status Finish(absl::Status status) {
    if (status.ok() || steps.empty()) return status;
    std::string path;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      if (!path.empty() && (*it)[0] != '[') path.push_back('.');
      path += *it;
    }
    return absl::Status(status.code(), Cat(path, ": ", status.message()));
  }
};

std::string Index(size_t i) { return Cat("[", i, "]"); }

std::string_view JsonTypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "bool";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

absl::Status Expected(const TypeInfo& type, dom::element e) {
  return absl::InvalidArgumentError(Cat("expected ", type.name, ", got ", JsonTypeName(e.type())));
}

size_t Count(dom::array a) {
  size_t n = a.size();
  if (n < 0xFFFFFF) return n;
  n = 0;
  for (dom::element e : a) {
    (void)e;
    ++n;
  }
  return n;
}

size_t Count(dom::object o) {
  size_t n = o.size();
  if (n < 0xFFFFFF) return n;
  n = 0;
  for (dom::key_value_pair kv : o) {
    (void)kv;
    ++n;
  }
  return n;
}

// The per-thread parser: its tape and string buffers are reused, so a
// steady stream of similar documents parses without allocating. A parser
// grown past kKeepBytes by a large document is dropped after use.
constexpr size_t kKeepBytes = size_t{1} << 20;

dom::parser& ThreadParser() {
  thread_local dom::parser parser;
  return parser;
}

void TrimThreadParser() {
  dom::parser& p = ThreadParser();
  if (p.capacity() > kKeepBytes) p = dom::parser();
}

absl::Status Parse(std::string_view json, const JsonOptions& options, dom::element* root) {
  if (json.size() > options.max_json_bytes) {
    return absl::ResourceExhaustedError(
        Cat("JSON document is ", json.size(), " bytes, the limit is ", options.max_json_bytes));
  }
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) json = "{}";
  simdjson::error_code err = ThreadParser().parse(json.data(), json.size(), true).get(*root);
  if (err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(Cat("malformed JSON: ", simdjson::error_message(err)));
  }
  return absl::OkStatus();
}

// ---- Scalars from JSON ------------------------------------------------------

template <class Int>
absl::Status IntFromText(const TypeInfo& type, std::string_view text, Int* out) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(AbslView(text), &v) || v < std::numeric_limits<Int>::min() ||
      v > std::numeric_limits<Int>::max()) {
    return absl::InvalidArgumentError(
        Cat("expected ", type.name, ", got \"", text.substr(0, 64), "\""));
  }
  *out = static_cast<Int>(v);
  return absl::OkStatus();
}

template <class Int>
absl::Status IntFromJson(const TypeInfo& type, dom::element e, Int* out) {
  int64_t v = 0;
  switch (e.type()) {
    case dom::element_type::INT64:
      v = e.get_int64().value_unsafe();
      break;
    case dom::element_type::UINT64:
      return absl::InvalidArgumentError(
          Cat(e.get_uint64().value_unsafe(), " is out of range for ", type.name));
    case dom::element_type::DOUBLE: {
      const double d = e.get_double().value_unsafe();
      if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::trunc(d) != d) {
        return absl::InvalidArgumentError(Cat("expected ", type.name, ", got ", d));
      }
      v = static_cast<int64_t>(d);
      break;
    }
    case dom::element_type::STRING:
      return IntFromText(type, e.get_string().value_unsafe(), out);
    default:
      return Expected(type, e);
  }
  if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
    return absl::InvalidArgumentError(Cat(v, " is out of range for ", type.name));
  }
  *out = static_cast<Int>(v);
  return absl::OkStatus();
}

absl::Status DoubleFromText(std::string_view text, double* out) {
  if (text == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
  } else if (text == "Infinity" || text == "+Infinity") {
    *out = std::numeric_limits<double>::infinity();
  } else if (text == "-Infinity") {
    *out = -std::numeric_limits<double>::infinity();
  } else if (!absl::SimpleAtod(AbslView(text), out)) {
    return absl::InvalidArgumentError(Cat("expected double, got \"", text.substr(0, 64), "\""));
  }
  if (std::isnan(*out)) *out = std::numeric_limits<double>::quiet_NaN();  // one NaN
  return absl::OkStatus();
}

absl::Status DoubleFromJson(const TypeInfo& type, dom::element e, double* out) {
  switch (e.type()) {
    case dom::element_type::INT64:
      *out = static_cast<double>(e.get_int64().value_unsafe());
      return absl::OkStatus();
    case dom::element_type::UINT64:
      *out = static_cast<double>(e.get_uint64().value_unsafe());
      return absl::OkStatus();
    case dom::element_type::DOUBLE:
      *out = e.get_double().value_unsafe();
      return absl::OkStatus();
    case dom::element_type::STRING:
      return DoubleFromText(e.get_string().value_unsafe(), out);
    default:
      return Expected(type, e);
  }
}

absl::Status Base64FromText(std::string_view text, std::string* out) {
  if (absl::Base64Unescape(AbslView(text), out) ||
      absl::WebSafeBase64Unescape(AbslView(text), out)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      Cat("expected base64 for binary, got \"", text.substr(0, 64), "\""));
}

absl::Status UuidFromText(std::string_view text, std::array<uint8_t, 16>* out) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t n = 0;
  int high = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23) && text.size() == 36) continue;
    const int h = hex(c);
    if (h < 0 || n >= 16) {
      high = -2;
      break;
    }
    if (high < 0) {
      high = h;
    } else {
      (*out)[n++] = static_cast<uint8_t>(high << 4 | h);
      high = -1;
    }
  }
  if (n != 16 || high != -1) {
    return absl::InvalidArgumentError(
        Cat("expected uuid \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\", got \"", text.substr(0, 64),
            "\""));
  }
  return absl::OkStatus();
}

absl::Status EnumFromText(const TypeInfo& type, std::string_view text, int32_t* out) {
  auto it = type.enum_values.find(text);
  if (it != type.enum_values.end()) {
    *out = it->second;
    return absl::OkStatus();
  }
  if (absl::SimpleAtoi(AbslView(text), out)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat("\"", text.substr(0, 64), "\" is not a value of enum ", type.name));
}

thread_local std::string scratch;  // base64-decoded bytes on their way out

// The fields of one struct seen so far: a bit mask up to 64 fields, a
// vector past that.
class Presence {
 public:
  explicit Presence(size_t n) {
    if (n > 64) many_.assign(n, false);
  }
  void Set(size_t i) {
    if (many_.empty()) {
      bits_ |= uint64_t{1} << i;
    } else {
      many_[i] = true;
    }
  }
  bool Has(size_t i) const { return many_.empty() ? (bits_ >> i & 1) != 0 : many_[i]; }

 private:
  uint64_t bits_ = 0;
  std::vector<bool> many_;
};

// ---- JSON -> Thrift ---------------------------------------------------------

template <class W>
class Encoder {
 public:
  Encoder(W& w, const JsonOptions& options) : w_(w), options_(options) {}

  Trail& trail() { return trail_; }

  absl::Status Struct(const StructType& st, dom::element e) {
    if (e.type() != dom::element_type::OBJECT) {
      return absl::InvalidArgumentError(
          Cat("expected object for ", st.name, ", got ", JsonTypeName(e.type())));
    }
    if (++depth_ > options_.max_depth) return DepthError();
    const bool track = st.needs_presence;
    Presence seen(track ? st.fields.size() : 0);
    int set = 0;
    size_t next = 0;  // JSON written from Thrift lists fields in order: try the next one first
    w_.WriteStructBegin();
    const dom::object object = e.get_object().value_unsafe();
    for (dom::key_value_pair kv : object) {
      const FieldInfo* f = next < st.fields.size() && st.fields[next].name == kv.key
                               ? &st.fields[next]
                               : st.FindByName(kv.key);
      if (f != nullptr) next = static_cast<size_t>(f - st.fields.data()) + 1;
      if (f == nullptr) {
        if (options_.ignore_unknown_fields) continue;
        return trail_.Add(absl::InvalidArgumentError(
                              Cat("unknown field (", st.name, " has no field of this name)")),
                          std::string(kv.key));
      }
      if (kv.value.type() == dom::element_type::NULL_VALUE) continue;
      if (track) seen.Set(static_cast<size_t>(f - st.fields.data()));
      ++set;
      if (st.is_union && set > 1) {
        return trail_.Add(absl::InvalidArgumentError(
                              Cat("union ", st.name, " takes one field, this is the second")),
                          std::string(kv.key));
      }
      w_.WriteFieldBegin(f->type->ttype, f->id);
      if (absl::Status s = Value(*f->type, kv.value); !s.ok()) {
        return trail_.Add(std::move(s), std::string(kv.key));
      }
      w_.WriteFieldEnd();
    }
    if (track && !st.is_union) {
      for (size_t i = 0; i < st.fields.size(); ++i) {
        if (seen.Has(i)) continue;
        const FieldInfo& f = st.fields[i];
        if (f.default_value != nullptr && f.requiredness != idl::Requiredness::kOptional) {
          w_.WriteFieldBegin(f.type->ttype, f.id);
          if (absl::Status s = Const(*f.type, *f.default_value); !s.ok()) {
            return trail_.Add(std::move(s), f.name);
          }
          w_.WriteFieldEnd();
        } else if (f.requiredness == idl::Requiredness::kRequired) {
          return trail_.Add(absl::InvalidArgumentError("required field is missing"), f.name);
        }
      }
    }
    w_.WriteFieldStop();
    w_.WriteStructEnd();
    --depth_;
    return absl::OkStatus();
  }

  absl::Status Value(const TypeInfo& t, dom::element e) {
    switch (t.kind) {
      case Kind::kBool:
        if (e.type() != dom::element_type::BOOL) return Expected(t, e);
        w_.WriteBool(e.get_bool().value_unsafe());
        return absl::OkStatus();
      case Kind::kI8: {
        int8_t v = 0;
        if (absl::Status s = IntFromJson(t, e, &v); !s.ok()) return s;
        w_.WriteByte(v);
        return absl::OkStatus();
      }
      case Kind::kI16: {
        int16_t v = 0;
        if (absl::Status s = IntFromJson(t, e, &v); !s.ok()) return s;
        w_.WriteI16(v);
        return absl::OkStatus();
      }
      case Kind::kI32: {
        int32_t v = 0;
        if (absl::Status s = IntFromJson(t, e, &v); !s.ok()) return s;
        w_.WriteI32(v);
        return absl::OkStatus();
      }
      case Kind::kI64: {
        int64_t v = 0;
        if (absl::Status s = IntFromJson(t, e, &v); !s.ok()) return s;
        w_.WriteI64(v);
        return absl::OkStatus();
      }
      case Kind::kDouble: {
        double v = 0;
        if (absl::Status s = DoubleFromJson(t, e, &v); !s.ok()) return s;
        w_.WriteDouble(v);
        return absl::OkStatus();
      }
      case Kind::kString:
        if (e.type() != dom::element_type::STRING) return Expected(t, e);
        w_.WriteString(e.get_string().value_unsafe());
        return absl::OkStatus();
      case Kind::kBinary:
        if (e.type() != dom::element_type::STRING) return Expected(t, e);
        if (absl::Status s = Base64FromText(e.get_string().value_unsafe(), &scratch); !s.ok()) {
          return s;
        }
        w_.WriteBinary(scratch);
        return absl::OkStatus();
      case Kind::kUuid: {
        if (e.type() != dom::element_type::STRING) return Expected(t, e);
        std::array<uint8_t, 16> u{};
        if (absl::Status s = UuidFromText(e.get_string().value_unsafe(), &u); !s.ok()) return s;
        w_.WriteUuid(u);
        return absl::OkStatus();
      }
      case Kind::kEnum: {
        int32_t v = 0;
        if (e.type() == dom::element_type::STRING) {
          if (absl::Status s = EnumFromText(t, e.get_string().value_unsafe(), &v); !s.ok()) {
            return s;
          }
        } else if (absl::Status s = IntFromJson(t, e, &v); !s.ok()) {
          return s;
        }
        w_.WriteI32(v);
        return absl::OkStatus();
      }
      case Kind::kList:
      case Kind::kSet: {
        if (e.type() != dom::element_type::ARRAY) return Expected(t, e);
        if (++depth_ > options_.max_depth) return DepthError();
        dom::array a = e.get_array().value_unsafe();
        const auto n = static_cast<uint32_t>(Count(a));
        if (t.kind == Kind::kList) {
          w_.WriteListBegin(t.elem->ttype, n);
        } else {
          w_.WriteSetBegin(t.elem->ttype, n);
        }
        size_t i = 0;
        for (dom::element item : a) {
          if (absl::Status s = Value(*t.elem, item); !s.ok())
            return trail_.Add(std::move(s), Index(i));
          ++i;
        }
        if (t.kind == Kind::kList) {
          w_.WriteListEnd();
        } else {
          w_.WriteSetEnd();
        }
        --depth_;
        return absl::OkStatus();
      }
      case Kind::kMap: {
        if (e.type() != dom::element_type::OBJECT) return Expected(t, e);
        if (++depth_ > options_.max_depth) return DepthError();
        dom::object o = e.get_object().value_unsafe();
        w_.WriteMapBegin(t.elem->ttype, t.value->ttype, static_cast<uint32_t>(Count(o)));
        for (dom::key_value_pair kv : o) {
          if (absl::Status s = Key(*t.elem, kv.key); !s.ok()) {
            return trail_.Add(std::move(s), Cat("[\"", kv.key.substr(0, 64), "\"]"));
          }
          if (absl::Status s = Value(*t.value, kv.value); !s.ok()) {
            return trail_.Add(std::move(s), Cat("[\"", kv.key.substr(0, 64), "\"]"));
          }
        }
        w_.WriteMapEnd();
        --depth_;
        return absl::OkStatus();
      }
      case Kind::kStruct:
        return Struct(*t.struct_type, e);
    }
    return absl::InternalError("unknown type kind");
  }

  // A map key, from its JSON text.
  absl::Status Key(const TypeInfo& t, std::string_view text) {
    switch (t.kind) {
      case Kind::kString:
        w_.WriteString(text);
        return absl::OkStatus();
      case Kind::kBinary:
        if (absl::Status s = Base64FromText(text, &scratch); !s.ok()) return s;
        w_.WriteBinary(scratch);
        return absl::OkStatus();
      case Kind::kBool:
        if (text != "true" && text != "false") {
          return absl::InvalidArgumentError(Cat("expected bool key, got \"", text, "\""));
        }
        w_.WriteBool(text == "true");
        return absl::OkStatus();
      case Kind::kI8: {
        int8_t v = 0;
        if (absl::Status s = IntFromText(t, text, &v); !s.ok()) return s;
        w_.WriteByte(v);
        return absl::OkStatus();
      }
      case Kind::kI16: {
        int16_t v = 0;
        if (absl::Status s = IntFromText(t, text, &v); !s.ok()) return s;
        w_.WriteI16(v);
        return absl::OkStatus();
      }
      case Kind::kI32: {
        int32_t v = 0;
        if (absl::Status s = IntFromText(t, text, &v); !s.ok()) return s;
        w_.WriteI32(v);
        return absl::OkStatus();
      }
      case Kind::kI64: {
        int64_t v = 0;
        if (absl::Status s = IntFromText(t, text, &v); !s.ok()) return s;
        w_.WriteI64(v);
        return absl::OkStatus();
      }
      case Kind::kDouble: {
        double v = 0;
        if (absl::Status s = DoubleFromText(text, &v); !s.ok()) return s;
        w_.WriteDouble(v);
        return absl::OkStatus();
      }
      case Kind::kEnum: {
        int32_t v = 0;
        if (absl::Status s = EnumFromText(t, text, &v); !s.ok()) return s;
        w_.WriteI32(v);
        return absl::OkStatus();
      }
      case Kind::kUuid: {
        std::array<uint8_t, 16> u{};
        if (absl::Status s = UuidFromText(text, &u); !s.ok()) return s;
        w_.WriteUuid(u);
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError(Cat("map keys of type ", t.name, " have no JSON form"));
    }
  }

  // An IDL constant (a default value).
  absl::Status Const(const TypeInfo& t, const idl::ConstValue& v) {
    const int64_t i = v.kind == idl::ConstValue::Kind::kDouble
                          ? static_cast<int64_t>(v.double_value)
                          : v.int_value;
    switch (t.kind) {
      case Kind::kBool:
        w_.WriteBool(i != 0);
        return absl::OkStatus();
      case Kind::kI8:
        w_.WriteByte(static_cast<int8_t>(i));
        return absl::OkStatus();
      case Kind::kI16:
        w_.WriteI16(static_cast<int16_t>(i));
        return absl::OkStatus();
      case Kind::kI32:
      case Kind::kEnum:
        w_.WriteI32(static_cast<int32_t>(i));
        return absl::OkStatus();
      case Kind::kI64:
        w_.WriteI64(i);
        return absl::OkStatus();
      case Kind::kDouble:
        w_.WriteDouble(v.kind == idl::ConstValue::Kind::kDouble ? v.double_value
                                                                : static_cast<double>(i));
        return absl::OkStatus();
      case Kind::kString:
      case Kind::kBinary:
        w_.WriteString(v.string_value);
        return absl::OkStatus();
      case Kind::kUuid: {
        std::array<uint8_t, 16> u{};
        if (absl::Status s = UuidFromText(v.string_value, &u); !s.ok()) return s;
        w_.WriteUuid(u);
        return absl::OkStatus();
      }
      case Kind::kList:
      case Kind::kSet:
        if (t.kind == Kind::kList) {
          w_.WriteListBegin(t.elem->ttype, static_cast<uint32_t>(v.list.size()));
        } else {
          w_.WriteSetBegin(t.elem->ttype, static_cast<uint32_t>(v.list.size()));
        }
        for (const idl::ConstValue& item : v.list) {
          if (absl::Status s = Const(*t.elem, item); !s.ok()) return s;
        }
        return absl::OkStatus();
      case Kind::kMap:
        w_.WriteMapBegin(t.elem->ttype, t.value->ttype, static_cast<uint32_t>(v.map.size()));
        for (const auto& [key, value] : v.map) {
          if (absl::Status s = Const(*t.elem, key); !s.ok()) return s;
          if (absl::Status s = Const(*t.value, value); !s.ok()) return s;
        }
        return absl::OkStatus();
      case Kind::kStruct: {
        const StructType& st = *t.struct_type;
        w_.WriteStructBegin();
        for (const auto& [key, value] : v.map) {
          const FieldInfo* f = st.FindByName(key.string_value);
          if (f == nullptr) continue;
          w_.WriteFieldBegin(f->type->ttype, f->id);
          if (absl::Status s = Const(*f->type, value); !s.ok()) return s;
          w_.WriteFieldEnd();
        }
        w_.WriteFieldStop();
        w_.WriteStructEnd();
        return absl::OkStatus();
      }
    }
    return absl::InternalError("unknown type kind");
  }

 private:
  absl::Status DepthError() const {
    return absl::ResourceExhaustedError(
        Cat("nesting deeper than max_depth (", options_.max_depth, ")"));
  }

  W& w_;
  const JsonOptions& options_;
  Trail trail_;
  uint32_t depth_ = 0;
};

// ---- Thrift -> JSON ---------------------------------------------------------

// The JSON being written: appends into a std::string without a capacity
// check and a call per character (std::string::push_back is not inlined).
// The string holds the text once the JsonOut is gone.
class JsonOut {
 public:
  explicit JsonOut(std::string* s) : s_(s), n_(s->size()) {
    s_->resize(std::max(s_->capacity(), n_ + 64));
  }
  ~JsonOut() { s_->resize(n_); }
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  ABSL_ATTRIBUTE_ALWAYS_INLINE void Put(char c) {
    if (ABSL_PREDICT_FALSE(n_ == s_->size())) Grow(1);
    (*s_)[n_++] = c;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE void Append(const char* p, size_t k) {
    std::memcpy(Reserve(k), p, k);
    n_ += k;
  }
  void Append(std::string_view v) { Append(v.data(), v.size()); }
  // Room for `k` more bytes; Advance(k) commits what was written there.
  ABSL_ATTRIBUTE_ALWAYS_INLINE char* Reserve(size_t k) {
    if (ABSL_PREDICT_FALSE(s_->size() - n_ < k)) Grow(k);
    return s_->data() + n_;
  }
  void Advance(size_t k) { n_ += k; }
  // The text written so far (valid until the next write).
  std::string_view text() const { return std::string_view(s_->data(), n_); }

 private:
  ABSL_ATTRIBUTE_NOINLINE void Grow(size_t k) { s_->resize(std::max(s_->size() * 2, n_ + k + 64)); }

  std::string* s_;
  size_t n_;
};

// Whether any of the 8 bytes in `v` needs a look: below 0x20, '"', '\\',
// or (unless `utf8_known`) 0x80 and above.
inline bool NeedsLook(uint64_t v, bool high_ok) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t quote = v ^ (kOnes * '"');
  const uint64_t backslash = v ^ (kOnes * '\\');
  uint64_t m =
      ((v - kOnes * 0x20) & ~v) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
  m &= kHigh;
  if (!high_ok) m |= v & kHigh;
  return m != 0;
}

// `s` as a JSON string. Clean runs are found 8 bytes at a time and copied
// whole; UTF-8 is checked once, and only when a byte >= 0x80 appears.
void AppendQuoted(JsonOut& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.Put('"');
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;
  int utf8 = -1;  // unknown
  while (p < end) {
    if (end - p >= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      if (!NeedsLook(v, utf8 == 1)) {
        p += 8;
        continue;
      }
    }
    for (const char* stop = std::min(end, p + 8); p < stop; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
      if (c >= 0x80) {
        if (utf8 < 0) utf8 = simdjson::validate_utf8(s.data(), s.size()) ? 1 : 0;
        if (utf8 == 1) continue;
      }
      out.Append(run, static_cast<size_t>(p - run));
      run = p + 1;
      switch (c) {
        case '"':
          out.Append("\\\"");
          break;
        case '\\':
          out.Append("\\\\");
          break;
        case '\n':
          out.Append("\\n");
          break;
        case '\r':
          out.Append("\\r");
          break;
        case '\t':
          out.Append("\\t");
          break;
        default: {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.Append(esc, 6);
        }
      }
    }
  }
  out.Append(run, static_cast<size_t>(end - run));
  out.Put('"');
}

template <class Int>
void AppendInt(JsonOut& out, Int v, bool quoted) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  if (quoted) out.Put('"');
  out.Append(buf, static_cast<size_t>(r.ptr - buf));
  if (quoted) out.Put('"');
}

void AppendDouble(JsonOut& out, double v, bool quoted) {
  if (std::isnan(v)) {
    out.Append("\"NaN\"");
  } else if (std::isinf(v)) {
    out.Append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else if (v == 0 && std::signbit(v)) {
    out.Append(quoted ? "\"-0.0\"" : "-0.0");  // "-0" would read back as the integer 0
  } else {
    char buf[40];
    auto r = std::to_chars(buf, buf + sizeof(buf) - 2, v);
    // An integral double past 15 digits prints as bare digits, which a
    // reader takes for an integer too large for 64 bits: mark it a double.
    if (r.ptr - buf > 15 &&
        std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e'; }) == r.ptr) {
      *r.ptr++ = '.';
      *r.ptr++ = '0';
    }
    if (quoted) out.Put('"');
    out.Append(buf, static_cast<size_t>(r.ptr - buf));
    if (quoted) out.Put('"');
  }
}

void AppendUuid(JsonOut& out, const std::array<uint8_t, 16>& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.Put('"');
  for (size_t i = 0; i < u.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.Put('-');
    out.Put(kHex[u[i] >> 4]);
    out.Put(kHex[u[i] & 15]);
  }
  out.Put('"');
}

void AppendBase64(JsonOut& out, std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t n = 2 + (bytes.size() + 2) / 3 * 4;
  char* p = out.Reserve(n);
  out.Advance(n);
  *p++ = '"';
  const auto* in = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    *p++ = kAlphabet[v >> 18];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t{in[i]} << 16;
    if (i + 1 < bytes.size()) v |= uint32_t{in[i + 1]} << 8;
    *p++ = kAlphabet[v >> 18];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    *p++ = '=';
  }
  *p = '"';
}

template <class R>
class Decoder {
 public:
  Decoder(R& r, JsonOut& out, const JsonOptions& options) : r_(r), out_(out), options_(options) {}

  Trail& trail() { return trail_; }

  absl::Status Struct(const StructType& st) {
    if (absl::Status s = r_.ReadStructBegin(); !s.ok()) return s;
    const bool track = st.required_count > 0;
    Presence seen(track ? st.fields.size() : 0);
    out_.Put('{');
    bool first = true;
    for (;;) {
      codec::TType type;
      int16_t id = 0;
      if (absl::Status s = r_.ReadFieldBegin(&type, &id); !s.ok()) return s;
      if (type == codec::TType::kStop) break;
      const FieldInfo* f = st.FindById(id);
      if (f == nullptr || f->type->ttype != type) {
        if (absl::Status s = r_.Skip(type); !s.ok()) return s;
        continue;
      }
      if (track) seen.Set(static_cast<size_t>(f - st.fields.data()));
      if (st.is_union && !first) {
        return trail_.Add(
            absl::InvalidArgumentError(Cat("union ", st.name, " has more than one field set")),
            f->name);
      }
      if (!first) out_.Put(',');
      first = false;
      out_.Append(f->json_key);
      if (absl::Status s = Value(*f->type); !s.ok()) return trail_.Add(std::move(s), f->name);
      if (absl::Status s = r_.ReadFieldEnd(); !s.ok()) return s;
    }
    for (size_t i = 0; track && i < st.fields.size(); ++i) {
      if (!seen.Has(i) && st.fields[i].requiredness == idl::Requiredness::kRequired) {
        return trail_.Add(absl::InvalidArgumentError("required field is missing"),
                          st.fields[i].name);
      }
    }
    out_.Put('}');
    return r_.ReadStructEnd();
  }

  absl::Status Value(const TypeInfo& t) {
    switch (t.kind) {
      case Kind::kBool: {
        bool v = false;
        if (absl::Status s = r_.ReadBool(&v); !s.ok()) return s;
        out_.Append(v ? "true" : "false");
        return absl::OkStatus();
      }
      case Kind::kI8: {
        int8_t v = 0;
        if (absl::Status s = r_.ReadByte(&v); !s.ok()) return s;
        AppendInt(out_, static_cast<int>(v), false);
        return absl::OkStatus();
      }
      case Kind::kI16: {
        int16_t v = 0;
        if (absl::Status s = r_.ReadI16(&v); !s.ok()) return s;
        AppendInt(out_, v, false);
        return absl::OkStatus();
      }
      case Kind::kI32: {
        int32_t v = 0;
        if (absl::Status s = r_.ReadI32(&v); !s.ok()) return s;
        AppendInt(out_, v, false);
        return absl::OkStatus();
      }
      case Kind::kI64: {
        int64_t v = 0;
        if (absl::Status s = r_.ReadI64(&v); !s.ok()) return s;
        AppendInt(out_, v, options_.i64_as_string);
        return absl::OkStatus();
      }
      case Kind::kDouble: {
        double v = 0;
        if (absl::Status s = r_.ReadDouble(&v); !s.ok()) return s;
        AppendDouble(out_, v, false);
        return absl::OkStatus();
      }
      case Kind::kString:
        if (absl::Status s = r_.ReadString(&scratch); !s.ok()) return s;
        AppendQuoted(out_, scratch);
        return absl::OkStatus();
      case Kind::kBinary:
        if (absl::Status s = r_.ReadString(&scratch); !s.ok()) return s;
        AppendBase64(out_, scratch);
        return absl::OkStatus();
      case Kind::kUuid: {
        std::array<uint8_t, 16> u{};
        if (absl::Status s = r_.ReadUuid(&u); !s.ok()) return s;
        AppendUuid(out_, u);
        return absl::OkStatus();
      }
      case Kind::kEnum: {
        int32_t v = 0;
        if (absl::Status s = r_.ReadI32(&v); !s.ok()) return s;
        AppendEnum(t, v, false);
        return absl::OkStatus();
      }
      case Kind::kList:
      case Kind::kSet: {
        codec::TType elem;
        uint32_t n = 0;
        absl::Status s =
            t.kind == Kind::kList ? r_.ReadListBegin(&elem, &n) : r_.ReadSetBegin(&elem, &n);
        if (!s.ok()) return s;
        if (n > 0 && elem != t.elem->ttype) return WireMismatch(t, elem);
        out_.Put('[');
        for (uint32_t i = 0; i < n; ++i) {
          if (i > 0) out_.Put(',');
          if (s = Value(*t.elem); !s.ok()) return trail_.Add(std::move(s), Index(i));
        }
        out_.Put(']');
        return t.kind == Kind::kList ? r_.ReadListEnd() : r_.ReadSetEnd();
      }
      case Kind::kMap: {
        codec::TType key;
        codec::TType value;
        uint32_t n = 0;
        if (absl::Status s = r_.ReadMapBegin(&key, &value, &n); !s.ok()) return s;
        if (n > 0 && key != t.elem->ttype) return WireMismatch(t, key);
        if (n > 0 && value != t.value->ttype) return WireMismatch(t, value);
        out_.Put('{');
        for (uint32_t i = 0; i < n; ++i) {
          if (i > 0) out_.Put(',');
          if (absl::Status s = Key(*t.elem); !s.ok()) return trail_.Add(std::move(s), Index(i));
          out_.Put(':');
          if (absl::Status s = Value(*t.value); !s.ok()) return trail_.Add(std::move(s), Index(i));
        }
        out_.Put('}');
        return r_.ReadMapEnd();
      }
      case Kind::kStruct:
        return Struct(*t.struct_type);
    }
    return absl::InternalError("unknown type kind");
  }

 private:
  // A map key as a JSON string.
  absl::Status Key(const TypeInfo& t) {
    switch (t.kind) {
      case Kind::kString:
      case Kind::kBinary:
      case Kind::kUuid:
        return Value(t);  // already a JSON string
      case Kind::kBool: {
        bool v = false;
        if (absl::Status s = r_.ReadBool(&v); !s.ok()) return s;
        out_.Append(v ? "\"true\"" : "\"false\"");
        return absl::OkStatus();
      }
      case Kind::kI8: {
        int8_t v = 0;
        if (absl::Status s = r_.ReadByte(&v); !s.ok()) return s;
        AppendInt(out_, static_cast<int>(v), true);
        return absl::OkStatus();
      }
      case Kind::kI16: {
        int16_t v = 0;
        if (absl::Status s = r_.ReadI16(&v); !s.ok()) return s;
        AppendInt(out_, v, true);
        return absl::OkStatus();
      }
      case Kind::kI32: {
        int32_t v = 0;
        if (absl::Status s = r_.ReadI32(&v); !s.ok()) return s;
        AppendInt(out_, v, true);
        return absl::OkStatus();
      }
      case Kind::kI64: {
        int64_t v = 0;
        if (absl::Status s = r_.ReadI64(&v); !s.ok()) return s;
        AppendInt(out_, v, true);
        return absl::OkStatus();
      }
      case Kind::kDouble: {
        double v = 0;
        if (absl::Status s = r_.ReadDouble(&v); !s.ok()) return s;
        AppendDouble(out_, v, true);
        return absl::OkStatus();
      }
      case Kind::kEnum: {
        int32_t v = 0;
        if (absl::Status s = r_.ReadI32(&v); !s.ok()) return s;
        AppendEnum(t, v, true);
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError(Cat("map keys of type ", t.name, " have no JSON form"));
    }
  }

  void AppendEnum(const TypeInfo& t, int32_t v, bool quoted) {
    if (options_.enum_as_name) {
      auto it = t.enum_names.find(v);
      if (it != t.enum_names.end()) {
        AppendQuoted(out_, it->second);
        return;
      }
    }
    AppendInt(out_, v, quoted);
  }

  static absl::Status WireMismatch(const TypeInfo& t, codec::TType got) {
    return absl::InvalidArgumentError(
        Cat(t.name, " holds ", codec::TTypeName(got), " on the wire"));
  }

  R& r_;
  JsonOut& out_;
  const JsonOptions& options_;
  Trail trail_;
};

// Re-indents one-line JSON (as the Decoder writes it): two spaces a level.
std::string Pretty(std::string_view json) {
  std::string out;
  out.reserve(json.size() * 2);
  int level = 0;
  bool in_string = false;
  auto newline = [&] {
    out.push_back('\n');
    out.append(static_cast<size_t>(level) * 2, ' ');
  };
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        out.push_back(c);
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
          out.push_back(json[++i]);
        } else {
          ++level;
          newline();
        }
        break;
      case '}':
      case ']':
        --level;
        newline();
        out.push_back(c);
        break;
      case ',':
        out.push_back(c);
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

codec::Limits ReadLimits(const JsonOptions& options) {
  codec::Limits limits = options.limits;
  limits.max_depth = std::min(limits.max_depth, options.max_depth);
  return limits;
}

template <class W>
absl::Status EncodeWith(const StructType& type, dom::element root, transport::LinkBuffer& out,
                        const JsonOptions& options) {
  W w(out);
  Encoder<W> enc(w, options);
  absl::Status s = enc.Struct(type, root);
  w.Finish();
  return enc.trail().Finish(std::move(s));
}

template <class R, class... A>
absl::Status DecodeWith(const StructType& type, transport::LinkBuffer& in, std::string* json,
                        const JsonOptions& options, A... reader_args) {
  const size_t start = json->size();
  json->reserve(start + in.Len() * 2 + 16);
  absl::Status s;
  {
    R r(in, ReadLimits(options), reader_args...);
    JsonOut out(json);
    Decoder<R> dec(r, out, options);
    s = dec.trail().Finish(dec.Struct(type));
  }
  if (s.ok() && options.pretty) {
    std::string pretty = Pretty(std::string_view(*json).substr(start));
    json->resize(start);
    json->append(pretty);
  }
  return s;
}

}  // namespace

absl::Status JsonToThrift(const StructType& type, std::string_view json, codec::ProtocolId protocol,
                          transport::LinkBuffer& out, const JsonOptions& options) {
  dom::element root;
  absl::Status s = Parse(json, options, &root);
  if (s.ok()) {
    s = protocol == codec::ProtocolId::kCompact
            ? EncodeWith<codec::CompactWriter>(type, root, out, options)
            : EncodeWith<codec::BinaryWriter>(type, root, out, options);
  }
  TrimThreadParser();
  return s;
}

absl::Status ThriftToJson(const StructType& type, transport::LinkBuffer& in,
                          codec::ProtocolId protocol, std::string* json,
                          const JsonOptions& options) {
  if (protocol == codec::ProtocolId::kCompact) {
    return DecodeWith<codec::CompactReader>(type, in, json, options);
  }
  return DecodeWith<codec::BinaryReader>(type, in, json, options);
}

namespace {

const FieldInfo* ExceptionField(const MethodSchema& method, std::string_view name) {
  for (const FieldInfo& f : method.result->fields) {
    if (f.id == 0 || f.type->struct_type == nullptr) continue;
    if (f.type->struct_type->name == name) return &f;
  }
  return nullptr;
}

template <class W>
absl::Status EncodeResultWith(const MethodSchema& method, const GenericReply& reply,
                              transport::LinkBuffer& out, const JsonOptions& options) {
  W w(out);
  Encoder<W> enc(w, options);
  absl::Status s;
  w.WriteStructBegin();
  const FieldInfo* field = nullptr;
  if (!reply.exception.empty()) {
    field = ExceptionField(method, reply.exception);
    if (field == nullptr) {
      s = absl::InvalidArgumentError(
          Cat(method.service, ".", method.name, " does not declare exception ", reply.exception));
    }
  } else if (!method.returns_void) {
    field = &method.result->fields.front();
  }
  if (s.ok() && field != nullptr) {
    dom::element root;
    std::string_view json = reply.json;
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) json = "null";
    s = Parse(json, options, &root);
    if (s.ok() && root.type() == dom::element_type::NULL_VALUE) {
      s = absl::InvalidArgumentError(Cat(method.service, ".", method.name, " returns ",
                                         field->type->name, ", the reply is null"));
    }
    if (s.ok()) {
      w.WriteFieldBegin(field->type->ttype, field->id);
      s = enc.Value(*field->type, root);
      w.WriteFieldEnd();
      if (!s.ok()) s = enc.trail().Finish(enc.trail().Add(std::move(s), field->name));
    }
  }
  w.WriteFieldStop();
  w.WriteStructEnd();
  w.Finish();
  TrimThreadParser();
  return s;
}

template <class R>
absl::Status DecodeResultWith(const MethodSchema& method, transport::LinkBuffer& in,
                              GenericReply* reply, const JsonOptions& options) {
  reply->json.clear();
  reply->exception.clear();
  bool got = false;
  absl::Status s;
  {
    R r(in, ReadLimits(options));
    reply->json.reserve(in.Len() * 2 + 16);
    JsonOut out(&reply->json);
    Decoder<R> dec(r, out, options);
    s = r.ReadStructBegin();
    while (s.ok()) {
      codec::TType type;
      int16_t id = 0;
      if (s = r.ReadFieldBegin(&type, &id); !s.ok() || type == codec::TType::kStop) break;
      const FieldInfo* f = method.result->FindById(id);
      if (f == nullptr || f->type->ttype != type || got) {
        s = r.Skip(type);
        continue;
      }
      got = true;
      s = dec.Value(*f->type);
      if (!s.ok()) {
        s = dec.trail().Finish(dec.trail().Add(std::move(s), f->name));
        break;
      }
      if (id != 0) reply->exception = f->type->struct_type->name;
      s = r.ReadFieldEnd();
    }
    if (s.ok()) s = r.ReadStructEnd();
  }
  if (!s.ok()) return s;
  if (!got) {
    if (!method.returns_void) {
      return absl::InternalError(
          Cat(method.service, ".", method.name, ": reply has no result (MISSING_RESULT)"));
    }
    reply->json = "null";
  }
  if (options.pretty) reply->json = Pretty(reply->json);
  return absl::OkStatus();
}

}  // namespace

absl::Status EncodeResult(const MethodSchema& method, const GenericReply& reply,
                          codec::ProtocolId protocol, transport::LinkBuffer& out,
                          const JsonOptions& options) {
  return protocol == codec::ProtocolId::kCompact
             ? EncodeResultWith<codec::CompactWriter>(method, reply, out, options)
             : EncodeResultWith<codec::BinaryWriter>(method, reply, out, options);
}

absl::Status DecodeResult(const MethodSchema& method, transport::LinkBuffer& in,
                          codec::ProtocolId protocol, GenericReply* reply,
                          const JsonOptions& options) {
  return protocol == codec::ProtocolId::kCompact
             ? DecodeResultWith<codec::CompactReader>(method, in, reply, options)
             : DecodeResultWith<codec::BinaryReader>(method, in, reply, options);
}

}  // namespace vireo::generic
