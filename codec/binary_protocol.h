// The Thrift Binary protocol: reader and writer.
//
// BinaryReader decodes from a LinkBuffer through an Input (fast path on
// contiguous bytes, careful path across block edges); BinaryWriter encodes
// into a LinkBuffer through an Output. Neither has a virtual call: code that
// serves both protocols is a template over the reader or writer type, and
// CompactReader/CompactWriter have exactly the same methods.
//
// Message headers: the writer writes the strict form (0x80010000 | type,
// name, seq id); the reader takes the strict form and, unless it was made
// with strict_read = true, the old non-strict form (name length, name, type
// byte, seq id).
//
// Every length and count is checked against the Limits and against the
// bytes that remain, before anything is allocated for it. Errors:
// TruncatedError (OutOfRange) when the bytes end inside a value,
// MalformedError (InvalidArgument) for bytes no valid encoder writes
// (negative lengths, unknown type ids, a bad version), LimitError
// (ResourceExhausted) when a length, count or depth breaks the Limits. After
// an error the reader's position is unspecified; drop the message.
//
// Depth: ReadStructBegin and every Read*Begin of a container count one
// level, the matching Read*End gives it back. Skip recurses once per level,
// so limits.max_depth also bounds its stack use.
//
// Example:
//   BinaryWriter w(out_buf);
//   w.WriteMessageBegin("echo", MessageType::kCall, 7);
//   w.WriteStructBegin();
//   w.WriteFieldBegin(TType::kString, 1);
//   w.WriteString("hello");
//   w.WriteFieldEnd();
//   w.WriteFieldStop();
//   w.WriteStructEnd();
//   w.WriteMessageEnd();
//   w.Finish();
//
//   BinaryReader r(in_buf, limits);
//   MessageBegin m;
//   if (absl::Status s = r.ReadMessageBegin(&m); !s.ok()) ...
//
// Thread rules: one thread per reader or writer (the reader or writer side
// of its buffer).
#ifndef VIREO_CODEC_BINARY_PROTOCOL_H_
#define VIREO_CODEC_BINARY_PROTOCOL_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "vireo/codec/input.h"
#include "vireo/codec/output.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

class BinaryReader {
 public:
  static constexpr std::string_view kName = "binary";

  BinaryReader(transport::LinkBuffer& buf, const Limits& limits, bool strict_read = false)
      : in_(buf), limits_(limits), strict_read_(strict_read) {}

  absl::Status ReadMessageBegin(MessageBegin* out);
  absl::Status ReadMessageEnd() { return absl::OkStatus(); }
  // Counts nesting depth against limits.max_depth.
  absl::Status ReadStructBegin();
  absl::Status ReadStructEnd();
  // *type == TType::kStop ends the struct (*id is then 0).
  absl::Status ReadFieldBegin(TType* type, int16_t* id);
  absl::Status ReadFieldEnd() { return absl::OkStatus(); }
  absl::Status ReadListBegin(TType* elem, uint32_t* size);
  absl::Status ReadListEnd();
  absl::Status ReadSetBegin(TType* elem, uint32_t* size);
  absl::Status ReadSetEnd();
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
  // Counts one level of nesting; LimitError past limits.max_depth.
  absl::Status EnterContainer();
  void LeaveContainer() {
    if (depth_ > 0) --depth_;
  }
  // Reads a string length: MalformedError when negative, LimitError above
  // `max`, TruncatedError when fewer bytes remain.
  absl::Status ReadLength(std::string_view what, uint32_t max, uint32_t* n);
  // Reads `count` element type ids and a container size, validates both
  // (types, sign, limits.max_container_size, remaining bytes) and enters one
  // level of nesting.
  absl::Status ReadElemHeader(std::string_view what, int count, TType* types, uint32_t* size);
  absl::Status ReadNameBody(uint32_t n, std::string* name);
  absl::Status SkipStruct();
  absl::Status SkipElems(TType type, uint64_t count);
  absl::Status Truncated(std::string_view what) const;

  Input in_;
  // A copy: a reader may be made from a temporary Limits.
  Limits limits_;
  bool strict_read_;
  uint32_t depth_ = 0;
};

class BinaryWriter {
 public:
  explicit BinaryWriter(transport::LinkBuffer& buf) : out_(buf) {}

  void WriteMessageBegin(std::string_view name, MessageType type, int32_t seq_id);
  void WriteMessageEnd() {}
  void WriteStructBegin() {}
  void WriteStructEnd() {}
  void WriteFieldBegin(TType type, int16_t id);
  void WriteFieldEnd() {}
  void WriteFieldStop() { out_.WriteByte(static_cast<uint8_t>(TType::kStop)); }
  void WriteListBegin(TType elem, uint32_t size);
  void WriteListEnd() {}
  void WriteSetBegin(TType elem, uint32_t size);
  void WriteSetEnd() {}
  void WriteMapBegin(TType key, TType value, uint32_t size);
  void WriteMapEnd() {}
  void WriteBool(bool v) { out_.WriteByte(v ? 1 : 0); }
  void WriteByte(int8_t v) { out_.WriteByte(static_cast<uint8_t>(v)); }
  void WriteI16(int16_t v) { out_.WriteBE16(static_cast<uint16_t>(v)); }
  void WriteI32(int32_t v) { out_.WriteBE32(static_cast<uint32_t>(v)); }
  void WriteI64(int64_t v) { out_.WriteBE64(static_cast<uint64_t>(v)); }
  void WriteDouble(double v);
  void WriteString(std::string_view v);
  void WriteBinary(std::string_view v) { WriteString(v); }
  void WriteUuid(const std::array<uint8_t, 16>& v) { out_.WriteBytes(v.data(), v.size()); }

  // Gives back unused reserved space; call before flushing the buffer.
  void Finish() { out_.Finish(); }
  Output& output() { return out_; }

 private:
  Output out_;
};

// ---- Implementation details: the fixed-size reads, inline ----

inline absl::Status BinaryReader::ReadBool(bool* v) {
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("bool");
  // Any nonzero byte is true, as Apache Thrift reads it.
  *v = b != 0;
  return absl::OkStatus();
}

inline absl::Status BinaryReader::ReadByte(int8_t* v) {
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("byte");
  *v = static_cast<int8_t>(b);
  return absl::OkStatus();
}

inline absl::Status BinaryReader::ReadI16(int16_t* v) {
  uint16_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE16(&u))) return Truncated("i16");
  *v = static_cast<int16_t>(u);
  return absl::OkStatus();
}

inline absl::Status BinaryReader::ReadI32(int32_t* v) {
  uint32_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE32(&u))) return Truncated("i32");
  *v = static_cast<int32_t>(u);
  return absl::OkStatus();
}

inline absl::Status BinaryReader::ReadI64(int64_t* v) {
  uint64_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE64(&u))) return Truncated("i64");
  *v = static_cast<int64_t>(u);
  return absl::OkStatus();
}

inline absl::Status BinaryReader::ReadDouble(double* v) {
  uint64_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE64(&u))) return Truncated("double");
  std::memcpy(v, &u, sizeof(u));
  return absl::OkStatus();
}

inline void BinaryWriter::WriteDouble(double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof(u));
  out_.WriteBE64(u);
}

inline void BinaryWriter::WriteString(std::string_view v) {
  char* p = out_.Reserve(4 + v.size());
  const uint32_t n = __builtin_bswap32(static_cast<uint32_t>(v.size()));
  std::memcpy(p, &n, 4);
  if (!v.empty()) std::memcpy(p + 4, v.data(), v.size());
  out_.Advance(4 + v.size());
}

}  // namespace vireo::codec

#endif  // VIREO_CODEC_BINARY_PROTOCOL_H_
