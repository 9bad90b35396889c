// MessageScanner: where does a Buffered (unframed) message end?
//
// A Buffered peer sends bare messages with no length in front, so the only
// way to know that a whole message has arrived is to walk its structure:
// the message header, then the argument struct with its fields, strings and
// nested containers. The scanner does that walk without consuming or
// copying anything, and without decoding values: it reads only the bytes
// that shape the message (types, lengths, counts, varints) and jumps over
// the rest (fixed-size values, string bodies, lists of fixed-size elements).
//
// It is resumable. Between calls it keeps its position and an explicit
// stack (one entry per open struct or container, with the elements left),
// so each call examines only bytes it has not examined before: a message
// trickling in a byte at a time costs one pass, not one pass per byte.
//
// It takes Binary messages, strict (0x8001 version word) or not (name
// length first), and Compact messages (0x82), telling them apart by the
// first byte.
//
// Example:
//   MessageScanner scanner(limits);
//   absl::StatusOr<std::optional<size_t>> n = scanner.Scan(in);
//   if (!n.ok()) return n.status();          // malformed: close
//   if (!n->has_value()) return;             // wait for more bytes
//   transport::LinkBuffer message = *in.Slice(**n);
//   scanner.Reset();                         // ready for the next message
//
// Thread rules: one thread; Scan is a reader-side use of its buffer.
#ifndef VIREO_CODEC_MESSAGE_SCANNER_H_
#define VIREO_CODEC_MESSAGE_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

class MessageScanner {
 public:
  // `limits` is copied. max_frame_size bounds the whole message;
  // max_string_size, max_container_size and max_depth bound what they name.
  explicit MessageScanner(const Limits& limits = Limits());

  // Looks at the readable bytes of `in` from its read position, which must
  // be where the message starts and must not move until Reset(); more bytes
  // may be appended between calls. Consumes nothing.
  // - The message is complete: its size in bytes (the next message, if any,
  //   starts right after). Repeated calls return the same size.
  // - More bytes are needed: std::nullopt.
  // - The bytes cannot be a valid message: InvalidArgument (MalformedError:
  //   bad version, message type, field or element type, negative length, a
  //   varint over 5 bytes (10 for an i64) or past 32 bits) or
  //   ResourceExhausted (LimitError naming the
  //   limit and the value seen). The scanner then stays failed until Reset().
  absl::StatusOr<std::optional<size_t>> Scan(const transport::LinkBuffer& in);

  // Forgets the message scanned so far (call after taking a message out of
  // the buffer, or to start over).
  void Reset();

  // The message's protocol, known once its first byte has been seen.
  std::optional<ProtocolId> protocol() const;

  // Bytes examined since construction or the last Reset() (bytes jumped
  // over are not counted). For tests that check a slow sender costs one
  // pass.
  size_t bytes_examined() const { return examined_; }

 private:
  enum class Step : uint8_t;
  enum class Outcome : uint8_t;
  class Window;
  struct Level {
    enum class Kind : uint8_t { kStruct, kList, kMap };
    Kind kind;
    TType elem;     // list/set element or map key
    TType value;    // map value
    uint64_t left;  // list: elements left; map: keys plus values left
  };

  Outcome Run();
  Outcome Next();
  Outcome Value();
  Outcome BeginStruct();
  Outcome BeginContainer(Level::Kind kind, uint8_t elem, uint8_t value, uint64_t size);
  bool Collect(size_t n);
  // max_bytes: 5 for a 32-bit value (which must then fit 32 bits), 10 for
  // a 64-bit one.
  Outcome CollectVarint(const char* what, size_t max_bytes = 5);
  uint64_t TokenVarint() const;
  void Jump(uint64_t n) { pos_ += n; }
  void ClearToken() { token_len_ = 0; }
  Outcome Fail(absl::Status status);
  const char* protocol_name() const;

  Limits limits_;
  Step step_;
  bool compact_ = false;
  bool strict_ = false;
  // Offset from the read position of the next byte to examine. After a
  // jump it may lie beyond the bytes received so far.
  uint64_t pos_ = 0;
  size_t examined_ = 0;
  // The bytes of the token being collected (a length, a header, a varint),
  // kept across calls when it straddles an arrival.
  uint8_t token_[10];
  uint8_t token_len_ = 0;
  // The value about to start (Step::kValue) and what a multi-part Compact
  // container header has read so far.
  TType value_type_ = TType::kStop;
  uint8_t pending_elem_ = 0;
  uint64_t pending_size_ = 0;
  std::vector<Level> stack_;
  absl::Status status_;
  Window* window_ = nullptr;  // valid during Scan only
};

}  // namespace vireo::codec

#endif  // VIREO_CODEC_MESSAGE_SCANNER_H_
