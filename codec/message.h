// Messages in either protocol: the one place that picks the Binary or the
// Compact reader or writer for a ProtocolId.
//
// Example:
//   MessageBegin m;
//   absl::Status s = ReadMessageBegin(frame.header.protocol, frame.payload, limits, &m);
//   ...
//   TApplicationException x;
//   s = WithReader(protocol, body, limits, [&](auto& r) { return x.Read(r); });
//
// Thread rules: as LinkBuffer's; each call uses its buffer on one thread.
#ifndef VIREO_CODEC_MESSAGE_H_
#define VIREO_CODEC_MESSAGE_H_

#include <utility>

#include "absl/status/status.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// Returns f(reader) for a reader of `protocol` (anything but kCompact is
// Binary) over the readable bytes of `in`. What the reader read is consumed
// from `in` when f returns.
template <class F>
decltype(auto) WithReader(ProtocolId protocol, transport::LinkBuffer& in, const Limits& limits,
                          F&& f) {
  if (protocol == ProtocolId::kCompact) {
    CompactReader r(in, limits);
    return std::forward<F>(f)(r);
  }
  BinaryReader r(in, limits);
  return std::forward<F>(f)(r);
}

// Runs f(writer) for a writer of `protocol` appending to `out`, then
// finishes the writer (the bytes are written, not yet flushed).
template <class F>
void WithWriter(ProtocolId protocol, transport::LinkBuffer& out, F&& f) {
  if (protocol == ProtocolId::kCompact) {
    CompactWriter w(out);
    std::forward<F>(f)(w);
    w.Finish();
    return;
  }
  BinaryWriter w(out);
  std::forward<F>(f)(w);
  w.Finish();
}

// Reads a message header from the front of `payload`, consuming it.
inline absl::Status ReadMessageBegin(ProtocolId protocol, transport::LinkBuffer& payload,
                                     const Limits& limits, MessageBegin* m) {
  return WithReader(protocol, payload, limits, [m](auto& r) { return r.ReadMessageBegin(m); });
}

}  // namespace vireo::codec

#endif  // VIREO_CODEC_MESSAGE_H_
