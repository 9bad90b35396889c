// Fuzz target: CompactReader::Skip for a value of any type, a whole struct
// included, under codec::Limits(). Input and checks: skip_check.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/skip_check.h"
#include "vireo/codec/compact_protocol.h"

namespace {

// A Compact call (version 1, type 1) with sequence id 0, named "".
constexpr std::string_view kCallHeader("\x82\x21\0\0", 4);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vireo::fuzz::SkipOneInput<vireo::codec::CompactReader>(data, size, kCallHeader);
}
