// Fuzz target: generic calls' JSON codec (core/generic/json_codec.h) on
// bench/idl/complex.thrift's Complex, loaded at run time.
//
// Input: one mode byte, then the payload. Bit 0 of the mode picks the
// protocol (Compact when set); bit 1 the direction:
//   0  the payload is JSON: JsonToThrift. When it is accepted, the bytes
//      written must decode with vireo-gen's generated codec (the encoder
//      never writes what a typed peer would refuse), and
//      JSON -> Thrift -> JSON' -> Thrift' must give the same bytes twice.
//   1  the payload is Thrift bytes: ThriftToJson. When they decode, the
//      JSON written must be accepted by JsonToThrift again.
// Any input may be refused with an error; none may crash, hang, leak or
// allocate without bound.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "complex_types.h"
#include "fuzz/fuzz_util.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/generic/json_codec.h"
#include "vireo/core/generic/schema.h"

namespace {

using vireo::codec::ProtocolId;
using vireo::generic::JsonOptions;
using vireo::generic::JsonToThrift;
using vireo::generic::Schema;
using vireo::generic::StructType;
using vireo::generic::ThriftToJson;
using vireo::transport::LinkBuffer;

const StructType& Complex() {
  static const std::shared_ptr<const Schema> schema = [] {
    auto s = Schema::Load({VIREO_BENCH_IDL_DIR "/complex.thrift"});
    VIREO_FUZZ_CHECK(s.ok(), s.status().ToString());
    return *s;
  }();
  static const StructType* complex = schema->FindStruct("Complex");
  return *complex;
}

std::string Bytes(LinkBuffer& buf) {
  buf.Flush();
  return buf.ReadableCopy();
}

void FromJson(std::string_view json, ProtocolId p) {
  const JsonOptions options;
  LinkBuffer out;
  if (!JsonToThrift(Complex(), json, p, out, options).ok()) return;
  const std::string first = Bytes(out);

  LinkBuffer typed_in;
  typed_in.Write(first);
  typed_in.Flush();
  ::bench::Complex typed;
  const absl::Status typed_status = vireo::codec::Decode(typed_in, p, &typed);
  VIREO_FUZZ_CHECK(typed_status.ok(), typed_status.ToString());

  LinkBuffer in;
  in.Write(first);
  in.Flush();
  std::string again;
  const absl::Status back = ThriftToJson(Complex(), in, p, &again, options);
  VIREO_FUZZ_CHECK(back.ok(), back.ToString());
  LinkBuffer second_out;
  const absl::Status re = JsonToThrift(Complex(), again, p, second_out, options);
  VIREO_FUZZ_CHECK(re.ok(), re.ToString() + " for " + again);
  VIREO_FUZZ_CHECK(Bytes(second_out) == first,
                   "JSON -> Thrift -> JSON -> Thrift changed the bytes");
}

void FromThrift(std::string_view bytes, ProtocolId p) {
  const JsonOptions options;
  LinkBuffer in;
  in.Write(bytes);
  in.Flush();
  std::string json;
  if (!ThriftToJson(Complex(), in, p, &json, options).ok()) return;
  LinkBuffer out;
  const absl::Status s = JsonToThrift(Complex(), json, p, out, options);
  VIREO_FUZZ_CHECK(s.ok(), s.ToString() + " for " + json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ProtocolId p = (data[0] & 1) != 0 ? ProtocolId::kCompact : ProtocolId::kBinary;
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 2) == 0) {
    FromJson(payload, p);
  } else {
    FromThrift(payload, p);
  }
  return 0;
}
