// The body of the Binary and Compact skip fuzz targets
// (binary_skip_fuzzer.cc, compact_skip_fuzzer.cc): one template over the
// reader type.
//
// Input: one byte naming the type to skip (a TType id; ids that are not
// types must be refused), then the value's bytes. Limits: codec::Limits().
// Checks, besides "no crash, no leak, no unbounded allocation":
// - skipping from one block and from random chunks (each ending a block)
//   gives the same status code and, on success, consumes the same bytes;
// - a successful skip of n bytes reads nothing past them: it succeeds the
//   same on exactly those n bytes (with nothing after them to over-read,
//   which AddressSanitizer would catch) and fails on n - 1;
// - for a struct, MessageScanner (which finds where a Buffered message
//   ends) agrees: behind a message header, it finds the message ending
//   where the skip ended, or refuses the bytes; it never waits for more.
//
// Example:
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return vireo::fuzz::SkipOneInput<vireo::codec::BinaryReader>(data, size, kHeader);
//   }
//
// Thread rules: one thread.
#ifndef VIREO_FUZZ_SKIP_CHECK_H_
#define VIREO_FUZZ_SKIP_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fuzz/fuzz_util.h"
#include "vireo/codec/message_scanner.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::fuzz {

struct Skipped {
  absl::StatusCode code;
  size_t consumed;  // meaningful when code is kOk
};

template <class Reader>
Skipped SkipFrom(transport::LinkBuffer& buf, codec::TType type) {
  const size_t before = buf.Len();
  absl::Status s;
  {
    Reader r(buf, codec::Limits());
    s = r.Skip(type);
  }  // the reader's Input commits what it read
  return Skipped{s.code(), before - buf.Len()};
}

// `message_header`: the bytes of a message header (a call named "" with
// sequence id 0) in the reader's protocol, to put in front of a struct for
// the MessageScanner cross-check.
template <class Reader>
int SkipOneInput(const uint8_t* data, size_t size, std::string_view message_header) {
  if (size < 1) return 0;
  const auto type = static_cast<codec::TType>(data[0]);
  const std::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);

  transport::LinkBuffer whole = Chained({value});
  const Skipped a = SkipFrom<Reader>(whole, type);
  transport::LinkBuffer split = Chained(RandomChunks(value, 64));
  const Skipped b = SkipFrom<Reader>(split, type);
  VIREO_FUZZ_CHECK(a.code == b.code, "status depends on the block layout");
  if (a.code != absl::StatusCode::kOk) return 0;
  VIREO_FUZZ_CHECK(a.consumed == b.consumed, "bytes skipped depend on the block layout");
  VIREO_FUZZ_CHECK(a.consumed <= value.size(), "skipped past the end");

  transport::LinkBuffer exact = Chained({value.substr(0, a.consumed)});
  const Skipped c = SkipFrom<Reader>(exact, type);
  VIREO_FUZZ_CHECK(c.code == absl::StatusCode::kOk && c.consumed == a.consumed,
                   "the skip needs bytes past the value");
  if (a.consumed > 0) {
    transport::LinkBuffer shorter = Chained({value.substr(0, a.consumed - 1)});
    const Skipped d = SkipFrom<Reader>(shorter, type);
    VIREO_FUZZ_CHECK(d.code != absl::StatusCode::kOk, "a value skips without its last byte");
  }

  if (type == codec::TType::kStruct) {
    std::string message(message_header);
    message.append(value.substr(0, a.consumed));
    transport::LinkBuffer m = Chained(RandomChunks(message, 64));
    codec::MessageScanner scanner;
    absl::StatusOr<std::optional<size_t>> end = scanner.Scan(m);
    if (end.ok()) {
      VIREO_FUZZ_CHECK(end->has_value(), "the scanner waits for bytes the skip did not need");
      VIREO_FUZZ_CHECK(**end == message.size(), "the scanner ends the message at " +
                                                    std::to_string(**end) + ", the skip at " +
                                                    std::to_string(message.size()));
    }
  }
  return 0;
}

}  // namespace vireo::fuzz

#endif  // VIREO_FUZZ_SKIP_CHECK_H_
