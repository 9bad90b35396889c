// Fuzz target: BinaryReader::Skip for a value of any type, a whole struct
// included, under codec::Limits(). Input and checks: skip_check.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/skip_check.h"
#include "vireo/codec/binary_protocol.h"

namespace {

// A strict Binary call named "" with sequence id 0.
constexpr std::string_view kCallHeader("\x80\x01\x00\x01\0\0\0\0\0\0\0\0", 12);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vireo::fuzz::SkipOneInput<vireo::codec::BinaryReader>(data, size, kCallHeader);
}
