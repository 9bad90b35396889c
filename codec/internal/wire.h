// Wire facts shared by the codec's readers, writers and the Buffered
// message scanner: per-type sizes, Compact's type nibbles, and small helpers.
// Internal to codec/.
#ifndef VIREO_CODEC_INTERNAL_WIRE_H_
#define VIREO_CODEC_INTERNAL_WIRE_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "vireo/codec/thrift_types.h"

// Returns the status of `expr` from the enclosing function when it is not OK.
#define VIREO_RETURN_IF_ERROR(expr)                                    \
  do {                                                                 \
    absl::Status vireo_status_ = (expr);                               \
    if (ABSL_PREDICT_FALSE(!vireo_status_.ok())) return vireo_status_; \
  } while (0)

namespace vireo::codec::internal {

// Debian's abseil has its own string_view; absl::StrCat takes only that.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline bool IsMessageType(uint32_t t) { return t >= 1 && t <= 4; }

inline constexpr uint8_t kCompactProtocolId = 0x82;
inline constexpr uint8_t kCompactVersion = 1;

// The fewest bytes one Binary value of `type` takes: a container of n such
// values needs at least n times this many.
inline uint64_t BinaryMinSize(TType type) {
  switch (type) {
    case TType::kBool:
    case TType::kByte:
      return 1;
    case TType::kI16:
      return 2;
    case TType::kI32:
      return 4;
    case TType::kI64:
    case TType::kDouble:
      return 8;
    case TType::kString:
      return 4;  // the length
    case TType::kStruct:
      return 1;  // the stop byte
    case TType::kList:
    case TType::kSet:
      return 5;  // element type and count
    case TType::kMap:
      return 6;  // key type, value type and count
    case TType::kUuid:
      return 16;
    default:
      return 1;
  }
}

// The size of every Binary value of `type` when it is fixed, else 0.
inline uint64_t BinaryFixedSize(TType type) {
  switch (type) {
    case TType::kBool:
    case TType::kByte:
      return 1;
    case TType::kI16:
      return 2;
    case TType::kI32:
      return 4;
    case TType::kI64:
    case TType::kDouble:
      return 8;
    case TType::kUuid:
      return 16;
    default:
      return 0;
  }
}

// The fewest bytes one Compact value of `type` takes.
inline uint64_t CompactMinSize(TType type) {
  switch (type) {
    case TType::kDouble:
      return 8;
    case TType::kUuid:
      return 16;
    default:
      return 1;  // a byte, a varint, a length, a stop byte or a header
  }
}

// The size of every Compact value of `type` when it is fixed, else 0.
// (A bool container element is one byte; a bool field's value lives in its
// field header.)
inline uint64_t CompactFixedSize(TType type) {
  switch (type) {
    case TType::kBool:
    case TType::kByte:
      return 1;
    case TType::kDouble:
      return 8;
    case TType::kUuid:
      return 16;
    default:
      return 0;
  }
}

// The type a Compact type nibble names (1 and 2 are bool true and false);
// kStop for 0, 14 and 15, which name none.
inline TType CompactTypeOf(uint8_t nibble) {
  static constexpr TType kTypeOf[14] = {
      TType::kStop, TType::kBool, TType::kBool,   TType::kByte,   TType::kI16,
      TType::kI32,  TType::kI64,  TType::kDouble, TType::kString, TType::kList,
      TType::kSet,  TType::kMap,  TType::kStruct, TType::kUuid,
  };
  return nibble < 14 ? kTypeOf[nibble] : TType::kStop;
}

// What Binary and Compact readers do alike, written once over their public
// methods (Reader is BinaryReader or CompactReader; no virtual calls).

// Skips a struct's fields up to and including its stop.
template <typename Reader>
absl::Status SkipStruct(Reader& r) {
  VIREO_RETURN_IF_ERROR(r.ReadStructBegin());
  while (true) {
    TType type;
    int16_t id;
    VIREO_RETURN_IF_ERROR(r.ReadFieldBegin(&type, &id));
    if (type == TType::kStop) break;
    VIREO_RETURN_IF_ERROR(r.Skip(type));
  }
  return r.ReadStructEnd();
}

// Skips `count` elements of `type`, in one step when each takes
// `fixed_size` bytes (0: sizes vary, skip one by one).
template <typename Reader>
absl::Status SkipElems(Reader& r, uint64_t fixed_size, TType type, uint64_t count) {
  if (fixed_size != 0) {
    if (ABSL_PREDICT_FALSE(!r.input().Skip(count * fixed_size))) {
      return TruncatedError(Reader::kName, TTypeName(type));
    }
    return absl::OkStatus();
  }
  for (uint64_t i = 0; i < count; ++i) VIREO_RETURN_IF_ERROR(r.Skip(type));
  return absl::OkStatus();
}

// A uuid is its 16 bytes in both protocols.
template <typename Reader>
absl::Status ReadUuid(Reader& r, std::array<uint8_t, 16>* v) {
  if (ABSL_PREDICT_FALSE(!r.input().ReadBytes(reinterpret_cast<char*>(v->data()), v->size()))) {
    return TruncatedError(Reader::kName, "uuid");
  }
  return absl::OkStatus();
}

}  // namespace vireo::codec::internal

#endif  // VIREO_CODEC_INTERNAL_WIRE_H_
