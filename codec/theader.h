// THeader's header section (Apache Thrift doc/specs/HeaderFormat.md; spoken
// by Apache Thrift's C++, Python and Java libraries and by fbthrift): the
// bytes between a header frame's 14-byte preamble and its payload. Frames
// are read and written whole by codec/frame.h; these functions handle only
// the section.
//
//   varint protocol id        0 = Binary, 2 = Compact (1 = JSON: refused)
//   varint transform count
//   varint transform id ...   1 = zlib (the only one supported)
//   info blocks, each a varint info id:
//     0x01 key/value          varint count, then count x (key, value), each
//                             string a varint length and its bytes
//   zero padding              to a multiple of 4 bytes
//
// Varints are unsigned LEB128 of at most 5 bytes. An info id of 0 starts
// the padding; the parser stops there. An info id it does not know also
// ends parsing, silently, as Apache's reader does: the block's length is
// unknown, and the info blocks carry only metadata.
//
// The writer pads with 1 to 4 zero bytes (4 when the section is already
// aligned), as Apache Thrift and fbthrift do, so that its frames are
// byte-equal to theirs.
//
// Example:
//   FrameHeader h;
//   absl::Status s = ParseTHeaderSection(section, &h);
//
// Thread rules: plain functions on caller-owned memory.
#ifndef VIREO_CODEC_THEADER_H_
#define VIREO_CODEC_THEADER_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codec/frame.h"

namespace vireo::codec {

// The largest section a u16 count of 4-byte words can describe.
inline constexpr size_t kMaxTHeaderSectionSize = 0xFFFF * 4;

// Parses a whole header section (header size * 4 bytes) into
// header->protocol, transforms and headers; other fields are left alone.
// InvalidArgument (MalformedError "THeader") naming the field and value:
// a varint longer than 5 bytes or running past the section, an unknown or
// unsupported protocol id or transform, more than kMaxTransforms
// transforms, a count or string running past the section.
absl::Status ParseTHeaderSection(std::string_view section, FrameHeader* header);

// The size of the section WriteTHeaderSection writes for `header`, padding
// included (a multiple of 4). InvalidArgument when THeader cannot carry the
// header: int headers or an ACL token (TTHeader only), a section over
// kMaxTHeaderSectionSize.
absl::StatusOr<size_t> THeaderSectionSize(const FrameHeader& header);

// Writes the section for `header` to `out`, which has room for
// THeaderSectionSize(header) bytes (call that first: it validates).
void WriteTHeaderSection(const FrameHeader& header, char* out);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_THEADER_H_
