#include "vireo/codec/ttheader.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"
#include "vireo/codec/thrift_types.h"

namespace vireo::codec {
namespace {

constexpr std::string_view kName = "TTHeader";
constexpr size_t kMaxU8 = 0xFF;
constexpr size_t kMaxU16 = 0xFFFF;

using internal::AbslView;

// Reads big-endian integers and u16-length strings from a header section,
// checking every one against the section's end.
class SectionReader {
 public:
  explicit SectionReader(std::string_view section) : s_(section) {}

  bool done() const { return pos_ >= s_.size(); }
  size_t pos() const { return pos_; }
  size_t remaining() const { return s_.size() - pos_; }

  uint8_t U8() { return static_cast<uint8_t>(s_[pos_++]); }  // callers check done()

  absl::Status U16(std::string_view what, uint16_t* out) {
    if (remaining() < 2) return PastEnd(what, 2);
    *out = static_cast<uint16_t>((static_cast<uint8_t>(s_[pos_]) << 8) |
                                 static_cast<uint8_t>(s_[pos_ + 1]));
    pos_ += 2;
    return absl::OkStatus();
  }

  absl::Status String(std::string_view what, std::string* out) {
    uint16_t n = 0;
    if (absl::Status s = U16(absl::StrCat(AbslView(what), " length"), &n); !s.ok()) return s;
    if (n > remaining()) return PastEnd(what, n);
    out->assign(s_.data() + pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

  // A block of `count` entries of at least `min_entry` bytes each must fit
  // in what is left: checked before reserving room for them.
  absl::Status CheckCount(std::string_view what, uint16_t count, size_t min_entry) {
    if (size_t{count} * min_entry <= remaining()) return absl::OkStatus();
    return MalformedError(kName, absl::StrCat(AbslView(what), " count ", count, " needs at least ",
                                              size_t{count} * min_entry, " bytes, ", remaining(),
                                              " left in the header section"));
  }

 private:
  absl::Status PastEnd(std::string_view what, size_t need) const {
    return MalformedError(
        kName, absl::StrCat(AbslView(what), " of ", need, " bytes at offset ", pos_,
                            " runs past the end of the header section (", s_.size(), " bytes)"));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

char* PutU16(char* p, size_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
  return p + 2;
}

char* PutString(char* p, const std::string& s) {
  p = PutU16(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

absl::Status TooLong(std::string_view what, size_t size, size_t max) {
  return absl::InvalidArgumentError(
      absl::StrCat("TTHeader: ", AbslView(what), " is ", size, ", the field holds at most ", max));
}

}  // namespace

absl::Status ParseTTHeaderSection(std::string_view section, FrameHeader* header) {
  if (section.size() < 2) {
    return MalformedError(kName, absl::StrCat("header section of ", section.size(),
                                              " bytes has no room for the protocol id and "
                                              "transform count"));
  }
  SectionReader r(section);
  const uint8_t protocol = r.U8();
  switch (protocol) {
    case static_cast<uint8_t>(ProtocolId::kBinary):
      header->protocol = ProtocolId::kBinary;
      break;
    case static_cast<uint8_t>(ProtocolId::kCompact):
      header->protocol = ProtocolId::kCompact;
      break;
    case 4:
      return MalformedError(kName, "protocol id 4 (Kitex protobuf) is not supported");
    default:
      return MalformedError(kName, absl::StrCat("unknown protocol id ", protocol));
  }

  const uint8_t count = r.U8();
  if (count > r.remaining()) {
    return MalformedError(kName, absl::StrCat("transform count ", count, " exceeds the ",
                                              r.remaining(), " bytes left in the header section"));
  }
  if (count > kMaxTransforms) {
    return MalformedError(kName, absl::StrCat("transform count ", count, " exceeds the ",
                                              kMaxTransforms, " transforms a frame may list"));
  }
  header->transforms.clear();
  for (uint8_t i = 0; i < count; ++i) {
    const uint8_t id = r.U8();
    if (id != kZlibTransform) {
      return MalformedError(kName, absl::StrCat("transform ", id, " (", AbslView(TransformName(id)),
                                                ") is not supported"));
    }
    header->transforms.push_back(id);
  }

  header->headers.clear();
  header->int_headers.clear();
  header->acl_token.clear();
  while (!r.done()) {
    const size_t at = r.pos();
    const uint8_t info = r.U8();
    switch (info) {
      case kTTHeaderInfoPadding:
        break;
      case kTTHeaderInfoKeyValue: {
        uint16_t n = 0;
        if (absl::Status s = r.U16("string key/value count", &n); !s.ok()) return s;
        // Each pair is at least two u16 lengths.
        if (absl::Status s = r.CheckCount("string key/value", n, 4); !s.ok()) return s;
        header->headers.reserve(header->headers.size() + n);
        for (uint16_t i = 0; i < n; ++i) {
          std::string key;
          std::string value;
          if (absl::Status s = r.String("string key", &key); !s.ok()) return s;
          if (absl::Status s = r.String("string value", &value); !s.ok()) return s;
          header->headers.emplace_back(std::move(key), std::move(value));
        }
        break;
      }
      case kTTHeaderInfoIntKeyValue: {
        uint16_t n = 0;
        if (absl::Status s = r.U16("int key/value count", &n); !s.ok()) return s;
        // Each pair is at least a u16 key and a u16 length.
        if (absl::Status s = r.CheckCount("int key/value", n, 4); !s.ok()) return s;
        header->int_headers.reserve(header->int_headers.size() + n);
        for (uint16_t i = 0; i < n; ++i) {
          uint16_t key = 0;
          std::string value;
          if (absl::Status s = r.U16("int key", &key); !s.ok()) return s;
          if (absl::Status s = r.String("int value", &value); !s.ok()) return s;
          header->int_headers.emplace_back(key, std::move(value));
        }
        break;
      }
      case kTTHeaderInfoAclToken:
        if (absl::Status s = r.String("ACL token", &header->acl_token); !s.ok()) return s;
        break;
      default:
        return MalformedError(kName,
                              absl::StrCat("unknown info id 0x", absl::Hex(info, absl::kZeroPad2),
                                           " at offset ", at, " of the header section"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> TTHeaderSectionSize(const FrameHeader& header) {
  if (header.transforms.size() > kMaxU8) {
    return TooLong("transform count", header.transforms.size(), kMaxU8);
  }
  size_t n = 2 + header.transforms.size();
  for (uint16_t id : header.transforms) {
    if (id > kMaxU8) return TooLong("transform id", id, kMaxU8);
  }
  if (!header.acl_token.empty()) {
    if (header.acl_token.size() > kMaxU16) {
      return TooLong("ACL token length", header.acl_token.size(), kMaxU16);
    }
    n += 1 + 2 + header.acl_token.size();
  }
  if (!header.headers.empty()) {
    if (header.headers.size() > kMaxU16) {
      return TooLong("string key/value count", header.headers.size(), kMaxU16);
    }
    n += 1 + 2;
    for (const auto& [key, value] : header.headers) {
      if (key.size() > kMaxU16) return TooLong("string key length", key.size(), kMaxU16);
      if (value.size() > kMaxU16) return TooLong("string value length", value.size(), kMaxU16);
      n += 2 + key.size() + 2 + value.size();
    }
  }
  if (!header.int_headers.empty()) {
    if (header.int_headers.size() > kMaxU16) {
      return TooLong("int key/value count", header.int_headers.size(), kMaxU16);
    }
    n += 1 + 2;
    for (const auto& [key, value] : header.int_headers) {
      if (value.size() > kMaxU16) return TooLong("int value length", value.size(), kMaxU16);
      n += 2 + 2 + value.size();
    }
  }
  n += (4 - n % 4) % 4;
  if (n > kMaxTTHeaderSectionSize) {
    return absl::InvalidArgumentError(absl::StrCat("TTHeader header section of ", n,
                                                   " bytes exceeds Kitex's limit of ",
                                                   kMaxTTHeaderSectionSize));
  }
  return n;
}

void WriteTTHeaderSection(const FrameHeader& header, char* out) {
  char* p = out;
  *p++ = static_cast<char>(header.protocol);
  *p++ = static_cast<char>(header.transforms.size());
  for (uint16_t id : header.transforms) *p++ = static_cast<char>(id);
  if (!header.acl_token.empty()) {
    *p++ = static_cast<char>(kTTHeaderInfoAclToken);
    p = PutString(p, header.acl_token);
  }
  if (!header.headers.empty()) {
    *p++ = static_cast<char>(kTTHeaderInfoKeyValue);
    p = PutU16(p, header.headers.size());
    for (const auto& [key, value] : header.headers) {
      p = PutString(p, key);
      p = PutString(p, value);
    }
  }
  if (!header.int_headers.empty()) {
    *p++ = static_cast<char>(kTTHeaderInfoIntKeyValue);
    p = PutU16(p, header.int_headers.size());
    for (const auto& [key, value] : header.int_headers) {
      p = PutU16(p, key);
      p = PutString(p, value);
    }
  }
  const size_t used = static_cast<size_t>(p - out);
  std::memset(p, 0, (4 - used % 4) % 4);
}

}  // namespace vireo::codec
