// The Thrift Compact protocol: reader and writer.
//
// CompactReader and CompactWriter have exactly the methods of BinaryReader
// and BinaryWriter, so code that serves both protocols is a template over
// the reader or writer type, with no virtual call.
//
// The encoding, as Apache Thrift's TCompactProtocol writes it:
// - message header: 0x82, then (version 1 | message type << 5), the sequence
//   id as a varint, the name as a varint length and bytes;
// - i16, i32 and i64 as zigzag varints; double as 8 bytes little-endian;
//   string and binary as a varint length and bytes; uuid as 16 bytes (type
//   nibble 13, as the Compact spec assigns it; libthrift 0.17 predates it);
// - field header: one byte, the type nibble low and the id's delta from the
//   previous field of the same struct high when that delta is 1..15; else
//   the type byte and the id as a zigzag varint. A bool field's value is its
//   type nibble (1 true, 2 false): WriteFieldBegin(kBool, id) holds the
//   header back until WriteBool, and ReadFieldBegin keeps the value for the
//   ReadBool that follows;
// - list and set header: the size in the high nibble when below 15, else
//   0xF there and the size as a varint after; bool elements are bytes,
//   1 true and 2 false (0 is read as false too);
// - map header: the size as a varint, then a byte of key and value type
//   nibbles only when the size is not 0. For an empty map ReadMapBegin gives
//   kStop as both types.
//
// Limits and errors are those of BinaryReader (see binary_protocol.h);
// besides, a varint longer than 10 bytes (5 for 32-bit values) or beyond
// its type's range is a MalformedError, and so is a type nibble no type
// has (named in the message).
//
// Example:
//   CompactWriter w(out_buf);
//   w.WriteMessageBegin("echo", MessageType::kCall, 7);
//   w.WriteStructBegin();
//   w.WriteFieldBegin(TType::kBool, 1);
//   w.WriteBool(true);                     // one byte: 0x11
//   w.WriteFieldEnd();
//   w.WriteFieldStop();
//   w.WriteStructEnd();
//   w.WriteMessageEnd();
//   w.Finish();
//
//   CompactReader r(in_buf, limits);
//   MessageBegin m;
//   if (absl::Status s = r.ReadMessageBegin(&m); !s.ok()) ...
//
// Thread rules: one thread per reader or writer (the reader or writer side
// of its buffer).
#ifndef VIREO_CODEC_COMPACT_PROTOCOL_H_
#define VIREO_CODEC_COMPACT_PROTOCOL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "vireo/codec/input.h"
#include "vireo/codec/output.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// Compact's type nibble for `type` (bool: 1, as in collection headers; a
// bool field's header carries its value instead); 0 for ids that have none.
constexpr uint8_t CompactTypeNibble(TType type) {
  switch (type) {
    case TType::kBool:
      return 1;
    case TType::kByte:
      return 3;
    case TType::kI16:
      return 4;
    case TType::kI32:
      return 5;
    case TType::kI64:
      return 6;
    case TType::kDouble:
      return 7;
    case TType::kString:
      return 8;
    case TType::kList:
      return 9;
    case TType::kSet:
      return 10;
    case TType::kMap:
      return 11;
    case TType::kStruct:
      return 12;
    case TType::kUuid:
      return 13;
    default:
      return 0;
  }
}

namespace internal {

// The last field id of each enclosing struct, for Compact's field-id
// deltas. Shallow nesting costs no allocation.
class FieldIdStack {
 public:
  void Push(int16_t id) {
    if (size_ < kInline) {
      inline_[size_] = id;
    } else {
      spill_.push_back(id);
    }
    ++size_;
  }
  // 0 when empty (an unbalanced End).
  int16_t Pop() {
    if (ABSL_PREDICT_FALSE(size_ == 0)) return 0;
    --size_;
    if (size_ < kInline) return inline_[size_];
    const int16_t id = spill_.back();
    spill_.pop_back();
    return id;
  }

 private:
  static constexpr size_t kInline = 64;
  int16_t inline_[kInline];
  size_t size_ = 0;
  std::vector<int16_t> spill_;
};

inline uint32_t ZigzagEncode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t ZigzagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int32_t ZigzagDecode32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline int64_t ZigzagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

}  // namespace internal

class CompactReader {
 public:
  static constexpr std::string_view kName = "compact";

  CompactReader(transport::LinkBuffer& buf, const Limits& limits) : in_(buf), limits_(limits) {}

  absl::Status ReadMessageBegin(MessageBegin* out);
  absl::Status ReadMessageEnd() { return absl::OkStatus(); }
  // Counts nesting depth against limits.max_depth.
  absl::Status ReadStructBegin();
  absl::Status ReadStructEnd();
  // *type == TType::kStop ends the struct (*id is then 0). For a bool field
  // the value came with the header; the next ReadBool (or Skip) returns it.
  absl::Status ReadFieldBegin(TType* type, int16_t* id);
  absl::Status ReadFieldEnd() { return absl::OkStatus(); }
  absl::Status ReadListBegin(TType* elem, uint32_t* size);
  absl::Status ReadListEnd();
  absl::Status ReadSetBegin(TType* elem, uint32_t* size);
  absl::Status ReadSetEnd();
  // For an empty map *key and *value are kStop: Compact does not send them.
  absl::Status ReadMapBegin(TType* key, TType* value, uint32_t* size);
  absl::Status ReadMapEnd();
  absl::Status ReadBool(bool* v);
  absl::Status ReadByte(int8_t* v);
  absl::Status ReadI16(int16_t* v);
  absl::Status ReadI32(int32_t* v);
  absl::Status ReadI64(int64_t* v);
  absl::Status ReadDouble(double* v);
  absl::Status ReadString(std::string* v);
  absl::Status ReadBinary(std::string* v) { return ReadString(v); }
  // A binary value as a slice of the received blocks (no copy).
  absl::Status ReadBinary(transport::LinkBuffer* v);
  // A uuid: 16 bytes in RFC 4122 order.
  absl::Status ReadUuid(std::array<uint8_t, 16>* v);
  // Skips one value of `type`, however deep (within limits.max_depth).
  // MalformedError for kStop, kVoid and ids that are not types.
  absl::Status Skip(TType type);

  Input& input() { return in_; }
  const Limits& limits() const { return limits_; }

 private:
  absl::Status EnterContainer();
  void LeaveContainer() {
    if (depth_ > 0) --depth_;
  }
  // Unsigned LEB128 of at most `max_bytes` bytes (5 or 10).
  absl::Status ReadVarint32(std::string_view what, uint32_t* v);
  absl::Status ReadVarint64(std::string_view what, uint64_t* v);
  absl::Status ReadVarintSlow(std::string_view what, int max_bytes, uint64_t* v);
  absl::Status ReadLength(std::string_view what, uint32_t* n);
  // Checks a container size (sign, limits, remaining bytes for elements of
  // at least `min_elem` bytes) and enters one level of nesting.
  absl::Status CheckContainer(std::string_view what, uint32_t size, uint64_t min_elem);
  absl::Status ReadCollectionHeader(std::string_view what, TType* elem, uint32_t* size);
  absl::Status SkipStruct();
  absl::Status SkipElems(TType type, uint64_t count);
  absl::Status Truncated(std::string_view what) const;

  Input in_;
  // A copy: a reader may be made from a temporary Limits.
  Limits limits_;
  uint32_t depth_ = 0;
  int16_t last_field_id_ = 0;
  // A bool field's value, read with its header and not yet returned.
  bool bool_pending_ = false;
  bool bool_value_ = false;
  internal::FieldIdStack field_ids_;
};

class CompactWriter {
 public:
  explicit CompactWriter(transport::LinkBuffer& buf) : out_(buf) {}

  void WriteMessageBegin(std::string_view name, MessageType type, int32_t seq_id);
  void WriteMessageEnd() {}
  void WriteStructBegin() {
    field_ids_.Push(last_field_id_);
    last_field_id_ = 0;
  }
  void WriteStructEnd() { last_field_id_ = field_ids_.Pop(); }
  // A bool field's header waits for WriteBool, which carries the value.
  void WriteFieldBegin(TType type, int16_t id);
  void WriteFieldEnd() {}
  void WriteFieldStop() { out_.WriteByte(0); }
  void WriteListBegin(TType elem, uint32_t size);
  void WriteListEnd() {}
  void WriteSetBegin(TType elem, uint32_t size) { WriteListBegin(elem, size); }
  void WriteSetEnd() {}
  void WriteMapBegin(TType key, TType value, uint32_t size);
  void WriteMapEnd() {}
  void WriteBool(bool v);
  void WriteByte(int8_t v) { out_.WriteByte(static_cast<uint8_t>(v)); }
  void WriteI16(int16_t v) { out_.WriteVarint(internal::ZigzagEncode32(v)); }
  void WriteI32(int32_t v) { out_.WriteVarint(internal::ZigzagEncode32(v)); }
  void WriteI64(int64_t v) { out_.WriteVarint(internal::ZigzagEncode64(v)); }
  void WriteDouble(double v) {
    uint64_t u;
    std::memcpy(&u, &v, sizeof(u));
    out_.WriteLE64(u);
  }
  void WriteString(std::string_view v);
  void WriteBinary(std::string_view v) { WriteString(v); }
  void WriteUuid(const std::array<uint8_t, 16>& v) { out_.WriteBytes(v.data(), v.size()); }

  // Gives back unused reserved space; call before flushing the buffer.
  void Finish() { out_.Finish(); }
  Output& output() { return out_; }

 private:
  void WriteFieldHeader(uint8_t nibble, int16_t id);

  Output out_;
  int16_t last_field_id_ = 0;
  bool bool_field_pending_ = false;
  int16_t bool_field_id_ = 0;
  internal::FieldIdStack field_ids_;
};

// ---- Implementation details: the common reads, inline ----

namespace internal {

// Decodes an unsigned LEB128 varint of at most kMaxBytes (5 or 10) from p,
// which must have at least 10 readable bytes. Returns the bytes used, or 0
// when the varint is longer than kMaxBytes or overflows its 32 or 64 bits.
// The length comes from the stop bits of one 8-byte load rather than a
// branch per byte, so values of mixed lengths cost no mispredictions.
template <int kMaxBytes>
inline size_t DecodeVarint(const char* p, uint64_t* v) {
  uint64_t x;
  std::memcpy(&x, p, 8);  // little-endian, as Input and Output assume
  const uint64_t stops = ~x & 0x8080808080808080ULL;
  if (ABSL_PREDICT_TRUE(stops != 0)) {
    const size_t len = static_cast<size_t>(__builtin_ctzll(stops) + 1) / 8;
    x &= stops ^ (stops - 1);  // drop the bytes after the last one
    // Squeeze out the continuation bits: 7-bit groups to 14, 28, 56 bits.
    x = ((x & 0x7f007f007f007f00ULL) >> 1) | (x & 0x007f007f007f007fULL);
    x = ((x & 0x3fff00003fff0000ULL) >> 2) | (x & 0x00003fff00003fffULL);
    x = ((x & 0x0fffffff00000000ULL) >> 4) | (x & 0x000000000fffffffULL);
    if (kMaxBytes == 5 && ABSL_PREDICT_FALSE(len > 5 || x > 0xffffffffULL)) return 0;
    *v = x;
    return len;
  }
  if (kMaxBytes == 5) return 0;
  // 9 or 10 bytes: the first 8 carry 56 bits.
  x &= 0x7f7f7f7f7f7f7f7fULL;
  x = ((x & 0x7f007f007f007f00ULL) >> 1) | (x & 0x007f007f007f007fULL);
  x = ((x & 0x3fff00003fff0000ULL) >> 2) | (x & 0x00003fff00003fffULL);
  x = ((x & 0x0fffffff00000000ULL) >> 4) | (x & 0x000000000fffffffULL);
  const auto b8 = static_cast<uint8_t>(p[8]);
  x |= uint64_t{b8 & 0x7fu} << 56;
  if (b8 < 0x80) {
    *v = x;
    return 9;
  }
  const auto b9 = static_cast<uint8_t>(p[9]);
  if (ABSL_PREDICT_FALSE(b9 > 1)) return 0;  // an 11th byte, or bits past 64
  *v = x | uint64_t{b9} << 63;
  return 10;
}

}  // namespace internal

inline absl::Status CompactReader::ReadVarint32(std::string_view what, uint32_t* v) {
  const std::string_view run = in_.Contiguous();
  if (ABSL_PREDICT_TRUE(run.size() >= 10)) {
    uint64_t u;
    const size_t n = internal::DecodeVarint<5>(run.data(), &u);
    if (ABSL_PREDICT_TRUE(n != 0)) {
      *v = static_cast<uint32_t>(u);
      in_.Advance(n);
      return absl::OkStatus();
    }
  }
  uint64_t u = 0;
  absl::Status s = ReadVarintSlow(what, 5, &u);
  *v = static_cast<uint32_t>(u);
  return s;
}

inline absl::Status CompactReader::ReadVarint64(std::string_view what, uint64_t* v) {
  const std::string_view run = in_.Contiguous();
  if (ABSL_PREDICT_TRUE(run.size() >= 10)) {
    const size_t n = internal::DecodeVarint<10>(run.data(), v);
    if (ABSL_PREDICT_TRUE(n != 0)) {
      in_.Advance(n);
      return absl::OkStatus();
    }
  }
  return ReadVarintSlow(what, 10, v);
}

inline absl::Status CompactReader::ReadByte(int8_t* v) {
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("byte");
  *v = static_cast<int8_t>(b);
  return absl::OkStatus();
}

inline absl::Status CompactReader::ReadI32(int32_t* v) {
  uint32_t u;
  absl::Status s = ReadVarint32("i32", &u);
  *v = internal::ZigzagDecode32(u);
  return s;
}

inline absl::Status CompactReader::ReadI64(int64_t* v) {
  uint64_t u;
  absl::Status s = ReadVarint64("i64", &u);
  *v = internal::ZigzagDecode64(u);
  return s;
}

inline absl::Status CompactReader::ReadDouble(double* v) {
  uint64_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadLE64(&u))) return Truncated("double");
  std::memcpy(v, &u, sizeof(u));
  return absl::OkStatus();
}

inline void CompactWriter::WriteString(std::string_view v) {
  char* const start = out_.Reserve(5 + v.size());
  char* p = start;
  uint32_t n = static_cast<uint32_t>(v.size());
  while (n >= 0x80) {
    *p++ = static_cast<char>(n | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  if (!v.empty()) std::memcpy(p, v.data(), v.size());
  out_.Advance(static_cast<size_t>(p - start) + v.size());
}

}  // namespace vireo::codec

#endif  // VIREO_CODEC_COMPACT_PROTOCOL_H_
