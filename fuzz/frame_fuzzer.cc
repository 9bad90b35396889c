// Fuzz target: protocol detection and frame decoding, as a connection sees
// them (codec/detect.h, codec/frame.h FrameDecoder, codec/theader.h,
// codec/ttheader.h, codec/zlib_transform.h), then the message header and the
// argument struct of every frame (BinaryReader / CompactReader).
//
// Input: one mode byte, then the bytes of the stream.
//   mode & 7 in 0..3  a server connection: Detect() on the first bytes, then
//                     a FrameDecoder of the detected framing;
//   mode & 7 = 4..7   a client connection of a fixed framing: Buffered,
//                     Framed, THeader, TTHeader (no detection).
//
// The stream is fed twice: in one piece, and in random chunks that each end
// a block (fuzz_util.h), calling Detect/Decode after every chunk as the
// server does after every read. Checks, besides "no crash, no leak, no
// unbounded allocation" under the default codec::Limits:
// - both feeds detect the same thing and decode the same frames (headers
//   and payload bytes), and end in the same state (error code, bytes left);
// - every frame decoded re-encodes (EncodeFrame, when the header can be
//   encoded) into bytes that decode back to the same header and payload.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fuzz/fuzz_util.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/detect.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::fuzz {
namespace {

using codec::Framing;
using codec::ProtocolId;
using transport::LinkBuffer;

// Frames whose payload is larger than this skip the re-encoding check:
// deflating megabytes of inflated payload under the sanitizers would take
// most of a run's time and find nothing new.
constexpr size_t kMaxRoundTripPayload = 1 << 20;
// Largest chunk of the split feed.
constexpr size_t kMaxChunk = 512;

struct DecodedFrame {
  codec::FrameHeader header;
  std::string payload;
  absl::StatusCode message_code = absl::StatusCode::kOk;
  codec::MessageBegin message;
  absl::StatusCode args_code = absl::StatusCode::kOk;

  bool operator==(const DecodedFrame& o) const {
    return header == o.header && payload == o.payload && message_code == o.message_code &&
           message.name == o.message.name && message.type == o.message.type &&
           message.seq_id == o.message.seq_id && args_code == o.args_code;
  }
};

struct Observed {
  std::optional<codec::Detected> detected;
  std::vector<DecodedFrame> frames;
  // kOk: the stream ended waiting for more bytes (or cleanly); else the
  // error that would close the connection.
  absl::StatusCode end = absl::StatusCode::kOk;
  // Bytes not consumed, counting those of chunks never fed.
  size_t left = 0;
};

// EncodeFrame(header, payload), then DecodeFrame: the same header and
// payload must come back.
void CheckRoundTrip(const codec::FrameHeader& header, const std::string& payload) {
  if (payload.size() > kMaxRoundTripPayload) return;
  LinkBuffer wire;
  if (!codec::EncodeFrame(header, Plain(payload), wire).ok()) return;
  wire.Flush();
  codec::Limits limits;
  // The deflated form of a payload may be longer than the frame it came in.
  limits.max_frame_size = std::numeric_limits<uint32_t>::max();
  absl::StatusOr<std::optional<codec::Frame>> again =
      codec::DecodeFrame(header.framing, wire, limits);
  VIREO_FUZZ_CHECK(again.ok(),
                   "re-encoded frame fails to decode: " + std::string(again.status().message()));
  VIREO_FUZZ_CHECK(again->has_value(), "re-encoded frame is incomplete");
  VIREO_FUZZ_CHECK(wire.Len() == 0, "re-encoded frame leaves bytes behind");
  VIREO_FUZZ_CHECK((*again)->header == header, "re-encoded frame header differs");
  VIREO_FUZZ_CHECK((*again)->payload.ReadableCopy() == payload, "re-encoded frame payload differs");
}

// What the server does with a frame: read the message header, then the
// argument struct (here: skip it).
DecodedFrame Handle(codec::Frame& frame, const codec::Limits& limits, bool round_trip) {
  DecodedFrame d;
  d.header = frame.header;
  d.payload = frame.payload.ReadableCopy();
  if (round_trip) CheckRoundTrip(frame.header, d.payload);
  // Apache's THeader client flushes empty frames on close; the server
  // ignores them.
  if (frame.header.framing == Framing::kTHeader && d.payload.empty()) return d;
  absl::Status s;
  if (frame.header.protocol == ProtocolId::kCompact) {
    codec::CompactReader r(frame.payload, limits);
    s = r.ReadMessageBegin(&d.message);
    if (s.ok()) d.args_code = r.Skip(codec::TType::kStruct).code();
  } else {
    codec::BinaryReader r(frame.payload, limits);
    s = r.ReadMessageBegin(&d.message);
    if (s.ok()) d.args_code = r.Skip(codec::TType::kStruct).code();
  }
  d.message_code = s.code();
  return d;
}

Observed Feed(const std::vector<std::string_view>& chunks, std::optional<Framing> fixed,
              bool round_trip) {
  const codec::Limits limits;
  Observed o;
  LinkBuffer in(&InputPool());
  std::optional<codec::FrameDecoder> decoder;
  if (fixed) decoder.emplace(*fixed, limits);
  size_t unfed = 0;
  for (std::string_view c : chunks) unfed += c.size();
  for (std::string_view chunk : chunks) {
    AppendChunk(chunk, in);
    in.Flush();
    unfed -= chunk.size();
    if (!decoder) {
      absl::StatusOr<std::optional<codec::Detected>> d = codec::Detect(in);
      if (!d.ok()) {
        o.end = d.status().code();
        break;
      }
      if (!d->has_value()) continue;
      o.detected = **d;
      decoder.emplace((*d)->framing, limits);
    }
    bool failed = false;
    while (true) {
      absl::StatusOr<std::optional<codec::Frame>> f = decoder->Decode(in);
      if (!f.ok()) {
        o.end = f.status().code();
        failed = true;
        break;
      }
      if (!f->has_value()) break;
      o.frames.push_back(Handle(**f, limits, round_trip));
    }
    if (failed) break;
  }
  o.left = in.Len() + unfed;
  return o;
}

}  // namespace
}  // namespace vireo::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vireo::fuzz;
  if (size < 1) return 0;
  const uint8_t mode = data[0] & 7;
  std::optional<vireo::codec::Framing> fixed;
  if (mode >= 4) fixed = static_cast<vireo::codec::Framing>(mode - 4);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Observed whole = Feed({stream}, fixed, /*round_trip=*/true);
  const Observed split = Feed(RandomChunks(stream, kMaxChunk), fixed, /*round_trip=*/false);
  VIREO_FUZZ_CHECK(whole.detected == split.detected, "detection depends on the split");
  VIREO_FUZZ_CHECK(whole.frames.size() == split.frames.size(),
                   "frame count depends on the split: " + std::to_string(whole.frames.size()) +
                       " vs " + std::to_string(split.frames.size()));
  for (size_t i = 0; i < whole.frames.size(); ++i) {
    VIREO_FUZZ_CHECK(whole.frames[i] == split.frames[i],
                     "frame " + std::to_string(i) + " depends on the split");
  }
  VIREO_FUZZ_CHECK(whole.end == split.end, "final error depends on the split");
  VIREO_FUZZ_CHECK(whole.left == split.left, "bytes consumed depend on the split");
  return 0;
}
