// Detect: which framing and protocol a new server connection speaks, from
// its first bytes, so that one port serves every kind of Thrift client.
//
// Rules, tried in this order on the first 8 bytes at most (docs/protocols.md
// explains each):
//   1. 0x16 0x03 0x00-0x04              TLS ClientHello      -> error
//   2. "PRI * HT"                       HTTP/2 preface       -> error
//   3. "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ",
//      "CONNECT ", "TRACE "             HTTP/1.x request     -> error
//   4. bytes 0-1 = 0x80 0x01            Buffered, Binary (strict)
//   5. byte 0 = 0x82, byte 1 version 1  Buffered, Compact
//   6. bytes 4-5 = 0x0F 0xFF            THeader
//   7. bytes 4-5 = 0x10 0x00            TTHeader
//   8. bytes 4-5 = 0x80 0x01            Framed, Binary
//   9. byte 4 = 0x82, byte 5 version 1  Framed, Compact
//  10. bytes 0-2 = 0, byte 3 = L >= 1, then a method name of identifier
//      characters (and the message type when L < 4)
//                                      Buffered, Binary (non-strict)
// Rules 6-9 also need the length's top two bits clear (a frame under
// 1 GiB). A Compact "version 1" byte also has a message type of 1-4 in its
// top three bits.
//
// A rule that needs bytes not yet received holds the answer back (nullopt)
// while the bytes so far match it; a later rule's match waits for every
// earlier rule to be decided, so the answer never depends on how the bytes
// were split into arrivals.
//
// Example:
//   absl::StatusOr<std::optional<Detected>> d = Detect(conn_input);
//   if (!d.ok()) close(d.status());          // logged reason
//   else if (!d->has_value()) wait();
//   else decoder = FrameDecoder((*d)->framing, limits);
//
// Thread rules: a reader-side use of `in`; consumes nothing.
#ifndef VIREO_CODEC_DETECT_H_
#define VIREO_CODEC_DETECT_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// The message of Detect's error for an HTTP/1.x request (rule 3) (a server may
// answer it on the same port: core's admin pages).
inline constexpr std::string_view kLooksLikeHttp1 = "not a Thrift client: looks like HTTP/1.x";

// Detect never needs more than this many bytes to decide.
inline constexpr size_t kDetectBytes = 8;

struct Detected {
  Framing framing;
  // For THeader and TTHeader, kBinary stands in: each frame's header names
  // its own protocol (FrameHeader::protocol), past the bytes looked at here.
  ProtocolId protocol;
  bool operator==(const Detected&) const = default;
};

// Looks at the first bytes of `in` (at most kDetectBytes), without
// consuming them.
// - The framing and protocol, when the bytes decide them.
// - std::nullopt when too few bytes have arrived to decide.
// - FailedPrecondition "not a Thrift client: looks like <TLS|HTTP/2|HTTP/1.x>"
//   for a client of another protocol.
// - InvalidArgument "unknown protocol, first bytes: <hex>" for anything else.
absl::StatusOr<std::optional<Detected>> Detect(const transport::LinkBuffer& in);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_DETECT_H_
