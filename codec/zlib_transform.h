// zlib, the one payload transform THeader and TTHeader frames may carry
// (transform id 1): deflate and inflate over LinkBuffers, streaming block by
// block, never gathering the input into one piece.
//
// Inflating is bounded: output grows in chunks and the call stops with a
// LimitError as soon as it passes the cap, so a small frame that expands to
// gigabytes (a "zlib bomb") costs at most the cap plus one chunk of memory.
//
// Example:
//   absl::StatusOr<transport::LinkBuffer> packed = ZlibDeflate(payload);
//   ...
//   absl::StatusOr<transport::LinkBuffer> plain =
//       ZlibInflate(*packed, limits.max_inflated_size);
//
// Thread rules: plain functions; they only read `in` (reader side) and
// return a new buffer.
#ifndef VIREO_CODEC_ZLIB_TRANSFORM_H_
#define VIREO_CODEC_ZLIB_TRANSFORM_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// zlib's default level (6 today), the level Apache Thrift's THeader uses.
inline constexpr int kZlibDefaultLevel = -1;

// The readable bytes of `in`, deflated into a zlib stream (RFC 1950: header,
// deflate data, Adler-32), as a new flushed buffer. `in` is not consumed.
// `level` is 0 (store) .. 9 (smallest), or kZlibDefaultLevel.
// InvalidArgument for a bad level; Internal if zlib fails (out of memory).
absl::StatusOr<transport::LinkBuffer> ZlibDeflate(const transport::LinkBuffer& in,
                                                  int level = kZlibDefaultLevel);

// Inflates the zlib stream held in `length` bytes of `in` starting `offset`
// bytes past its read position, without consuming them, into a new flushed
// buffer. The stream must end exactly where the range ends.
// Errors:
// - ResourceExhausted (LimitError "max_inflated_size") once the output would
//   pass `max_size` bytes; inflation stops there.
// - InvalidArgument (MalformedError "zlib") for a corrupt stream, a stream
//   that ends before the range does, or a range that ends before the stream.
// - OutOfRange if the range runs past the readable bytes.
absl::StatusOr<transport::LinkBuffer> ZlibInflate(const transport::LinkBuffer& in, size_t offset,
                                                  size_t length, uint64_t max_size);

// Inflates all readable bytes of `in`.
absl::StatusOr<transport::LinkBuffer> ZlibInflate(const transport::LinkBuffer& in,
                                                  uint64_t max_size);

}  // namespace vireo::codec

#endif  // VIREO_CODEC_ZLIB_TRANSFORM_H_
