// Encoding and decoding generated structs: the entry points.
//
// Any struct, union or exception vireo-gen wrote works with these templates
// (they call its generated codec members; no virtual call anywhere). They
// move a bare struct, no message header; the message layer adds those with
// BinaryWriter/CompactWriter and BinaryReader/CompactReader, and
// WriteStruct/ReadStruct below put a struct inside such a message.
//
// Encoding takes the exact size first, then writes in place: one
// LinkBuffer::Malloc of that size when it is at most
// kContiguousEncodeLimit (8 KiB), else through a chunked Output.
// Decoding reads straight from the buffer into the object and reuses its
// storage: decoding into an object that held a message of the same shape
// allocates nothing (see codec/generated.h for how).
//
// Example:
//   bench::Complex c = ...;
//   transport::LinkBuffer buf;
//   Encode(c, ProtocolId::kBinary, buf);
//   buf.Flush();
//   bench::Complex out;
//   if (absl::Status s = Decode(buf, ProtocolId::kBinary, &out); !s.ok()) ...
//   buf.Release();
//
// Thread rules: as LinkBuffer's -- Encode is a writer-side use of its
// buffer, Decode a reader-side use; the struct is used by one thread.
#ifndef VIREO_CODEC_SERIALIZE_H_
#define VIREO_CODEC_SERIALIZE_H_

#include <cstddef>

#include "absl/status/status.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/bytes.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/generated.h"
#include "vireo/codec/input.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// How Decode reads.
struct DecodeOptions {
  // Bounds on lengths, counts and depth. Default: Limits().
  Limits limits;
  // Binary values of at least this many bytes are decoded as slices of the
  // received blocks when contiguous. Default: kDefaultSliceThreshold
  // (4 KiB). SIZE_MAX: always copy.
  size_t slice_threshold = kDefaultSliceThreshold;
};

// The exact number of bytes Encode(v, p, ...) appends. Any protocol other
// than kCompact is taken as kBinary.
template <class T>
size_t EncodedSize(const T& v, ProtocolId p) {
  return p == ProtocolId::kCompact ? v.CompactSize() : v.BinarySize();
}

namespace internal {

template <class P, class T>
void EncodeWith(const T& v, transport::LinkBuffer& out) {
  const size_t n = P::StructSize(v);
  if (ABSL_PREDICT_TRUE(n <= kContiguousEncodeLimit)) {
    P::WriteStruct(out.Malloc(n), v);
    return;
  }
  typename std::conditional_t<P::kIsBinary, BinaryWriter, CompactWriter> w(out);
  v.WriteChunked(w);
  w.Finish();
}

}  // namespace internal

// Appends the struct's bytes (no message header) to `out`, unflushed: the
// caller calls out.Flush(). Any protocol other than kCompact is kBinary.
template <class T>
void Encode(const T& v, ProtocolId p, transport::LinkBuffer& out) {
  if (p == ProtocolId::kCompact) {
    internal::EncodeWith<CompactWire>(v, out);
  } else {
    internal::EncodeWith<BinaryWire>(v, out);
  }
}

// Reads one struct from the readable (flushed) bytes of `in`, consuming
// them, into *v, reusing its storage. Fields absent from the input get
// their defaults. Errors: OutOfRange (truncated), InvalidArgument
// (malformed, or a required field missing: "<Struct>.<field>: required
// field missing"), ResourceExhausted (a limit); after an error *v is valid
// but unspecified and so is the read position. `in.Release()` stays the
// caller's to call; binary slices in *v survive it.
template <class T>
absl::Status Decode(transport::LinkBuffer& in, ProtocolId p, T* v, const DecodeOptions& options) {
  Input input(in);
  switch (p) {
    case ProtocolId::kBinary: {
      BinaryDecoder d(input, options.limits, options.slice_threshold);
      return v->Read(d);
    }
    case ProtocolId::kCompact: {
      CompactDecoder d(input, options.limits, options.slice_threshold);
      return v->Read(d);
    }
  }
  return absl::InvalidArgumentError("Decode: unknown protocol id");
}

template <class T>
absl::Status Decode(transport::LinkBuffer& in, ProtocolId p, T* v,
                    const Limits& limits = Limits()) {
  DecodeOptions options;
  options.limits = limits;
  return Decode(in, p, v, options);
}

// Writes the struct through a message writer (e.g. after WriteMessageBegin
// or WriteFieldBegin(kStruct, id)): raw into one reserved region when it
// fits under kContiguousEncodeLimit, else field by field.
template <class T>
void WriteStruct(BinaryWriter& w, const T& v) {
  Codec<wire::Struct>::WriteChunked(w, v);
}
template <class T>
void WriteStruct(CompactWriter& w, const T& v) {
  Codec<wire::Struct>::WriteChunked(w, v);
}

// Reads a struct at the reader's position (e.g. after ReadMessageBegin)
// with the reader's limits. Nesting depth counts from this struct.
template <class T>
absl::Status ReadStruct(BinaryReader& r, T* v, size_t slice_threshold = kDefaultSliceThreshold) {
  BinaryDecoder d(r.input(), r.limits(), slice_threshold);
  return v->Read(d);
}
template <class T>
absl::Status ReadStruct(CompactReader& r, T* v, size_t slice_threshold = kDefaultSliceThreshold) {
  CompactDecoder d(r.input(), r.limits(), slice_threshold);
  return v->Read(d);
}

}  // namespace vireo::codec

#endif  // VIREO_CODEC_SERIALIZE_H_
