// Fuzz target: decoding bench/idl/complex.thrift's Complex with vireo-gen's
// generated code, Binary protocol, then re-encoding it. Input and checks:
// complex_check.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/complex_check.h"
#include "vireo/codec/thrift_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vireo::fuzz::ComplexOneInput(data, size, vireo::codec::ProtocolId::kBinary);
}
