// The runtime that vireo-gen's generated codec is written against: field
// info, wire-type tags, exact-size and raw-write helpers for the Binary and
// Compact protocols, the decoders generated Read() functions drive, and the
// container helpers that decode into reused storage.
//
// Users call codec/serialize.h (EncodedSize, Encode, Decode); this header is
// what the generated `_types.cc` files include. Everything here is inline
// and templated on the protocol: no virtual call per field.
//
// How a generated struct encodes: Size() adds up the exact byte count
// (field headers, varint lengths, Compact's field-id deltas), the caller
// takes that many bytes in one LinkBuffer::Malloc and WriteBinaryTo() /
// WriteCompactTo() store into them through a raw pointer with no bounds
// check. A struct larger than kContiguousEncodeLimit is written through a
// BinaryWriter/CompactWriter (chunked Output) instead; its nested structs
// that fit under the limit still go raw.
//
// How it decodes: a BinaryDecoder/CompactDecoder reads straight from an
// Input over the LinkBuffer, each primitive with one bounds check on the
// contiguous run and a careful path across block edges. Decoding into an
// object that already held a message of the same shape allocates nothing:
// strings assign into their capacity, vectors resize and decode in place,
// sets and maps recycle their nodes (C++17 node handles), optionals are
// emplaced only when empty, binary values of kDefaultSliceThreshold bytes or
// more become slices of the received blocks. Fields absent from the input
// get their default values back, so a reused object ends equal to a fresh
// decode; a missing required field is InvalidArgument
// "<Struct>.<field>: required field missing".
//
// Limits (codec/thrift_types.h) are honoured as BinaryReader honours them:
// string sizes, container sizes (checked against the remaining bytes before
// anything is allocated), nesting depth (each struct and container is one
// level). Errors raised inside a field are prefixed with "<Struct>.<field>: ".
//
// Example (what generated code looks like):
//   template <class P>
//   size_t Point::VireoSize() const {
//     int16_t last = 0;
//     size_t n = P::kStopSize;
//     n += ::vireo::codec::FieldSize<P, ::vireo::codec::wire::Double>(1, last, this->x);
//     return n;
//   }
//
// Thread rules: decoders and helpers are used by one thread at a time; the
// node scratch used to recycle set and map nodes is per thread.
#ifndef VIREO_CODEC_GENERATED_H_
#define VIREO_CODEC_GENERATED_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/box.h"
#include "vireo/codec/bytes.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/input.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

// Returns the status of `expr` from the enclosing function when it is not OK.
#define VIREO_CODEC_RETURN_IF_ERROR(expr)                                \
  do {                                                                   \
    ::absl::Status vireo_codec_s_ = (expr);                              \
    if (ABSL_PREDICT_FALSE(!vireo_codec_s_.ok())) return vireo_codec_s_; \
  } while (0)

// Like VIREO_CODEC_RETURN_IF_ERROR, prefixing the message with `where`
// ("Struct.field").
#define VIREO_CODEC_RETURN_IF_FIELD_ERROR(expr, where)                                 \
  do {                                                                                 \
    ::absl::Status vireo_codec_s_ = (expr);                                            \
    if (ABSL_PREDICT_FALSE(!vireo_codec_s_.ok()))                                      \
      return ::vireo::codec::internal::FieldError(std::move(vireo_codec_s_), (where)); \
  } while (0)

namespace vireo::codec {

// Run-time description of one field of a generated struct
// (`T::kFields`, in declaration order).
struct FieldInfo {
  int16_t id;
  std::string_view name;
  TType type;
  bool optional;
  bool required;
};

// The C++ type of a Thrift `uuid`: 16 bytes in RFC 4122 order.
using Uuid = std::array<uint8_t, 16>;

// Structs whose exact encoded size is above this are written through a
// chunked Output instead of one contiguous Malloc: the default block size,
// so a message never forces a block larger than the buffer's usual ones.
inline constexpr size_t kContiguousEncodeLimit = transport::LinkBuffer::kDefaultBlockSize;

// ---- Wire-type tags: what a value is on the wire, whatever its C++ type ----

namespace wire {
struct Bool {};
struct Byte {};
struct I16 {};
struct I32 {};
struct I64 {};
struct Double {};
struct String {};
struct Binary {};
struct Uuid {};
// An enum: an i32 on the wire, static_cast to and from the C++ enum.
struct Enum {};
// A struct, union or exception: a generated type with the codec members.
struct Struct {};
template <class E>
struct List {};
template <class E>
struct Set {};
template <class K, class V>
struct Map {};
}  // namespace wire

namespace internal {

// ---- Cold paths (generated.cc) ----

absl::Status FieldError(absl::Status status, std::string_view where);
absl::Status Truncated(std::string_view protocol, std::string_view what);
absl::Status DepthExceeded(uint32_t depth, uint32_t max);
absl::Status BadLength(std::string_view protocol, std::string_view what, int64_t length,
                       uint32_t max, size_t remaining);
absl::Status BadContainer(std::string_view protocol, std::string_view what, int64_t size,
                          uint32_t max, uint64_t min_bytes, size_t remaining);
absl::Status BadType(std::string_view protocol, std::string_view what, int type);
absl::Status BadValue(std::string_view protocol, std::string_view what);

// ---- Raw stores and loads ----

inline char* StoreBE16(char* p, uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
  return p + 2;
}
inline char* StoreBE32(char* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
  return p + 4;
}
inline char* StoreBE64(char* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
  return p + 8;
}
inline char* StoreLE64(char* p, uint64_t v) {
  std::memcpy(p, &v, 8);
  return p + 8;
}
inline uint16_t LoadBE16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline uint32_t LoadBE32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline char* StoreVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Bytes an unsigned LEB128 varint of v takes (1..5, 1..10).
inline size_t VarintSize32(uint32_t v) {
  return static_cast<size_t>(((31 - __builtin_clz(v | 1)) * 9 + 73) / 64);
}
inline size_t VarintSize64(uint64_t v) {
  return static_cast<size_t>(((63 - __builtin_clzll(v | 1)) * 9 + 73) / 64);
}

// True for type ids a value may carry (not stop, not void).
inline bool IsWireType(uint8_t t) { return t < 17 && ((0x1FD5Cu >> t) & 1) != 0; }

}  // namespace internal

// ---- Protocol traits: exact sizes and raw writes ----

// The Binary protocol, for generated code. Sizes are exact; writes store
// into memory the caller sized with the matching Size and return the end.
struct BinaryWire {
  static constexpr bool kIsBinary = true;
  static constexpr ProtocolId kId = ProtocolId::kBinary;
  static constexpr size_t kStopSize = 1;

  static size_t FieldHeaderSize(int16_t /*id*/, int16_t& /*last*/) { return 3; }
  static char* WriteFieldHeader(char* p, TType t, int16_t id, int16_t& /*last*/) {
    *p = static_cast<char>(t);
    return internal::StoreBE16(p + 1, static_cast<uint16_t>(id));
  }
  static char* WriteStop(char* p) {
    *p = 0;
    return p + 1;
  }

  static size_t I16Size(int16_t) { return 2; }
  static size_t I32Size(int32_t) { return 4; }
  static size_t I64Size(int64_t) { return 8; }
  static size_t LengthSize(size_t) { return 4; }
  static size_t ListHeaderSize(size_t) { return 5; }
  static size_t MapHeaderSize(size_t) { return 6; }

  static char* WriteBool(char* p, bool v) {
    *p = v ? 1 : 0;
    return p + 1;
  }
  static char* WriteByte(char* p, int8_t v) {
    *p = static_cast<char>(v);
    return p + 1;
  }
  static char* WriteI16(char* p, int16_t v) {
    return internal::StoreBE16(p, static_cast<uint16_t>(v));
  }
  static char* WriteI32(char* p, int32_t v) {
    return internal::StoreBE32(p, static_cast<uint32_t>(v));
  }
  static char* WriteI64(char* p, int64_t v) {
    return internal::StoreBE64(p, static_cast<uint64_t>(v));
  }
  static char* WriteDouble(char* p, double v) {
    uint64_t u = 0;
    std::memcpy(&u, &v, 8);
    return internal::StoreBE64(p, u);
  }
  static char* WriteString(char* p, std::string_view s) {
    p = internal::StoreBE32(p, static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  static char* WriteListHeader(char* p, TType elem, size_t n) {
    *p = static_cast<char>(elem);
    return internal::StoreBE32(p + 1, static_cast<uint32_t>(n));
  }
  static char* WriteMapHeader(char* p, TType key, TType value, size_t n) {
    p[0] = static_cast<char>(key);
    p[1] = static_cast<char>(value);
    return internal::StoreBE32(p + 2, static_cast<uint32_t>(n));
  }

  template <class T>
  static size_t StructSize(const T& v) {
    return v.BinarySize();
  }
  template <class T>
  static char* WriteStruct(char* p, const T& v) {
    return v.WriteBinaryTo(p);
  }
};

// The Compact protocol, for generated code (see BinaryWire).
struct CompactWire {
  static constexpr bool kIsBinary = false;
  static constexpr ProtocolId kId = ProtocolId::kCompact;
  static constexpr size_t kStopSize = 1;

  static bool ShortHeader(int16_t id, int16_t last) { return id > last && id - last <= 15; }
  static size_t FieldHeaderSize(int16_t id, int16_t& last) {
    const size_t n =
        ShortHeader(id, last) ? 1 : 1 + internal::VarintSize32(internal::ZigzagEncode32(id));
    last = id;
    return n;
  }
  static char* WriteFieldHeaderNibble(char* p, uint8_t nibble, int16_t id, int16_t& last) {
    if (ShortHeader(id, last)) {
      *p++ = static_cast<char>((id - last) << 4 | nibble);
    } else {
      *p++ = static_cast<char>(nibble);
      p = internal::StoreVarint(p, internal::ZigzagEncode32(id));
    }
    last = id;
    return p;
  }
  static char* WriteFieldHeader(char* p, TType t, int16_t id, int16_t& last) {
    return WriteFieldHeaderNibble(p, CompactTypeNibble(t), id, last);
  }
  // A bool field: the value is the header's type nibble (1 true, 2 false).
  static char* WriteBoolField(char* p, int16_t id, int16_t& last, bool v) {
    return WriteFieldHeaderNibble(p, v ? 1 : 2, id, last);
  }
  static char* WriteStop(char* p) {
    *p = 0;
    return p + 1;
  }

  static size_t I16Size(int16_t v) { return internal::VarintSize32(internal::ZigzagEncode32(v)); }
  static size_t I32Size(int32_t v) { return internal::VarintSize32(internal::ZigzagEncode32(v)); }
  static size_t I64Size(int64_t v) { return internal::VarintSize64(internal::ZigzagEncode64(v)); }
  static size_t LengthSize(size_t n) { return internal::VarintSize32(static_cast<uint32_t>(n)); }
  static size_t ListHeaderSize(size_t n) {
    return n < 15 ? 1 : 1 + internal::VarintSize32(static_cast<uint32_t>(n));
  }
  static size_t MapHeaderSize(size_t n) {
    return n == 0 ? 1 : internal::VarintSize32(static_cast<uint32_t>(n)) + 1;
  }

  // A bool inside a container: one byte, 1 true, 2 false.
  static char* WriteBool(char* p, bool v) {
    *p = v ? 1 : 2;
    return p + 1;
  }
  static char* WriteByte(char* p, int8_t v) {
    *p = static_cast<char>(v);
    return p + 1;
  }
  static char* WriteI16(char* p, int16_t v) {
    return internal::StoreVarint(p, internal::ZigzagEncode32(v));
  }
  static char* WriteI32(char* p, int32_t v) {
    return internal::StoreVarint(p, internal::ZigzagEncode32(v));
  }
  static char* WriteI64(char* p, int64_t v) {
    return internal::StoreVarint(p, internal::ZigzagEncode64(v));
  }
  static char* WriteDouble(char* p, double v) {
    uint64_t u = 0;
    std::memcpy(&u, &v, 8);
    return internal::StoreLE64(p, u);
  }
  static char* WriteString(char* p, std::string_view s) {
    p = internal::StoreVarint(p, static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  static char* WriteListHeader(char* p, TType elem, size_t n) {
    const uint8_t nibble = CompactTypeNibble(elem);
    if (n < 15) {
      *p = static_cast<char>(n << 4 | nibble);
      return p + 1;
    }
    *p = static_cast<char>(0xf0 | nibble);
    return internal::StoreVarint(p + 1, static_cast<uint32_t>(n));
  }
  static char* WriteMapHeader(char* p, TType key, TType value, size_t n) {
    if (n == 0) {
      *p = 0;
      return p + 1;
    }
    p = internal::StoreVarint(p, static_cast<uint32_t>(n));
    *p = static_cast<char>(CompactTypeNibble(key) << 4 | CompactTypeNibble(value));
    return p + 1;
  }

  template <class T>
  static size_t StructSize(const T& v) {
    return v.CompactSize();
  }
  template <class T>
  static char* WriteStruct(char* p, const T& v) {
    return v.WriteCompactTo(p);
  }
};

// The wire traits of a writer type.
template <class W>
struct WireOf;
template <>
struct WireOf<BinaryWriter> {
  using type = BinaryWire;
};
template <>
struct WireOf<CompactWriter> {
  using type = CompactWire;
};

// ---- Decoders ----

namespace internal {

// What both decoders share: the input, the limits, depth and the slice
// threshold.
class DecoderBase {
 public:
  DecoderBase(Input& in, const Limits& limits, size_t slice_threshold)
      : in_(&in), limits_(limits), slice_threshold_(slice_threshold) {}
  DecoderBase(const DecoderBase&) = delete;
  DecoderBase& operator=(const DecoderBase&) = delete;

  Input& input() { return *in_; }
  const Limits& limits() const { return limits_; }
  size_t slice_threshold() const { return slice_threshold_; }
  uint32_t depth() const { return depth_; }

  // Counts one level of nesting (a struct or a container); LimitError past
  // limits.max_depth. Leave() gives it back.
  absl::Status Enter() {
    if (ABSL_PREDICT_FALSE(depth_ >= limits_.max_depth)) {
      return DepthExceeded(depth_ + 1, limits_.max_depth);
    }
    ++depth_;
    return absl::OkStatus();
  }
  absl::Status EnterStruct() { return Enter(); }
  // Enter() without building a Status: false past limits.max_depth, and
  // DepthError() then says so.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool TryEnter() {
    if (ABSL_PREDICT_FALSE(depth_ >= limits_.max_depth)) return false;
    ++depth_;
    return true;
  }
  absl::Status DepthError() const { return DepthExceeded(depth_ + 1, limits_.max_depth); }
  void Leave() { --depth_; }

 protected:
  Input* in_;
  // A copy: a decoder may be made from a temporary Limits.
  Limits limits_;
  size_t slice_threshold_;
  uint32_t depth_ = 0;
};

}  // namespace internal

// Decodes the Binary protocol for generated code. The readers' rules apply
// (see binary_protocol.h): any nonzero bool byte is true; lengths and sizes
// are checked against the limits and the remaining bytes first.
class BinaryDecoder : public internal::DecoderBase {
 public:
  static constexpr std::string_view kName = "binary";
  // Per-struct decoding state (none for Binary).
  struct FieldState {};

  BinaryDecoder(Input& in, const Limits& limits, size_t slice_threshold = kDefaultSliceThreshold)
      : DecoderBase(in, limits, slice_threshold) {}

  // *type == kStop ends the struct. The type id is not validated here: a
  // field the struct does not know is skipped, and Skip() validates.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadFieldBegin(FieldState& state, TType* type,
                                                           int16_t* id) {
    if (ABSL_PREDICT_TRUE(NextField(state, type, id))) return absl::OkStatus();
    return ReadFieldBeginSlow(type, id);
  }
  // ReadFieldBegin's fast path alone, with no Status to build: false, having
  // read nothing, when the header is not whole in the contiguous run (then
  // ReadFieldBegin takes the careful path).
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool NextField(FieldState& /*state*/, TType* type, int16_t* id) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(!run.empty())) {
      const auto t = static_cast<uint8_t>(run[0]);
      if (t == 0) {
        in_->Advance(1);
        *type = TType::kStop;
        *id = 0;
        return true;
      }
      if (ABSL_PREDICT_TRUE(run.size() >= 3)) {
        *type = static_cast<TType>(t);
        *id = static_cast<int16_t>(internal::LoadBE16(run.data() + 1));
        in_->Advance(3);
        return true;
      }
    }
    return false;
  }
  absl::Status ReadBoolField(FieldState& /*state*/, bool* v) { return ReadBool(v); }
  absl::Status SkipField(FieldState& /*state*/, TType type) { return Skip(type); }

  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadBool(bool* v) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "bool");
    *v = b != 0;
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadByte(int8_t* v) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "byte");
    *v = static_cast<int8_t>(b);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI16(int16_t* v) {
    uint16_t u;
    if (ABSL_PREDICT_FALSE(!in_->ReadBE16(&u))) return internal::Truncated(kName, "i16");
    *v = static_cast<int16_t>(u);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI32(int32_t* v) {
    uint32_t u = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadBE32(&u))) return internal::Truncated(kName, "i32");
    *v = static_cast<int32_t>(u);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI64(int64_t* v) {
    uint64_t u = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadBE64(&u))) return internal::Truncated(kName, "i64");
    *v = static_cast<int64_t>(u);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadDouble(double* v) {
    uint64_t u = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadBE64(&u))) return internal::Truncated(kName, "double");
    std::memcpy(v, &u, 8);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadUuid(Uuid* v) {
    if (ABSL_PREDICT_FALSE(!in_->ReadBytes(reinterpret_cast<char*>(v->data()), 16))) {
      return internal::Truncated(kName, "uuid");
    }
    return absl::OkStatus();
  }
  // A string or binary length, checked against limits.max_string_size and
  // the remaining bytes.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadLength(std::string_view what, uint32_t* n) {
    uint32_t u = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadBE32(&u))) return internal::Truncated(kName, what);
    if (ABSL_PREDICT_FALSE(u > limits_.max_string_size || u > in_->remaining())) {
      return internal::BadLength(kName, what, static_cast<int32_t>(u), limits_.max_string_size,
                                 in_->remaining());
    }
    *n = u;
    return absl::OkStatus();
  }
  // A list or set header; enters one level of nesting (Leave() after).
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadListBegin(TType* elem, uint32_t* n) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= 5)) {
      const auto t = static_cast<uint8_t>(run[0]);
      const uint32_t u = internal::LoadBE32(run.data() + 1);
      if (ABSL_PREDICT_TRUE(internal::IsWireType(t) && FitsLimits(u, MinSize(t), 5))) {
        in_->Advance(5);
        ++depth_;
        *elem = static_cast<TType>(t);
        *n = u;
        return absl::OkStatus();
      }
    }
    return ReadListBeginSlow(elem, n);
  }
  absl::Status ReadSetBegin(TType* elem, uint32_t* n) { return ReadListBegin(elem, n); }
  // A map header; enters one level of nesting (Leave() after).
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadMapBegin(TType* key, TType* value, uint32_t* n) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= 6)) {
      const auto k = static_cast<uint8_t>(run[0]);
      const auto v = static_cast<uint8_t>(run[1]);
      const uint32_t u = internal::LoadBE32(run.data() + 2);
      if (ABSL_PREDICT_TRUE(internal::IsWireType(k) && internal::IsWireType(v) &&
                            FitsLimits(u, MinSize(k) + MinSize(v), 6))) {
        in_->Advance(6);
        ++depth_;
        *key = static_cast<TType>(k);
        *value = static_cast<TType>(v);
        *n = u;
        return absl::OkStatus();
      }
    }
    return ReadMapBeginSlow(key, value, n);
  }
  // Skips one value of `type`, however deep (within limits.max_depth).
  absl::Status Skip(TType type);
  // Skips n elements of `type`.
  absl::Status SkipElems(TType type, uint64_t n);

 private:
  // The fewest bytes a value of wire type id t (< 17) takes.
  static uint32_t MinSize(uint8_t t) {
    static constexpr uint8_t kMin[17] = {1, 1, 1, 1, 8, 1, 2, 1, 4, 1, 8, 4, 1, 6, 5, 5, 16};
    return kMin[t];
  }
  // True when a container of u elements of at least min_elem bytes each,
  // after a header of `header` bytes, is within the limits, the remaining
  // bytes and the depth limit.
  bool FitsLimits(uint32_t u, uint64_t min_elem, size_t header) const {
    return static_cast<int32_t>(u) >= 0 && u <= limits_.max_container_size &&
           u * min_elem + header <= in_->remaining() && depth_ < limits_.max_depth;
  }
  absl::Status ReadFieldBeginSlow(TType* type, int16_t* id);
  absl::Status ReadListBeginSlow(TType* elem, uint32_t* n);
  absl::Status ReadMapBeginSlow(TType* key, TType* value, uint32_t* n);
  absl::Status CheckContainer(std::string_view what, uint32_t u, uint64_t min_elem);
};

// Decodes the Compact protocol for generated code (see compact_protocol.h
// for the encoding).
class CompactDecoder : public internal::DecoderBase {
 public:
  static constexpr std::string_view kName = "compact";
  // Per-struct decoding state: the last field id (ids are deltas) and the
  // value of a bool field, which came with its header.
  struct FieldState {
    int16_t last = 0;
    bool bool_value = false;
  };

  CompactDecoder(Input& in, const Limits& limits, size_t slice_threshold = kDefaultSliceThreshold)
      : DecoderBase(in, limits, slice_threshold) {}

  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadFieldBegin(FieldState& state, TType* type,
                                                           int16_t* id) {
    if (ABSL_PREDICT_TRUE(NextField(state, type, id))) return absl::OkStatus();
    return ReadFieldBeginSlow(state, type, id);
  }
  // ReadFieldBegin's fast path alone (see BinaryDecoder::NextField).
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool NextField(FieldState& state, TType* type, int16_t* id) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(!run.empty())) {
      const auto b = static_cast<uint8_t>(run[0]);
      if (b == 0) {
        in_->Advance(1);
        *type = TType::kStop;
        *id = 0;
        return true;
      }
      const uint8_t nibble = b & 0x0f;
      const TType t = TypeOfNibble(nibble);
      if (ABSL_PREDICT_TRUE((b >> 4) != 0 && t != TType::kStop)) {
        in_->Advance(1);
        state.last = static_cast<int16_t>(state.last + (b >> 4));
        state.bool_value = nibble == 1;
        *type = t;
        *id = state.last;
        return true;
      }
    }
    return false;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadBoolField(FieldState& state, bool* v) {
    *v = state.bool_value;
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status SkipField(FieldState& /*state*/, TType type) {
    // A bool field's value was its header.
    if (type == TType::kBool) return absl::OkStatus();
    return Skip(type);
  }

  // A bool inside a container: 1 is true, anything else false.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadBool(bool* v) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "bool");
    *v = b == 1;
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadByte(int8_t* v) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "byte");
    *v = static_cast<int8_t>(b);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI16(int16_t* v) {
    uint32_t u = 0;
    VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32("i16", &u));
    const int32_t wide = internal::ZigzagDecode32(u);
    if (ABSL_PREDICT_FALSE(wide < INT16_MIN || wide > INT16_MAX)) {
      return internal::BadValue(kName, "i16 value out of range");
    }
    *v = static_cast<int16_t>(wide);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI32(int32_t* v) {
    uint32_t u = 0;
    VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32("i32", &u));
    *v = internal::ZigzagDecode32(u);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadI64(int64_t* v) {
    uint64_t u = 0;
    VIREO_CODEC_RETURN_IF_ERROR(ReadVarint64("i64", &u));
    *v = internal::ZigzagDecode64(u);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadDouble(double* v) {
    uint64_t u = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadLE64(&u))) return internal::Truncated(kName, "double");
    std::memcpy(v, &u, 8);
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadUuid(Uuid* v) {
    if (ABSL_PREDICT_FALSE(!in_->ReadBytes(reinterpret_cast<char*>(v->data()), 16))) {
      return internal::Truncated(kName, "uuid");
    }
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadLength(std::string_view what, uint32_t* n) {
    uint32_t u = 0;
    VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32(what, &u));
    if (ABSL_PREDICT_FALSE(u > limits_.max_string_size || u > in_->remaining())) {
      return internal::BadLength(kName, what, u, limits_.max_string_size, in_->remaining());
    }
    *n = u;
    return absl::OkStatus();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadListBegin(TType* elem, uint32_t* n) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(!run.empty())) {
      const auto b = static_cast<uint8_t>(run[0]);
      const TType t = TypeOfNibble(b & 0x0f);
      const uint32_t u = b >> 4;
      if (ABSL_PREDICT_TRUE(u != 15 && t != TType::kStop && FitsLimits(u, MinSize(t), 1))) {
        in_->Advance(1);
        ++depth_;
        *elem = t;
        *n = u;
        return absl::OkStatus();
      }
    }
    return ReadListBeginSlow(elem, n);
  }
  absl::Status ReadSetBegin(TType* elem, uint32_t* n) { return ReadListBegin(elem, n); }
  // For an empty map *key and *value are kStop: Compact does not send them.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadMapBegin(TType* key, TType* value, uint32_t* n) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= 2)) {
      const auto u = static_cast<uint8_t>(run[0]);
      const auto b = static_cast<uint8_t>(run[1]);
      const TType k = TypeOfNibble(b >> 4);
      const TType v = TypeOfNibble(b & 0x0f);
      if (ABSL_PREDICT_TRUE(u != 0 && u < 0x80 && k != TType::kStop && v != TType::kStop &&
                            FitsLimits(u, MinSize(k) + MinSize(v), 2))) {
        in_->Advance(2);
        ++depth_;
        *key = k;
        *value = v;
        *n = u;
        return absl::OkStatus();
      }
    }
    return ReadMapBeginSlow(key, value, n);
  }
  absl::Status Skip(TType type);
  absl::Status SkipElems(TType type, uint64_t n);

  // Unsigned LEB128 varints of at most 5 and 10 bytes.
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadVarint32(std::string_view what, uint32_t* v) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= 10)) {
      uint64_t u = 0;
      const size_t n = codec::internal::DecodeVarint<5>(run.data(), &u);
      if (ABSL_PREDICT_TRUE(n != 0)) {
        *v = static_cast<uint32_t>(u);
        in_->Advance(n);
        return absl::OkStatus();
      }
    }
    uint64_t u = 0;
    absl::Status s = ReadVarintSlow(what, 5, &u);
    *v = static_cast<uint32_t>(u);
    return s;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::Status ReadVarint64(std::string_view what, uint64_t* v) {
    const std::string_view run = in_->Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= 10)) {
      const size_t n = codec::internal::DecodeVarint<10>(run.data(), v);
      if (ABSL_PREDICT_TRUE(n != 0)) {
        in_->Advance(n);
        return absl::OkStatus();
      }
    }
    return ReadVarintSlow(what, 10, v);
  }

 private:
  // kStop for nibbles no type has (0, 14, 15).
  static TType TypeOfNibble(uint8_t nibble) {
    static constexpr TType kTypeOf[16] = {
        TType::kStop,   TType::kBool,   TType::kBool,   TType::kByte, TType::kI16, TType::kI32,
        TType::kI64,    TType::kDouble, TType::kString, TType::kList, TType::kSet, TType::kMap,
        TType::kStruct, TType::kUuid,   TType::kStop,   TType::kStop,
    };
    return kTypeOf[nibble & 0x0f];
  }
  static uint32_t MinSize(TType t) { return t == TType::kDouble ? 8 : t == TType::kUuid ? 16 : 1; }
  bool FitsLimits(uint32_t u, uint64_t min_elem, size_t header) const {
    return u <= limits_.max_container_size && u * min_elem + header <= in_->remaining() &&
           depth_ < limits_.max_depth;
  }
  absl::Status ReadListBeginSlow(TType* elem, uint32_t* n);
  absl::Status ReadMapBeginSlow(TType* key, TType* value, uint32_t* n);
  absl::Status ReadFieldBeginSlow(FieldState& state, TType* type, int16_t* id);
  absl::Status ReadVarintSlow(std::string_view what, int max_bytes, uint64_t* v);
  absl::Status CheckContainer(std::string_view what, uint32_t u, uint64_t min_elem);
};

// ---- Per-wire-type codecs ----

// Codec<Tag>: the size, raw write, chunked write and read of one value of
// wire type Tag, for any C++ type with the matching interface.
template <class Tag>
struct Codec;

namespace internal {

template <class T>
std::string_view AsView(const T& v) {
  if constexpr (std::is_same_v<T, Bytes>) {
    return v.view();
  } else {
    return std::string_view(v.data(), v.size());
  }
}

// Assigns n bytes to *s. A string that already holds at least n bytes (a
// reused object) is shortened and overwritten in place, with no call into
// std::string's general replace.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void AssignString(std::string* s, const char* p, size_t n) {
  if (n <= s->size()) {
    s->resize(n);
    if (n != 0) std::memcpy(s->data(), p, n);
  } else {
    s->assign(p, n);
  }
}

// Reads a string or binary value of `n` checked bytes into any string-like
// type (assign(const char*, size_t), resize, data).
template <class D, class S>
absl::Status ReadStringBody(D& d, uint32_t n, S* s) {
  Input& in = d.input();
  if constexpr (std::is_same_v<S, std::string>) {
    const std::string_view run = in.Contiguous();
    if (ABSL_PREDICT_TRUE(run.size() >= n)) {
      AssignString(s, run.data(), n);
      in.Advance(n);
    } else {
      in.ReadString(n, s);  // n <= remaining(): cannot fail
    }
  } else if constexpr (std::is_same_v<S, Bytes>) {
    s->ReadFrom(in, n, d.slice_threshold());
  } else {
    const std::string_view run = in.Contiguous();
    if (run.size() >= n) {
      s->assign(run.data(), n);
      in.Advance(n);
    } else {
      s->resize(n);
      in.ReadBytes(s->data(), n);
    }
  }
  return absl::OkStatus();
}

template <class C>
concept Resizable = requires(C c, size_t n) {
  c.resize(n);
};
template <class C>
concept HasNodes = requires(C c) {
  typename C::node_type;
  c.extract(c.begin());
  c.insert(typename C::node_type());
};

// A per-thread stack of detached container nodes, reused by the next
// element decoded into a container of the same type. Nested decodes of the
// same container type push above and pop back to their own base.
template <class C>
std::vector<typename C::node_type>& NodeScratch() {
  thread_local std::vector<typename C::node_type> scratch;
  return scratch;
}

// Detaches the nodes of *c from `from` to the end onto the scratch stack on
// construction; hands them out in the container's old order; frees the
// ones left over.
template <class C>
class NodeRecycler {
 public:
  NodeRecycler(C* c, typename C::iterator from)
      : scratch_(NodeScratch<C>()), base_(scratch_.size()) {
    while (from != c->end()) {
      auto next = std::next(from);
      scratch_.push_back(c->extract(from));
      from = next;
    }
    next_ = base_;
    top_ = scratch_.size();
  }
  ~NodeRecycler() {
    scratch_.erase(scratch_.begin() + static_cast<std::ptrdiff_t>(base_), scratch_.end());
  }
  NodeRecycler(const NodeRecycler&) = delete;
  NodeRecycler& operator=(const NodeRecycler&) = delete;

  // A recycled node, or an empty handle when none is left.
  typename C::node_type Take() {
    if (next_ == top_) return {};
    return std::move(scratch_[next_++]);
  }

 private:
  std::vector<typename C::node_type>& scratch_;
  size_t base_;
  size_t next_;
  size_t top_;
};

// Where a set element or map key is decoded before it is compared with
// the reused container's next element: a per-thread object for types that
// own memory (its capacity is reused), a local for the rest. Nested
// decodes may reuse it once the key has been compared or moved out.
template <class K>
class KeyScratch {
 public:
  K& get() {
    if constexpr (std::is_trivially_copyable_v<K>) {
      return local_;
    } else {
      thread_local K scratch{};
      return scratch;
    }
  }

 private:
  [[no_unique_address]] std::conditional_t<std::is_trivially_copyable_v<K>, K, std::monostate>
      local_{};
};

// Reads one element of wire type E into a (possibly proxy) element.
template <class E, class D, class T>
absl::Status ReadElem(D& d, T&& e) {
  using V = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<V, std::vector<bool>::reference>) {
    bool b = false;
    VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &b));
    e = b;
    return absl::OkStatus();
  } else {
    return Codec<E>::Read(d, &e);
  }
}

// The byte count of a Binary fixed-size scalar of wire type E, else 0.
template <class E>
inline constexpr size_t kBinaryFixed =
    std::is_same_v<E, wire::Bool> || std::is_same_v<E, wire::Byte>    ? 1
    : std::is_same_v<E, wire::I16>                                    ? 2
    : std::is_same_v<E, wire::I32> || std::is_same_v<E, wire::Enum>   ? 4
    : std::is_same_v<E, wire::I64> || std::is_same_v<E, wire::Double> ? 8
                                                                      : 0;

// The Binary value of wire type E (kBinaryFixed<E> != 0) stored at p.
template <class E, class T>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline T LoadBinaryScalar(const char* p) {
  if constexpr (std::is_same_v<E, wire::Bool>) {
    return static_cast<T>(*p != 0);
  } else if constexpr (std::is_same_v<E, wire::Byte>) {
    return static_cast<T>(static_cast<int8_t>(*p));
  } else if constexpr (std::is_same_v<E, wire::I16>) {
    return static_cast<T>(static_cast<int16_t>(LoadBE16(p)));
  } else if constexpr (kBinaryFixed<E> == 4) {
    return static_cast<T>(static_cast<int32_t>(LoadBE32(p)));
  } else {
    uint64_t u;
    std::memcpy(&u, p, 8);
    u = __builtin_bswap64(u);
    if constexpr (std::is_same_v<E, wire::Double>) {
      double x;
      std::memcpy(&x, &u, 8);
      return static_cast<T>(x);
    } else {
      return static_cast<T>(static_cast<int64_t>(u));
    }
  }
}

// The hot path of Codec<E>::Read, with no Status to build or destroy:
// reads a Binary scalar, or a string into std::string, when it lies whole
// in the contiguous run and is within the limits. Returns false having
// read nothing otherwise (other types, other decoders, block edges,
// errors); the caller then takes Codec<E>::Read, which reports any error.
template <class E, class D, class T>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryRead(D& d, T* v) {
  if constexpr (!std::is_same_v<D, BinaryDecoder>) {
    return false;
  } else if constexpr (kBinaryFixed<E> != 0) {
    Input& in = d.input();
    const std::string_view run = in.Contiguous();
    if (ABSL_PREDICT_FALSE(run.size() < kBinaryFixed<E>)) return false;
    *v = LoadBinaryScalar<E, T>(run.data());
    in.Advance(kBinaryFixed<E>);
    return true;
  } else if constexpr ((std::is_same_v<E, wire::String> || std::is_same_v<E, wire::Binary>) &&
                       std::is_same_v<T, std::string>) {
    Input& in = d.input();
    const std::string_view run = in.Contiguous();
    if (ABSL_PREDICT_FALSE(run.size() < 4)) return false;
    const uint32_t n = LoadBE32(run.data());
    if (ABSL_PREDICT_FALSE(n > d.limits().max_string_size || n > run.size() - 4)) return false;
    AssignString(v, run.data() + 4, n);
    in.Advance(4 + size_t{n});
    return true;
  } else {
    return false;
  }
}

// TryRead for a list element, which may be a proxy (vector<bool>): those
// take the careful path.
template <class E, class D, class T>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryReadElem(D& d, T&& e) {
  if constexpr (std::is_same_v<std::remove_cvref_t<T>, std::vector<bool>::reference>) {
    return false;
  } else {
    return TryRead<E>(d, &e);
  }
}

// Reads a whole Binary list of n fixed-size scalars into a vector of
// arithmetic values in one pass when all n lie in the contiguous run (the
// header already read). Returns false having read nothing otherwise.
template <class E, class D, class T>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryReadBulk(D& d, T* v, uint32_t n) {
  if constexpr (std::is_same_v<D, BinaryDecoder> && kBinaryFixed<E> != 0) {
    using V = typename T::value_type;
    if constexpr (std::is_same_v<T, std::vector<V>> && std::is_arithmetic_v<V> &&
                  !std::is_same_v<V, bool>) {
      constexpr size_t kSize = kBinaryFixed<E>;
      Input& in = d.input();
      const std::string_view run = in.Contiguous();
      if (ABSL_PREDICT_FALSE(run.size() / kSize < n)) return false;
      v->resize(n);
      V* out = v->data();
      const char* p = run.data();
      for (uint32_t i = 0; i < n; ++i) out[i] = LoadBinaryScalar<E, V>(p + size_t{i} * kSize);
      in.Advance(size_t{n} * kSize);
      return true;
    } else {
      return false;
    }
  } else {
    return false;
  }
}

}  // namespace internal

template <>
struct Codec<wire::Bool> {
  static constexpr TType kType = TType::kBool;
  template <class P>
  static constexpr size_t Fixed() {
    return 1;
  }
  template <class P, class T>
  static size_t Size(const T&) {
    return 1;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteBool(p, static_cast<bool>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteBool(static_cast<bool>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    bool b = false;
    absl::Status s = d.ReadBool(&b);
    *v = b;
    return s;
  }
};

template <>
struct Codec<wire::Byte> {
  static constexpr TType kType = TType::kByte;
  template <class P>
  static constexpr size_t Fixed() {
    return 1;
  }
  template <class P, class T>
  static size_t Size(const T&) {
    return 1;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteByte(p, static_cast<int8_t>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteByte(static_cast<int8_t>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    int8_t x = 0;
    absl::Status s = d.ReadByte(&x);
    *v = static_cast<T>(x);
    return s;
  }
};

template <>
struct Codec<wire::I16> {
  static constexpr TType kType = TType::kI16;
  template <class P>
  static constexpr size_t Fixed() {
    return P::kIsBinary ? 2 : 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    return P::I16Size(static_cast<int16_t>(v));
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteI16(p, static_cast<int16_t>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteI16(static_cast<int16_t>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    int16_t x = 0;
    absl::Status s = d.ReadI16(&x);
    *v = static_cast<T>(x);
    return s;
  }
};

// i32 and enums (an enum is its i32 value on the wire).
template <class Tag>
struct I32Codec {
  static constexpr TType kType = TType::kI32;
  template <class P>
  static constexpr size_t Fixed() {
    return P::kIsBinary ? 4 : 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    return P::I32Size(static_cast<int32_t>(v));
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteI32(p, static_cast<int32_t>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteI32(static_cast<int32_t>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    int32_t x = 0;
    absl::Status s = d.ReadI32(&x);
    *v = static_cast<T>(x);
    return s;
  }
};
template <>
struct Codec<wire::I32> : I32Codec<wire::I32> {};
template <>
struct Codec<wire::Enum> : I32Codec<wire::Enum> {};

template <>
struct Codec<wire::I64> {
  static constexpr TType kType = TType::kI64;
  template <class P>
  static constexpr size_t Fixed() {
    return P::kIsBinary ? 8 : 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    return P::I64Size(static_cast<int64_t>(v));
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteI64(p, static_cast<int64_t>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteI64(static_cast<int64_t>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    int64_t x = 0;
    absl::Status s = d.ReadI64(&x);
    *v = static_cast<T>(x);
    return s;
  }
};

template <>
struct Codec<wire::Double> {
  static constexpr TType kType = TType::kDouble;
  template <class P>
  static constexpr size_t Fixed() {
    return 8;
  }
  template <class P, class T>
  static size_t Size(const T&) {
    return 8;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteDouble(p, static_cast<double>(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteDouble(static_cast<double>(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    double x = 0;
    absl::Status s = d.ReadDouble(&x);
    *v = static_cast<T>(x);
    return s;
  }
};

template <>
struct Codec<wire::Uuid> {
  static constexpr TType kType = TType::kUuid;
  template <class P>
  static constexpr size_t Fixed() {
    return 16;
  }
  template <class P, class T>
  static size_t Size(const T&) {
    return 16;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    std::memcpy(p, v.data(), 16);
    return p + 16;
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteUuid(v);
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    return d.ReadUuid(v);
  }
};

// string and binary: the same bytes on the wire. Bytes values may become
// slices (binary only; a string is always owned).
template <class Tag>
struct StringCodec {
  static constexpr TType kType = TType::kString;
  template <class P>
  static constexpr size_t Fixed() {
    return 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    const size_t n = internal::AsView(v).size();
    return P::LengthSize(n) + n;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteString(p, internal::AsView(v));
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteString(internal::AsView(v));
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    uint32_t n = 0;
    VIREO_CODEC_RETURN_IF_ERROR(
        d.ReadLength(std::is_same_v<Tag, wire::Binary> ? "binary" : "string", &n));
    return internal::ReadStringBody(d, n, v);
  }
};
template <>
struct Codec<wire::String> : StringCodec<wire::String> {};
template <>
struct Codec<wire::Binary> : StringCodec<wire::Binary> {};

template <>
struct Codec<wire::Struct> {
  static constexpr TType kType = TType::kStruct;
  template <class P>
  static constexpr size_t Fixed() {
    return 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    return P::StructSize(v);
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return P::WriteStruct(p, v);
  }
  // Writes raw into the writer's output when the struct fits under
  // kContiguousEncodeLimit, else field by field through the writer.
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    using P = typename WireOf<W>::type;
    const size_t n = P::StructSize(v);
    if (n <= kContiguousEncodeLimit) {
      P::WriteStruct(w.output().Reserve(n), v);
      w.output().Advance(n);
    } else {
      v.WriteChunked(w);
    }
  }
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    return v->Read(d);
  }
};

template <class E>
struct Codec<wire::List<E>> {
  static constexpr TType kType = TType::kList;
  template <class P>
  static constexpr size_t Fixed() {
    return 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    const size_t n = v.size();
    size_t size = P::ListHeaderSize(n);
    if constexpr (Codec<E>::template Fixed<P>() != 0) {
      size += n * Codec<E>::template Fixed<P>();
    } else {
      for (const auto& e : v) size += Codec<E>::template Size<P>(e);
    }
    return size;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    p = P::WriteListHeader(p, Codec<E>::kType, v.size());
    for (const auto& e : v) p = Codec<E>::template Write<P>(p, e);
    return p;
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteListBegin(Codec<E>::kType, static_cast<uint32_t>(v.size()));
    for (const auto& e : v) Codec<E>::WriteChunked(w, e);
    w.WriteListEnd();
  }
  // Sequence containers with resize() decode in place, so elements keep
  // their storage; others are cleared and appended to.
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    TType t = TType::kStop;
    uint32_t n = 0;
    VIREO_CODEC_RETURN_IF_ERROR(d.ReadListBegin(&t, &n));
    if (ABSL_PREDICT_FALSE(t != Codec<E>::kType && n != 0)) {
      // Not the declared element type: drop the value, as an unknown field.
      VIREO_CODEC_RETURN_IF_ERROR(d.SkipElems(t, n));
      v->clear();
      d.Leave();
      return absl::OkStatus();
    }
    if constexpr (internal::Resizable<T>) {
      if (!internal::TryReadBulk<E>(d, v, n)) {
        v->resize(n);
        for (auto&& e : *v) {
          if (ABSL_PREDICT_TRUE(internal::TryReadElem<E>(d, e))) continue;
          VIREO_CODEC_RETURN_IF_ERROR(internal::ReadElem<E>(d, e));
        }
      }
    } else {
      v->clear();
      for (uint32_t i = 0; i < n; ++i) {
        typename T::value_type e{};
        VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &e));
        v->insert(v->end(), std::move(e));
      }
    }
    d.Leave();
    return absl::OkStatus();
  }
};

template <class E>
struct Codec<wire::Set<E>> {
  static constexpr TType kType = TType::kSet;
  template <class P>
  static constexpr size_t Fixed() {
    return 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    return Codec<wire::List<E>>::template Size<P>(v);
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    return Codec<wire::List<E>>::template Write<P>(p, v);
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteSetBegin(Codec<E>::kType, static_cast<uint32_t>(v.size()));
    for (const auto& e : v) Codec<E>::WriteChunked(w, e);
    w.WriteSetEnd();
  }
  // Node-based sets keep the nodes whose elements come again in the same
  // order and recycle the rest: an element decodes into an old node's
  // value and the node is inserted back.
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    TType t = TType::kStop;
    uint32_t n = 0;
    VIREO_CODEC_RETURN_IF_ERROR(d.ReadSetBegin(&t, &n));
    if (ABSL_PREDICT_FALSE(t != Codec<E>::kType && n != 0)) {
      VIREO_CODEC_RETURN_IF_ERROR(d.SkipElems(t, n));
      v->clear();
      d.Leave();
      return absl::OkStatus();
    }
    if constexpr (internal::HasNodes<T>) {
      // Writers send a set in its iteration order, and a reused set often
      // holds the same elements: while they match, nothing moves.
      internal::KeyScratch<typename T::value_type> scratch;
      auto it = v->begin();
      uint32_t i = 0;
      bool pending = false;
      for (; i < n && it != v->end(); ++i) {
        auto& e = scratch.get();
        if (ABSL_PREDICT_FALSE(!internal::TryRead<E>(d, &e))) {
          VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &e));
        }
        if (!(e == *it)) {
          pending = true;
          break;
        }
        ++it;
      }
      if (i == n) {
        v->erase(it, v->end());
      } else {
        // From the first difference on, the rest of the old nodes are
        // recycled for the rest of the elements.
        internal::NodeRecycler<T> nodes(v, it);
        for (; i < n; ++i) {
          typename T::node_type node = nodes.Take();
          if (!node.empty()) {
            if (pending) {
              node.value() = scratch.get();  // a copy keeps the scratch's capacity
            } else {
              VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &node.value()));
            }
            v->insert(v->end(), std::move(node));
          } else if (pending) {
            v->insert(v->end(), scratch.get());
          } else {
            typename T::value_type e{};
            VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &e));
            v->insert(v->end(), std::move(e));
          }
          pending = false;
        }
      }
    } else {
      v->clear();
      for (uint32_t i = 0; i < n; ++i) {
        typename T::value_type e{};
        VIREO_CODEC_RETURN_IF_ERROR(Codec<E>::Read(d, &e));
        v->insert(std::move(e));
      }
    }
    d.Leave();
    return absl::OkStatus();
  }
};

template <class K, class V>
struct Codec<wire::Map<K, V>> {
  static constexpr TType kType = TType::kMap;
  template <class P>
  static constexpr size_t Fixed() {
    return 0;
  }
  template <class P, class T>
  static size_t Size(const T& v) {
    const size_t n = v.size();
    size_t size = P::MapHeaderSize(n);
    constexpr size_t kFixed =
        Codec<K>::template Fixed<P>() != 0 && Codec<V>::template Fixed<P>() != 0
            ? Codec<K>::template Fixed<P>() + Codec<V>::template Fixed<P>()
            : 0;
    if constexpr (kFixed != 0) {
      size += n * kFixed;
    } else {
      for (const auto& [key, value] : v) {
        size += Codec<K>::template Size<P>(key) + Codec<V>::template Size<P>(value);
      }
    }
    return size;
  }
  template <class P, class T>
  static char* Write(char* p, const T& v) {
    p = P::WriteMapHeader(p, Codec<K>::kType, Codec<V>::kType, v.size());
    for (const auto& [key, value] : v) {
      p = Codec<K>::template Write<P>(p, key);
      p = Codec<V>::template Write<P>(p, value);
    }
    return p;
  }
  template <class W, class T>
  static void WriteChunked(W& w, const T& v) {
    w.WriteMapBegin(Codec<K>::kType, Codec<V>::kType, static_cast<uint32_t>(v.size()));
    for (const auto& [key, value] : v) {
      Codec<K>::WriteChunked(w, key);
      Codec<V>::WriteChunked(w, value);
    }
    w.WriteMapEnd();
  }
  // Node-based maps keep the entries whose keys come again in the same
  // order (decoding their values in place) and recycle the rest (see
  // Codec<wire::Set>). A key that repeats keeps the last value, as Apache
  // Thrift's readers do.
  template <class D, class T>
  static absl::Status Read(D& d, T* v) {
    TType kt = TType::kStop;
    TType vt = TType::kStop;
    uint32_t n = 0;
    VIREO_CODEC_RETURN_IF_ERROR(d.ReadMapBegin(&kt, &vt, &n));
    if (ABSL_PREDICT_FALSE(n != 0 && (kt != Codec<K>::kType || vt != Codec<V>::kType))) {
      for (uint32_t i = 0; i < n; ++i) {
        VIREO_CODEC_RETURN_IF_ERROR(d.Skip(kt));
        VIREO_CODEC_RETURN_IF_ERROR(d.Skip(vt));
      }
      v->clear();
      d.Leave();
      return absl::OkStatus();
    }
    if constexpr (internal::HasNodes<T>) {
      // Writers send a map in its iteration order, and a reused map often
      // holds the same keys: while they match, each value is decoded in
      // place and no node moves.
      internal::KeyScratch<typename T::key_type> scratch;
      auto it = v->begin();
      uint32_t i = 0;
      bool pending = false;
      for (; i < n && it != v->end(); ++i) {
        auto& key = scratch.get();
        if (ABSL_PREDICT_FALSE(!internal::TryRead<K>(d, &key))) {
          VIREO_CODEC_RETURN_IF_ERROR(Codec<K>::Read(d, &key));
        }
        if (!(key == it->first)) {
          pending = true;
          break;
        }
        if (ABSL_PREDICT_FALSE(!internal::TryRead<V>(d, &it->second))) {
          VIREO_CODEC_RETURN_IF_ERROR(Codec<V>::Read(d, &it->second));
        }
        ++it;
      }
      if (i == n) {
        v->erase(it, v->end());
      } else {
        // From the first difference on, the rest of the old nodes are
        // recycled for the rest of the entries.
        internal::NodeRecycler<T> nodes(v, it);
        for (; i < n; ++i) {
          typename T::node_type node = nodes.Take();
          if (!node.empty()) {
            if (pending) {
              node.key() = scratch.get();  // a copy keeps the scratch's capacity
            } else {
              VIREO_CODEC_RETURN_IF_ERROR(Codec<K>::Read(d, &node.key()));
            }
            pending = false;
            VIREO_CODEC_RETURN_IF_ERROR(Codec<V>::Read(d, &node.mapped()));
            auto pos = v->insert(v->end(), std::move(node));
            if (ABSL_PREDICT_FALSE(!node.empty())) pos->second = std::move(node.mapped());
          } else {
            if (!pending) VIREO_CODEC_RETURN_IF_ERROR(Codec<K>::Read(d, &scratch.get()));
            pending = false;
            auto& value = (*v)[scratch.get()];
            VIREO_CODEC_RETURN_IF_ERROR(Codec<V>::Read(d, &value));
          }
        }
      }
    } else {
      v->clear();
      for (uint32_t i = 0; i < n; ++i) VIREO_CODEC_RETURN_IF_ERROR(ReadFresh(d, v));
    }
    d.Leave();
    return absl::OkStatus();
  }

 private:
  template <class D, class T>
  static absl::Status ReadFresh(D& d, T* v) {
    typename T::key_type key{};
    VIREO_CODEC_RETURN_IF_ERROR(Codec<K>::Read(d, &key));
    auto& value = (*v)[std::move(key)];
    return Codec<V>::Read(d, &value);
  }
};

// ---- Field-level helpers the generated code calls ----

// Exact size of one field: header plus value (a Compact bool field is all
// header). Updates `last` (the previous field id, for Compact's deltas).
template <class P, class Tag, class T>
inline size_t FieldSize(int16_t id, int16_t& last, const T& v) {
  const size_t header = P::FieldHeaderSize(id, last);
  if constexpr (std::is_same_v<Tag, wire::Bool> && !P::kIsBinary) {
    return header;
  } else {
    return header + Codec<Tag>::template Size<P>(v);
  }
}

// Writes one field raw at p; returns the end.
template <class P, class Tag, class T>
inline char* WriteField(char* p, int16_t id, int16_t& last, const T& v) {
  if constexpr (std::is_same_v<Tag, wire::Bool> && !P::kIsBinary) {
    return P::WriteBoolField(p, id, last, static_cast<bool>(v));
  } else {
    p = P::WriteFieldHeader(p, Codec<Tag>::kType, id, last);
    return Codec<Tag>::template Write<P>(p, v);
  }
}

// Writes one field through a BinaryWriter or CompactWriter.
template <class Tag, class W, class T>
inline void WriteFieldChunked(W& w, int16_t id, const T& v) {
  w.WriteFieldBegin(Codec<Tag>::kType, id);
  Codec<Tag>::WriteChunked(w, v);
  w.WriteFieldEnd();
}

// ReadField's hot path with no Status (see internal::TryRead): true having
// read the value, false having read nothing (then call ReadField).
template <class Tag, class D, class T>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryReadField(D& d, T* v) {
  return internal::TryRead<Tag>(d, v);
}

namespace internal {

// One field of a struct read by TryReadFixedStruct: its id and target.
template <class Tag, class T>
struct FixedFieldRef {
  using tag = Tag;
  int16_t id;
  T* v;
};
template <class Tag, class T>
FixedFieldRef<Tag, T> FixedField(int16_t id, T* v) {
  return {id, v};
}

template <class F>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool MatchFixedHeader(const char* p, const F& f) {
  return static_cast<uint8_t>(p[0]) == static_cast<uint8_t>(Codec<typename F::tag>::kType) &&
         LoadBE16(p + 1) == static_cast<uint16_t>(f.id);
}

// A struct whose fields are all fixed-size scalars, as writers send it:
// every field once, in the order given (id order), then the stop byte.
// When that whole shape lies in the contiguous run of a Binary input
// (and the depth limit allows one more level), reads it with one bounds
// check and returns true; otherwise returns false having read nothing, and
// the struct's general reader runs.
template <class D, class... F>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool TryReadFixedStruct(D& d, F... f) {
  if constexpr (!std::is_same_v<D, BinaryDecoder> ||
                ((kBinaryFixed<typename F::tag> == 0) || ...)) {
    return false;
  } else {
    constexpr size_t kSize = ((3 + kBinaryFixed<typename F::tag>) + ...) + 1;
    if (ABSL_PREDICT_FALSE(d.depth() >= d.limits().max_depth)) return false;
    Input& in = d.input();
    const std::string_view run = in.Contiguous();
    if (ABSL_PREDICT_FALSE(run.size() < kSize)) return false;
    const char* const p = run.data();
    const char* q = p;
    bool match = true;
    ((match = match && MatchFixedHeader(q, f), q += 3 + kBinaryFixed<typename F::tag>), ...);
    if (ABSL_PREDICT_FALSE(!match || *q != 0)) return false;
    q = p;
    ((*f.v = LoadBinaryScalar<typename F::tag, std::remove_pointer_t<decltype(f.v)>>(q + 3),
      q += 3 + kBinaryFixed<typename F::tag>),
     ...);
    in.Advance(kSize);
    return true;
  }
}

}  // namespace internal

// Reads one field's value (its header already read and its type checked).
template <class Tag, class D, class T>
inline absl::Status ReadField(D& d, typename D::FieldState& state, T* v) {
  if constexpr (std::is_same_v<Tag, wire::Bool>) {
    bool b = false;
    absl::Status s = d.ReadBoolField(state, &b);
    *v = b;
    return s;
  } else {
    return Codec<Tag>::Read(d, v);
  }
}

// ---- Fields held indirectly (idl::Field::Indirection) ----

namespace internal {

// Makes the holder of a field about to be decoded hold a value that only it
// owns: kept (with its storage) when it already does; a fresh one when it
// is empty, or shared with another owner, or const.
template <class T>
void PrepareHolder(Box<T>& v) {
  if (!v) v.emplace();
}
template <class T>
void PrepareHolder(std::unique_ptr<T>& v) {
  if (!v) v = std::make_unique<T>();
}
template <class T>
void PrepareHolder(std::shared_ptr<T>& v) {
  if (!v || v.use_count() != 1) v = std::make_shared<T>();
}
template <class T>
void PrepareHolder(std::shared_ptr<const T>& v) {
  v = std::make_shared<T>();
}

// The value a prepared holder holds, writable (a shared_ptr<const T> was
// just made from a fresh, non-const T by PrepareHolder).
template <class H>
auto* HeldValue(H& v) {
  return const_cast<std::remove_const_t<std::remove_reference_t<decltype(*v)>>*>(&*v);
}

}  // namespace internal

// Reads a field the IDL marks as a reference (a std::unique_ptr or
// std::shared_ptr holder) into its holder. A struct that arrives empty (its
// stop byte alone) leaves the holder null: Apache Thrift's C++ writes a null
// reference as an empty struct and reads an empty one back as null, and
// this reads its bytes the same way.
template <class Tag, class D, class H>
absl::Status ReadReference(D& d, typename D::FieldState& state, H& holder) {
  internal::PrepareHolder(holder);
  const size_t before = d.input().remaining();
  absl::Status s = ReadField<Tag>(d, state, internal::HeldValue(holder));
  if constexpr (std::is_same_v<Tag, wire::Struct>) {
    if (s.ok() && before - d.input().remaining() == 1) holder.reset();
  }
  return s;
}

namespace internal {

// Pointer-field equality for generated operator==: what they point at
// (both null is equal).
template <class T>
bool FieldEquals(const std::unique_ptr<T>& a, const std::unique_ptr<T>& b) {
  return a == nullptr || b == nullptr ? a == b : *a == *b;
}
template <class T>
bool FieldEquals(const std::shared_ptr<T>& a, const std::shared_ptr<T>& b) {
  return a == nullptr || b == nullptr ? a == b : (a == b || *a == *b);
}

// A deep copy of a unique_ptr field for generated copy constructors.
template <class T>
std::unique_ptr<T> CopyHeld(const std::unique_ptr<T>& v) {
  return v == nullptr ? nullptr : std::make_unique<T>(*v);
}

}  // namespace internal

// A default-constructed T, made once: generated readers copy a field's
// default back from it when the field is absent from the input.
template <class T>
const T& DefaultInstance() {
  static const T instance{};
  return instance;
}

// InvalidArgument("<struct_name>.<field_name>: required field missing").
absl::Status RequiredFieldMissing(std::string_view struct_name, std::string_view field_name);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_GENERATED_H_
