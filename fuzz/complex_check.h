// The body of the generated-code fuzz targets (complex_binary_fuzzer.cc,
// complex_compact_fuzzer.cc): decoding bench/idl/complex.thrift's `Complex`
// with the code vireo-gen wrote, in one protocol, under codec::Limits().
//
// Input: the bytes of one struct (no message header).
// Checks, besides "no crash, no leak, no unbounded allocation":
// - decoding from one block, from random chunks (each ending a block) and
//   into an object that held another value (storage reuse) gives the same
//   status code and, on success, the same value and bytes consumed;
// - a decoded value re-encodes into exactly EncodedSize() bytes, which
//   decode (consuming all of them) to an equal value that encodes to the
//   same bytes; the same through the other protocol.
// "Equal" is operator== and equal encodings; a value holding a NaN (never
// equal to itself) is compared by its encoding alone.
//
// Example:
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return vireo::fuzz::ComplexOneInput(data, size, vireo::codec::ProtocolId::kBinary);
//   }
//
// Thread rules: one thread.
#ifndef VIREO_FUZZ_COMPLEX_CHECK_H_
#define VIREO_FUZZ_COMPLEX_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "complex_types.h"
#include "fuzz/complex_api.h"
#include "fuzz/fuzz_util.h"
#include "vireo/codec/serialize.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::fuzz {

struct ComplexDecoded {
  absl::Status status;
  size_t consumed = 0;
};

inline ComplexDecoded DecodeComplex(transport::LinkBuffer& in, codec::ProtocolId p,
                                    ::bench::Complex* out) {
  const size_t before = in.Len();
  ComplexDecoded d;
  d.status = codec::Decode(in, p, out);
  d.consumed = before - in.Len();
  return d;
}

// Encode(c, p) as a string, checking that it is EncodedSize(c, p) bytes.
inline std::string EncodeComplex(const ::bench::Complex& c, codec::ProtocolId p) {
  transport::LinkBuffer out;
  const size_t size = codec::EncodedSize(c, p);
  codec::Encode(c, p, out);
  out.Flush();
  VIREO_FUZZ_CHECK(out.Len() == size, "Encode wrote " + std::to_string(out.Len()) +
                                          " bytes, EncodedSize said " + std::to_string(size));
  return out.ReadableCopy();
}

inline void CheckSame(const ::bench::Complex& a, const std::string& a_bytes,
                      const ::bench::Complex& b, codec::ProtocolId p, std::string_view what) {
  VIREO_FUZZ_CHECK(EncodeComplex(b, p) == a_bytes, std::string(what) + ": encodings differ");
  if (!HasNaN(a)) VIREO_FUZZ_CHECK(a == b, std::string(what) + ": values differ");
}

// Decodes `bytes` (our own encoding in protocol `p`): it must succeed,
// consume every byte and give a value equal to `expected`, which encodes
// to `expected_bytes` in protocol `expected_p`.
inline void CheckDecodesBack(const std::string& bytes, codec::ProtocolId p,
                             const ::bench::Complex& expected, const std::string& expected_bytes,
                             codec::ProtocolId expected_p, std::string_view what) {
  transport::LinkBuffer in = Plain(bytes);
  ::bench::Complex again;
  const ComplexDecoded d = DecodeComplex(in, p, &again);
  VIREO_FUZZ_CHECK(d.status.ok(), std::string(what) + ": our own encoding fails to decode: " +
                                      std::string(d.status.message()));
  VIREO_FUZZ_CHECK(d.consumed == bytes.size(), std::string(what) + ": bytes left over");
  CheckSame(expected, expected_bytes, again, expected_p, what);
}

inline int ComplexOneInput(const uint8_t* data, size_t size, codec::ProtocolId p) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const codec::ProtocolId other =
      p == codec::ProtocolId::kBinary ? codec::ProtocolId::kCompact : codec::ProtocolId::kBinary;

  transport::LinkBuffer whole = Chained({input});
  ::bench::Complex v;
  const ComplexDecoded a = DecodeComplex(whole, p, &v);

  transport::LinkBuffer split = Chained(RandomChunks(input, 256));
  ::bench::Complex v_split;
  const ComplexDecoded b = DecodeComplex(split, p, &v_split);

  static const ::bench::Complex* const kUsed =
      new ::bench::Complex(ComplexFixture(interop::kNested));
  transport::LinkBuffer again = Chained({input});
  ::bench::Complex v_reused = *kUsed;
  const ComplexDecoded c = DecodeComplex(again, p, &v_reused);

  VIREO_FUZZ_CHECK(a.status.code() == b.status.code(), "status depends on the block layout");
  VIREO_FUZZ_CHECK(a.status.code() == c.status.code(), "status depends on the object reused");
  if (!a.status.ok()) return 0;
  VIREO_FUZZ_CHECK(a.consumed == b.consumed, "bytes read depend on the block layout");
  VIREO_FUZZ_CHECK(a.consumed == c.consumed, "bytes read depend on the object reused");

  const std::string bytes = EncodeComplex(v, p);
  CheckSame(v, bytes, v_split, p, "decoded from chunks");
  CheckSame(v, bytes, v_reused, p, "decoded into a used object");
  CheckDecodesBack(bytes, p, v, bytes, p, "re-encoded");
  CheckDecodesBack(EncodeComplex(v, other), other, v, bytes, p, "through the other protocol");
  return 0;
}

}  // namespace vireo::fuzz

#endif  // VIREO_FUZZ_COMPLEX_CHECK_H_
