// TTHeader's header section (Kitex, CloudWeGo's "TTHeader" transport
// protocol): the bytes between a header frame's 14-byte preamble and its
// payload. Frames are read and written whole by codec/frame.h; these
// functions handle only the section.
//
//   u8 protocol id            0 = Binary, 2 = Compact
//   u8 transform count
//   u8 transform id ...       1 = zlib (the only one supported)
//   info blocks, each a u8 info id:
//     0x00 padding            one byte, skipped
//     0x01 string key/value   u16 count, then count x (key, value), each
//                             string a u16 length and its bytes
//     0x10 int key/value      u16 count, then count x (u16 key, value), the
//                             value a u16 length and its bytes
//     0x11 ACL token          u16 length and its bytes
//
// All integers are big-endian. An unknown info id is an error (its length
// is unknown), as it is in Kitex. The writer emits the ACL token, then the
// string key/values, then the int key/values (Kitex's order), then 0 to 3
// zero bytes of padding; it keeps the section within Kitex's 64 KiB limit.
//
// Example:
//   FrameHeader h;
//   h.int_headers.emplace_back(kTTHeaderToMethod, "echo");
//   absl::StatusOr<size_t> size = TTHeaderSectionSize(h);
//
// Thread rules: plain functions on caller-owned memory.
#ifndef VIREO_CODEC_TTHEADER_H_
#define VIREO_CODEC_TTHEADER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codec/frame.h"

namespace vireo::codec {

// Info block ids.
inline constexpr uint8_t kTTHeaderInfoPadding = 0x00;
inline constexpr uint8_t kTTHeaderInfoKeyValue = 0x01;
inline constexpr uint8_t kTTHeaderInfoIntKeyValue = 0x10;
inline constexpr uint8_t kTTHeaderInfoAclToken = 0x11;

// Int header keys as Kitex numbers them (its transmeta package).
inline constexpr uint16_t kTTHeaderFromService = 3;
inline constexpr uint16_t kTTHeaderToService = 6;
inline constexpr uint16_t kTTHeaderToMethod = 9;
// RPC timeout in milliseconds, as decimal text.
inline constexpr uint16_t kTTHeaderRpcTimeout = 12;
// Connect timeout in milliseconds, as decimal text.
inline constexpr uint16_t kTTHeaderConnectTimeout = 17;
inline constexpr uint16_t kTTHeaderFromMethod = 20;

// String header keys Kitex gives a meaning to.
inline constexpr std::string_view kTTHeaderBizStatus = "biz-status";
inline constexpr std::string_view kTTHeaderBizMessage = "biz-message";
// Sent by a server that is going away: the client should not reuse the
// connection.
inline constexpr std::string_view kTTHeaderConnReset = "crrst";

// The largest section Kitex accepts; the writer stays within it.
inline constexpr size_t kMaxTTHeaderSectionSize = 64 * 1024;

// Parses a whole header section (header size * 4 bytes) into
// header->protocol, transforms, headers, int_headers and acl_token; other
// fields are left alone. InvalidArgument (MalformedError "TTHeader") naming
// the field and value: an unknown or unsupported protocol id or transform,
// more than kMaxTransforms transforms, an unknown info id, a count, key or
// string running past the section.
absl::Status ParseTTHeaderSection(std::string_view section, FrameHeader* header);

// The size of the section WriteTTHeaderSection writes for `header`, padding
// included (a multiple of 4). InvalidArgument when a count (255 transforms,
// 65,535 headers), transform id (255) or string (65,535 bytes) does not fit
// its field, or the section passes kMaxTTHeaderSectionSize.
absl::StatusOr<size_t> TTHeaderSectionSize(const FrameHeader& header);

// Writes the section for `header` to `out`, which has room for
// TTHeaderSectionSize(header) bytes (call that first: it validates).
void WriteTTHeaderSection(const FrameHeader& header, char* out);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_TTHEADER_H_
