#include "vireo/codec/detect.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace vireo::codec {
namespace {

// What one rule says about the bytes so far.
enum class Verdict { kNo, kMaybe, kYes };

// The first bytes of the connection: at most kDetectBytes.
struct Prefix {
  unsigned char b[kDetectBytes];
  size_t n = 0;
  bool Has(size_t count) const { return n >= count; }
};

// Does the prefix start with `pattern` (or could it, once more bytes come)?
Verdict StartsWith(const Prefix& p, std::string_view pattern) {
  const size_t k = std::min(p.n, pattern.size());
  if (std::memcmp(p.b, pattern.data(), k) != 0) return Verdict::kNo;
  return k == pattern.size() ? Verdict::kYes : Verdict::kMaybe;
}

// The most hopeful verdict: kYes if any is, kMaybe if any is.
Verdict Any(std::initializer_list<Verdict> verdicts) {
  Verdict best = Verdict::kNo;
  for (Verdict v : verdicts) {
    if (v == Verdict::kYes) return v;
    if (v == Verdict::kMaybe) best = v;
  }
  return best;
}

Verdict Tls(const Prefix& p) {
  // A TLS record: content type 22 (handshake), version 3.0-3.4 (SSL 3.0 to
  // TLS 1.3's legacy field).
  if (p.Has(1) && p.b[0] != 0x16) return Verdict::kNo;
  if (p.Has(2) && p.b[1] != 0x03) return Verdict::kNo;
  if (!p.Has(3)) return Verdict::kMaybe;
  return p.b[2] <= 0x04 ? Verdict::kYes : Verdict::kNo;
}

Verdict Http2(const Prefix& p) { return StartsWith(p, "PRI * HT"); }

Verdict Http1(const Prefix& p) {
  return Any({StartsWith(p, "GET "), StartsWith(p, "POST "), StartsWith(p, "PUT "),
              StartsWith(p, "HEAD "), StartsWith(p, "DELETE "), StartsWith(p, "OPTIONS "),
              StartsWith(p, "PATCH "), StartsWith(p, "CONNECT "), StartsWith(p, "TRACE ")});
}

// A Compact protocol id byte followed by "version 1" with a message type.
Verdict CompactAt(const Prefix& p, size_t i) {
  if (p.Has(i + 1) && p.b[i] != 0x82) return Verdict::kNo;
  if (!p.Has(i + 2)) return Verdict::kMaybe;
  const unsigned char b = p.b[i + 1];
  const unsigned type = b >> 5;
  return (b & 0x1F) == 1 && type >= 1 && type <= 4 ? Verdict::kYes : Verdict::kNo;
}

Verdict BufferedBinary(const Prefix& p) {
  if (p.Has(1) && p.b[0] != 0x80) return Verdict::kNo;
  if (!p.Has(2)) return Verdict::kMaybe;
  return p.b[1] == 0x01 ? Verdict::kYes : Verdict::kNo;
}

Verdict BufferedCompact(const Prefix& p) { return CompactAt(p, 0); }

// Bytes 0-3 of every framed kind are a length under 1 GiB; then bytes 4-5
// decide.
Verdict FramedBy(const Prefix& p, Verdict (*at4)(const Prefix&)) {
  if (p.Has(1) && (p.b[0] & 0xC0) != 0) return Verdict::kNo;
  if (!p.Has(5)) return Verdict::kMaybe;
  return at4(p);
}

Verdict Bytes45(const Prefix& p, unsigned char b4, unsigned char b5) {
  if (p.b[4] != b4) return Verdict::kNo;
  if (!p.Has(6)) return Verdict::kMaybe;
  return p.b[5] == b5 ? Verdict::kYes : Verdict::kNo;
}

Verdict THeader(const Prefix& p) {
  return FramedBy(p, [](const Prefix& q) { return Bytes45(q, 0x0F, 0xFF); });
}
Verdict TTHeader(const Prefix& p) {
  return FramedBy(p, [](const Prefix& q) { return Bytes45(q, 0x10, 0x00); });
}
Verdict FramedBinary(const Prefix& p) {
  return FramedBy(p, [](const Prefix& q) { return Bytes45(q, 0x80, 0x01); });
}
Verdict FramedCompact(const Prefix& p) {
  return FramedBy(p, [](const Prefix& q) { return CompactAt(q, 4); });
}

bool IsNameStart(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsNameChar(unsigned char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == ':';
}

// Non-strict Binary: an i32 name length, the name, a type byte, the
// sequence id. Only names of 1 to 255 identifier characters are taken
// (multiplexed "Service:method" names included). Framed never matches:
// a frame's byte 4 starts its message, which is 0x80 or 0x82 (strict
// Binary, Compact), 0x0F or 0x10 (header magic) or 0x00 (a non-strict name
// length), never an identifier character.
Verdict BufferedOldBinary(const Prefix& p) {
  for (size_t i = 0; i < 3; ++i) {
    if (p.Has(i + 1) && p.b[i] != 0) return Verdict::kNo;
  }
  if (!p.Has(4)) return Verdict::kMaybe;
  const size_t name_len = p.b[3];
  if (name_len == 0) return Verdict::kNo;
  for (size_t i = 4; i < kDetectBytes && i < 4 + name_len; ++i) {
    if (!p.Has(i + 1)) return Verdict::kMaybe;
    if (!(i == 4 ? IsNameStart(p.b[i]) : IsNameChar(p.b[i]))) return Verdict::kNo;
  }
  const size_t type_at = 4 + name_len;
  if (type_at < kDetectBytes) {
    if (!p.Has(type_at + 1)) return Verdict::kMaybe;
    if (p.b[type_at] < 1 || p.b[type_at] > 4) return Verdict::kNo;
  }
  return Verdict::kYes;
}

struct Rule {
  Verdict (*match)(const Prefix&);
  // A Thrift kind, or (when `not_thrift` is set) the protocol it looks like.
  Detected detected;
  const char* not_thrift;
};

constexpr Rule kRules[] = {
    {Tls, {}, "TLS"},
    {Http2, {}, "HTTP/2"},
    {Http1, {}, "HTTP/1.x"},
    {BufferedBinary, {Framing::kBuffered, ProtocolId::kBinary}, nullptr},
    {BufferedCompact, {Framing::kBuffered, ProtocolId::kCompact}, nullptr},
    {THeader, {Framing::kTHeader, ProtocolId::kBinary}, nullptr},
    {TTHeader, {Framing::kTTHeader, ProtocolId::kBinary}, nullptr},
    {FramedBinary, {Framing::kFramed, ProtocolId::kBinary}, nullptr},
    {FramedCompact, {Framing::kFramed, ProtocolId::kCompact}, nullptr},
    {BufferedOldBinary, {Framing::kBuffered, ProtocolId::kBinary}, nullptr},
};

std::string HexBytes(const Prefix& p) {
  std::string out;
  for (size_t i = 0; i < p.n; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : " ", absl::Hex(p.b[i], absl::kZeroPad2));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<Detected>> Detect(const transport::LinkBuffer& in) {
  Prefix p;
  iovec iov[kDetectBytes];
  const size_t count = in.PeekIovecs(iov, kDetectBytes, kDetectBytes);
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(p.b + p.n, iov[i].iov_base, iov[i].iov_len);
    p.n += iov[i].iov_len;
  }
  if (p.n == 0) return std::nullopt;
  bool undecided = false;  // an earlier rule still waits for bytes
  for (const Rule& rule : kRules) {
    const Verdict v = rule.match(p);
    if (v == Verdict::kMaybe) undecided = true;
    if (v != Verdict::kYes) continue;
    if (undecided) return std::nullopt;
    if (rule.not_thrift != nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("not a Thrift client: looks like ", rule.not_thrift));
    }
    // THeader and TTHeader carry their protocol in the header section;
    // the frame decoder reads it from there.
    return std::optional<Detected>(rule.detected);
  }
  if (undecided) return std::nullopt;
  return absl::InvalidArgumentError(absl::StrCat("unknown protocol, first bytes: ", HexBytes(p)));
}

}  // namespace vireo::codec
