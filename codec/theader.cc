#include "vireo/codec/theader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"
#include "vireo/codec/thrift_types.h"

namespace vireo::codec {
namespace {

constexpr std::string_view kName = "THeader";
constexpr size_t kMaxVarintBytes = 5;
constexpr uint32_t kInfoKeyValue = 0x01;

using internal::AbslView;

// Reads varints and varint-length strings from a header section, checking
// every one against the section's end.
class SectionReader {
 public:
  explicit SectionReader(std::string_view section) : s_(section) {}

  bool done() const { return pos_ >= s_.size(); }
  size_t remaining() const { return s_.size() - pos_; }

  absl::Status Varint(std::string_view what, uint32_t* out) {
    uint64_t v = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (pos_ >= s_.size()) {
        return MalformedError(kName, absl::StrCat(AbslView(what),
                                                  ": varint runs past the end of the header "
                                                  "section (",
                                                  s_.size(), " bytes)"));
      }
      const uint8_t b = static_cast<uint8_t>(s_[pos_++]);
      v |= uint64_t{b & 0x7Fu} << (7 * i);
      if ((b & 0x80) == 0) {
        if (v > std::numeric_limits<uint32_t>::max()) {
          return MalformedError(kName,
                                absl::StrCat(AbslView(what), ": varint ", v, " exceeds 32 bits"));
        }
        *out = static_cast<uint32_t>(v);
        return absl::OkStatus();
      }
    }
    return MalformedError(kName, absl::StrCat(AbslView(what), ": varint longer than 5 bytes"));
  }

  absl::Status String(std::string_view what, std::string* out) {
    uint32_t n = 0;
    if (absl::Status s = Varint(absl::StrCat(AbslView(what), " length"), &n); !s.ok()) return s;
    if (n > remaining()) {
      return MalformedError(kName, absl::StrCat(AbslView(what), " of ", n,
                                                " bytes runs past the end of the header "
                                                "section (",
                                                remaining(), " bytes left)"));
    }
    out->assign(s_.data() + pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* PutString(char* p, const std::string& s) {
  p = PutVarint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

absl::Status ParseTHeaderSection(std::string_view section, FrameHeader* header) {
  SectionReader r(section);
  uint32_t protocol = 0;
  if (absl::Status s = r.Varint("protocol id", &protocol); !s.ok()) return s;
  switch (protocol) {
    case static_cast<uint32_t>(ProtocolId::kBinary):
      header->protocol = ProtocolId::kBinary;
      break;
    case static_cast<uint32_t>(ProtocolId::kCompact):
      header->protocol = ProtocolId::kCompact;
      break;
    case 1:
      return MalformedError(kName, "protocol id 1 (JSON) is not supported");
    default:
      return MalformedError(kName, absl::StrCat("unknown protocol id ", protocol));
  }

  uint32_t count = 0;
  if (absl::Status s = r.Varint("transform count", &count); !s.ok()) return s;
  if (count > r.remaining()) {
    return MalformedError(kName, absl::StrCat("transform count ", count, " exceeds the ",
                                              r.remaining(), " bytes left in the header section"));
  }
  if (count > kMaxTransforms) {
    return MalformedError(kName, absl::StrCat("transform count ", count, " exceeds the ",
                                              kMaxTransforms, " transforms a frame may list"));
  }
  header->transforms.clear();
  header->transforms.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t id = 0;
    if (absl::Status s = r.Varint("transform id", &id); !s.ok()) return s;
    if (id != kZlibTransform) {
      return MalformedError(
          kName, absl::StrCat(
                     "transform ", id, " (",
                     AbslView(TransformName(static_cast<uint16_t>(std::min<uint32_t>(id, 0xFFFF)))),
                     ") is not supported"));
    }
    header->transforms.push_back(static_cast<uint16_t>(id));
  }

  header->headers.clear();
  while (!r.done()) {
    uint32_t info = 0;
    if (absl::Status s = r.Varint("info id", &info); !s.ok()) return s;
    // 0 starts the padding. An id we do not know has a length we do not
    // know either: stop there, as Apache's reader does.
    if (info != kInfoKeyValue) break;
    uint32_t n = 0;
    if (absl::Status s = r.Varint("key/value count", &n); !s.ok()) return s;
    // Each pair takes at least two bytes (two empty strings).
    if (n > r.remaining() / 2) {
      return MalformedError(kName,
                            absl::StrCat("key/value count ", n, " exceeds what the ", r.remaining(),
                                         " bytes left in the header section can hold"));
    }
    header->headers.reserve(header->headers.size() + n);
    for (uint32_t i = 0; i < n; ++i) {
      std::string key;
      std::string value;
      if (absl::Status s = r.String("key", &key); !s.ok()) return s;
      if (absl::Status s = r.String("value", &value); !s.ok()) return s;
      header->headers.emplace_back(std::move(key), std::move(value));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> THeaderSectionSize(const FrameHeader& header) {
  if (!header.int_headers.empty() || !header.acl_token.empty()) {
    return absl::InvalidArgumentError(
        "THeader cannot carry int headers or an ACL token (TTHeader only)");
  }
  size_t n =
      VarintSize(static_cast<uint8_t>(header.protocol)) + VarintSize(header.transforms.size());
  for (uint16_t id : header.transforms) n += VarintSize(id);
  if (!header.headers.empty()) {
    n += VarintSize(kInfoKeyValue) + VarintSize(header.headers.size());
    for (const auto& [key, value] : header.headers) {
      n += VarintSize(key.size()) + key.size() + VarintSize(value.size()) + value.size();
    }
  }
  n += 4 - n % 4;  // 1 to 4 bytes, as Apache and fbthrift pad
  if (n > kMaxTHeaderSectionSize) {
    return absl::InvalidArgumentError(absl::StrCat("THeader header section of ", n,
                                                   " bytes exceeds the ", kMaxTHeaderSectionSize,
                                                   " that its u16 count of words can describe"));
  }
  return n;
}

void WriteTHeaderSection(const FrameHeader& header, char* out) {
  char* p = out;
  p = PutVarint(p, static_cast<uint8_t>(header.protocol));
  p = PutVarint(p, header.transforms.size());
  for (uint16_t id : header.transforms) p = PutVarint(p, id);
  if (!header.headers.empty()) {
    p = PutVarint(p, kInfoKeyValue);
    p = PutVarint(p, header.headers.size());
    for (const auto& [key, value] : header.headers) {
      p = PutString(p, key);
      p = PutString(p, value);
    }
  }
  const size_t used = static_cast<size_t>(p - out);
  std::memset(p, 0, 4 - used % 4);
}

}  // namespace vireo::codec
