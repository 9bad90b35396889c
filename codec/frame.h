// Frames: how Thrift messages are delimited on a byte stream, and the
// per-frame metadata that the header framings carry.
//
// Four framings (wire layouts in docs/protocols.md):
// - Buffered: the bare message. Its end is found by walking it
//   (MessageScanner, codec/message_scanner.h).
// - Framed: a u32 big-endian length, then the message.
// - THeader (Apache Thrift / fbthrift, magic 0x0FFF) and TTHeader (Kitex,
//   magic 0x1000): a u32 length, magic, flags, sequence id and header size,
//   a header section (protocol id, transforms, key/values), then the
//   payload, possibly zlib-compressed. Both decode into one FrameHeader and
//   encode from it; codec/theader.h and codec/ttheader.h hold their header
//   sections.
//
// Decoding never copies a payload: it is a slice of the received blocks
// (unless a zlib transform had to be undone). Encoding writes the framing
// bytes in place and links the payload's blocks behind them.
//
// Example:
//   FrameHeader h;
//   h.framing = Framing::kTTHeader;
//   h.seq_id = 7;
//   h.headers.emplace_back("biz-status", "0");
//   if (absl::Status s = EncodeFrame(h, std::move(payload), out); !s.ok()) ...
//   out.Flush();
//
//   absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTTHeader, in, limits);
//   if (!f.ok()) return f.status();         // malformed: close the connection
//   if (!f->has_value()) return wait_for_more_bytes();
//   Handle((*f)->header, std::move((*f)->payload));
//
// Thread rules: DecodeFrame is the reader side of `in`, EncodeFrame the
// writer side of `out`; a FrameHeader or Frame is a plain value. A
// FrameDecoder belongs to one thread.
#ifndef VIREO_CODEC_FRAME_H_
#define VIREO_CODEC_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codec/message_scanner.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

enum class Framing : uint8_t {
  kBuffered,  // the bare message
  kFramed,    // u32 length + message
  kTHeader,   // Apache Thrift / fbthrift header, magic 0x0FFF
  kTTHeader,  // Kitex header, magic 0x1000
};

// "Buffered", "Framed", "THeader", "TTHeader".
std::string_view FramingName(Framing framing);

// THeader and TTHeader: frames with a header (sequence id, key/values), whose
// replies may come in any order.
constexpr bool IsHeaderFraming(Framing f) {
  return f == Framing::kTHeader || f == Framing::kTTHeader;
}

// Bytes 4-5 of a header frame.
inline constexpr uint16_t kTHeaderMagic = 0x0FFF;
inline constexpr uint16_t kTTHeaderMagic = 0x1000;
// Length, magic, flags, sequence id and header size: the bytes before a
// header frame's header section.
inline constexpr size_t kHeaderPreambleSize = 14;
// The largest length field a header frame may carry (Apache and Kitex agree).
inline constexpr uint32_t kMaxHeaderFrameLength = 0x3FFFFFFF;
// Transform ids (a varint in THeader, a u8 in TTHeader). zlib is the only
// one Vireo implements; the others are named in errors.
inline constexpr uint16_t kZlibTransform = 1;
// "zlib", "hmac", "snappy", "qlz", "zstd" for the transform ids fbthrift
// defines (1-5), "unknown" for others; for error messages.
std::string_view TransformName(uint16_t id);
// The most transforms one header frame may list. Senders apply zlib once,
// if at all; but undoing each transform listed is a pass over the whole
// payload, and a THeader section has room for 262,140 of them, so without
// this bound a 3 MB frame of nested zlib streams would keep a decoder busy
// for many minutes.
inline constexpr size_t kMaxTransforms = 8;
// Header flags (TTHeader's; fbthrift gives 0x01 the same meaning).
inline constexpr uint16_t kFlagSupportOutOfOrder = 0x01;
inline constexpr uint16_t kFlagStreaming = 0x02;

// What a frame says besides its payload, for every framing. Framed and
// Buffered frames carry only `framing` and `protocol`; the rest is for the
// header framings, and the sequence id of those is the frame's, which a
// multiplexing peer sets to the message's.
// A header frame's string key/values, and TTHeader's integer-keyed ones.
// The first few live inline (a Vireo client sends two strings on THeader,
// three or four integer keys on TTHeader), so a call's headers cost no
// allocation of their own.
using StringHeaders = absl::InlinedVector<std::pair<std::string, std::string>, 2>;
using IntHeaders = absl::InlinedVector<std::pair<uint16_t, std::string>, 4>;

struct FrameHeader {
  Framing framing = Framing::kFramed;
  // Protocol of the payload. Header framings carry it; for Framed and
  // Buffered frames the decoder reads it off the message's first byte
  // (0x82: Compact, else Binary) and the encoder ignores it.
  ProtocolId protocol = ProtocolId::kBinary;
  // Header flags, e.g. kFlagSupportOutOfOrder.
  uint16_t flags = 0;
  uint32_t seq_id = 0;
  // Transform ids in the order the sender applied them; decoding undoes
  // them in reverse (the payload comes out plain), encoding applies them.
  std::vector<uint16_t> transforms;
  // String key/values (info block 0x01 in both header framings), in wire
  // order; duplicates are kept as sent.
  StringHeaders headers;
  // TTHeader only: integer-keyed values (info block 0x10), in wire order.
  // Keys as Kitex numbers them: codec/ttheader.h.
  IntHeaders int_headers;
  // TTHeader only: the ACL token (info block 0x11). Empty: none.
  std::string acl_token;

  // The value of the first string header named `key`, or nullptr.
  const std::string* FindHeader(std::string_view key) const;
  // The value of the first int header with `key`, or nullptr.
  const std::string* FindIntHeader(uint16_t key) const;

  bool operator==(const FrameHeader&) const = default;
};

struct Frame {
  FrameHeader header;
  // The message: a slice of the input's blocks (no copy), or a new buffer
  // holding the inflated bytes when the frame was zlib-compressed.
  transport::LinkBuffer payload;
};

// Decodes the next frame of `framing` at the read position of `in`.
// - A whole frame: consumes it and returns it.
// - Not enough bytes yet (for any prefix of a valid frame): std::nullopt,
//   with nothing consumed. Reads only published bytes, never past Len().
// - Bytes that no valid frame starts with: an error that names the framing,
//   the field and the value seen, as soon as the bytes that prove it are
//   in; nothing is consumed. ResourceExhausted (LimitError) for a length
//   over limits.max_frame_size or a payload inflating past
//   limits.max_inflated_size; InvalidArgument (MalformedError) for the rest:
//   a negative or too short length, wrong magic, a header size running past
//   the frame, an unknown protocol id or transform, a bad varint, an info
//   block running past the header section, an unknown TTHeader info id, a
//   corrupt zlib stream, more than kMaxTransforms transforms.
// For Buffered framing this rescans the message from its start on every
// call; a connection should hold a FrameDecoder instead, which resumes.
absl::StatusOr<std::optional<Frame>> DecodeFrame(Framing framing, transport::LinkBuffer& in,
                                                 const Limits& limits);

// Writes the frame for `header` and `payload` (a whole Binary or Compact
// message) to the end of `out`: the framing bytes in place, then the
// payload's blocks linked without a copy (or its deflated form, when
// header.transforms asks for zlib). The caller flushes `out`.
// InvalidArgument, with nothing written, when the header cannot be encoded:
// transforms on Framed or Buffered, a transform other than zlib, int
// headers or an ACL token in THeader, a TTHeader count, string or transform
// id over its field's width, a header section over its limit (THeader
// 262,140 bytes, TTHeader 65,536), more than kMaxTransforms transforms, or
// a frame length over kMaxHeaderFrameLength (Framed: 2^31 - 1).
absl::Status EncodeFrame(const FrameHeader& header, transport::LinkBuffer&& payload,
                         transport::LinkBuffer& out);

// DecodeFrame for one connection's byte stream: for Buffered framing it
// keeps the MessageScanner's progress between calls, so a message that
// arrives a byte at a time is examined once, not once per arrival.
class FrameDecoder {
 public:
  // `limits` is copied.
  FrameDecoder(Framing framing, const Limits& limits);

  // As DecodeFrame; after a whole frame, also releases the blocks `in` has
  // finished with (invalidating views into them), so the frame's slice
  // holds the only references: a large message's memory goes when its
  // frame does, not when the connection next reads. For Buffered framing
  // an error sticks: later calls return it again until Reset() (the stream
  // is unusable anyway).
  absl::StatusOr<std::optional<Frame>> Decode(transport::LinkBuffer& in);
  // Forgets a partly scanned Buffered message.
  void Reset();

  Framing framing() const { return framing_; }

 private:
  Framing framing_;
  Limits limits_;
  MessageScanner scanner_;
};

}  // namespace vireo::codec

#endif  // VIREO_CODEC_FRAME_H_
