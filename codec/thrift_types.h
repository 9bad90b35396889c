// Thrift's wire vocabulary: type ids, message types, protocol ids, and the
// limits every decoder honours.
//
// Example:
//   Limits limits;                       // the defaults
//   limits.max_string_size = 1 << 20;    // 1 MiB strings at most
//   BinaryReader reader(&buf, limits);
//
// Thread rules: plain values; share freely.
#ifndef VIREO_CODEC_THRIFT_TYPES_H_
#define VIREO_CODEC_THRIFT_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vireo::codec {

// Type ids as the Binary protocol writes them (Compact maps them to its own
// nibbles).
enum class TType : uint8_t {
  kStop = 0,
  kVoid = 1,
  kBool = 2,
  kByte = 3,  // i8
  kDouble = 4,
  kI16 = 6,
  kI32 = 8,
  kI64 = 10,
  kString = 11,  // string and binary
  kStruct = 12,
  kMap = 13,
  kSet = 14,
  kList = 15,
  kUuid = 16,
};

// "bool", "i32", ... ; "unknown" for ids outside the enum.
std::string_view TTypeName(TType type);
// True for the ids a value may carry on the wire (not kStop, not kVoid).
bool IsValueType(uint8_t id);

enum class MessageType : uint8_t {
  kCall = 1,
  kReply = 2,
  kException = 3,
  kOneway = 4,
};

// Protocol ids as THeader and TTHeader carry them.
enum class ProtocolId : uint8_t {
  kBinary = 0,
  kCompact = 2,
};

// The first part of every message.
struct MessageBegin {
  std::string name;
  MessageType type = MessageType::kCall;
  int32_t seq_id = 0;
};

// Bounds on what a decoder accepts. Each violation is an error naming the
// limit and the value seen; nothing is allocated for a length or count that
// breaks a limit or that the remaining bytes cannot hold.
struct Limits {
  // Largest frame (the framing's length field). Default: 16 MiB.
  uint32_t max_frame_size = 16 * 1024 * 1024;
  // Largest string or binary value. Default: 16 MiB.
  uint32_t max_string_size = 16 * 1024 * 1024;
  // Most elements in one list, set or map. Default: 1,048,576.
  uint32_t max_container_size = 1024 * 1024;
  // Deepest nesting of structs and containers. Default: 64.
  uint32_t max_depth = 64;
  // Largest payload after a zlib transform is undone. Default: 16 MiB.
  uint32_t max_inflated_size = 16 * 1024 * 1024;
};

// ResourceExhausted("<limit> exceeded: <what> is <seen>, the limit is <limit>").
absl::Status LimitError(std::string_view limit, std::string_view what, uint64_t seen,
                        uint64_t max);
// InvalidArgument("malformed <protocol> input: <what>").
absl::Status MalformedError(std::string_view protocol, std::string_view what);
// OutOfRange("truncated <protocol> input: <what>") -- the bytes ended inside
// a value. Decoders see whole frames, so this is an error, not "wait".
absl::Status TruncatedError(std::string_view protocol, std::string_view what);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_THRIFT_TYPES_H_
