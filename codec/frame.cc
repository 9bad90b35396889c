#include "vireo/codec/frame.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"
#include "vireo/codec/theader.h"
#include "vireo/codec/ttheader.h"
#include "vireo/codec/zlib_transform.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

// The framing bytes before the header section, after the length field.
constexpr uint32_t kPreambleAfterLength = kHeaderPreambleSize - 4;
// Framed's length is an i32 on the wire.
constexpr uint64_t kMaxFramedLength = 0x7FFFFFFF;

uint16_t LoadBE16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t LoadBE32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void StoreBE16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
void StoreBE32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

// Copies up to `n` bytes from the read position of `in` into `out` without
// consuming; returns how many there were.
size_t PeekPrefix(const LinkBuffer& in, unsigned char* out, size_t n) {
  iovec iov[kHeaderPreambleSize];
  const size_t count = in.PeekIovecs(iov, kHeaderPreambleSize, n);
  size_t have = 0;
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(out + have, iov[i].iov_base, iov[i].iov_len);
    have += iov[i].iov_len;
  }
  return have;
}

using internal::AbslView;

std::string Hex32(uint32_t v) { return absl::StrCat("0x", absl::Hex(v, absl::kZeroPad8)); }

// The length field of a Framed or header frame, checked as soon as its four
// bytes are in.
absl::Status CheckLength(std::string_view name, const unsigned char* p, const Limits& limits) {
  const uint32_t length = LoadBE32(p);
  if ((length & 0x80000000u) != 0) {
    // What a peer that does not frame at all sends first.
    const bool unframed = (p[0] == 0x80 && p[1] == 0x01) || p[0] == 0x82;
    return MalformedError(name, absl::StrCat("frame length ", Hex32(length), " is negative",
                                             unframed ? " (looks like an unframed message)" : ""));
  }
  if (length > limits.max_frame_size) {
    return LimitError("max_frame_size", absl::StrCat(AbslView(name), " frame length"), length,
                      limits.max_frame_size);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Frame>> DecodeFramed(LinkBuffer& in, const Limits& limits) {
  unsigned char pre[5];
  const size_t have = PeekPrefix(in, pre, sizeof(pre));
  if (have < 4) return std::nullopt;
  if (absl::Status s = CheckLength("framed", pre, limits); !s.ok()) return s;
  const uint32_t length = LoadBE32(pre);
  if (length == 0) return MalformedError("framed", "frame length is 0: no message");
  if (in.Len() - 4 < length) return std::nullopt;
  Frame frame;
  frame.header.framing = Framing::kFramed;
  frame.header.protocol = pre[4] == 0x82 ? ProtocolId::kCompact : ProtocolId::kBinary;
  (void)in.Skip(4);
  frame.payload = *in.Slice(length);
  return frame;
}

absl::StatusOr<std::optional<Frame>> DecodeHeaderFrame(Framing framing, LinkBuffer& in,
                                                       const Limits& limits) {
  const bool tt = framing == Framing::kTTHeader;
  const std::string_view name = tt ? "TTHeader" : "THeader";
  unsigned char pre[kHeaderPreambleSize];
  const size_t have = PeekPrefix(in, pre, sizeof(pre));
  if (have < 4) return std::nullopt;
  if (absl::Status s = CheckLength(name, pre, limits); !s.ok()) return s;
  const uint32_t length = LoadBE32(pre);
  if (length < kPreambleAfterLength) {
    return MalformedError(name, absl::StrCat("frame length ", length,
                                             " is below the 10 bytes of magic, flags, sequence "
                                             "id and header size"));
  }
  if (have < 6) return std::nullopt;
  const uint16_t magic = LoadBE16(pre + 4);
  const uint16_t want = tt ? kTTHeaderMagic : kTHeaderMagic;
  if (magic != want) {
    const char* other = magic == kTHeaderMagic    ? " (a THeader frame)"
                        : magic == kTTHeaderMagic ? " (a TTHeader frame)"
                                                  : "";
    return MalformedError(name, absl::StrCat("wrong magic 0x", absl::Hex(magic, absl::kZeroPad4),
                                             other, ", want 0x", absl::Hex(want, absl::kZeroPad4)));
  }
  if (have < kHeaderPreambleSize) return std::nullopt;
  const uint16_t words = LoadBE16(pre + 12);
  const uint32_t section_size = uint32_t{words} * 4;
  if (words == 0) {
    return MalformedError(name, "header size 0: no room for the protocol id and transform count");
  }
  if (section_size > length - kPreambleAfterLength) {
    return MalformedError(
        name, absl::StrCat("header size ", words, " words (", section_size,
                           " bytes) runs past the end of the frame (",
                           length - kPreambleAfterLength, " bytes after the preamble)"));
  }
  if (in.Len() - 4 < length) return std::nullopt;

  // The whole frame is in: parse the header section, then take the payload.
  Frame frame;
  FrameHeader& header = frame.header;
  header.framing = framing;
  header.flags = LoadBE16(pre + 6);
  header.seq_id = LoadBE32(pre + 8);
  absl::StatusOr<std::string_view> bytes = in.Peek(kHeaderPreambleSize + section_size);
  if (!bytes.ok()) return bytes.status();
  const std::string_view section = bytes->substr(kHeaderPreambleSize);
  absl::Status parsed =
      tt ? ParseTTHeaderSection(section, &header) : ParseTHeaderSection(section, &header);
  if (!parsed.ok()) return parsed;

  const size_t payload_offset = kHeaderPreambleSize + section_size;
  const size_t payload_size = length - kPreambleAfterLength - section_size;
  if (header.transforms.empty()) {
    (void)in.Skip(payload_offset);
    frame.payload = *in.Slice(payload_size);
    return frame;
  }
  // Undo the transforms in reverse order (all zlib: ParseT*Section refuses
  // others) before consuming anything, so that a failure leaves `in` as it
  // was.
  absl::StatusOr<LinkBuffer> plain =
      ZlibInflate(in, payload_offset, payload_size, limits.max_inflated_size);
  for (size_t i = 1; plain.ok() && i < header.transforms.size(); ++i) {
    plain = ZlibInflate(*plain, limits.max_inflated_size);
  }
  if (!plain.ok()) return plain.status();
  (void)in.Skip(payload_offset + payload_size);
  frame.payload = std::move(*plain);
  return frame;
}

absl::StatusOr<std::optional<Frame>> DecodeBuffered(MessageScanner& scanner, LinkBuffer& in) {
  absl::StatusOr<std::optional<size_t>> size = scanner.Scan(in);
  if (!size.ok()) return size.status();
  if (!size->has_value()) return std::nullopt;
  Frame frame;
  frame.header.framing = Framing::kBuffered;
  frame.header.protocol = scanner.protocol().value_or(ProtocolId::kBinary);
  frame.payload = *in.Slice(**size);
  scanner.Reset();
  return frame;
}

absl::Status CheckNoTransforms(const FrameHeader& header) {
  if (header.transforms.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(FramingName(header.framing)), " framing cannot carry transforms (",
                   header.transforms.size(), " given); use THeader or TTHeader"));
}

}  // namespace

std::string_view FramingName(Framing framing) {
  switch (framing) {
    case Framing::kBuffered:
      return "Buffered";
    case Framing::kFramed:
      return "Framed";
    case Framing::kTHeader:
      return "THeader";
    case Framing::kTTHeader:
      return "TTHeader";
  }
  return "unknown";
}

std::string_view TransformName(uint16_t id) {
  switch (id) {
    case 1:
      return "zlib";
    case 2:
      return "hmac";
    case 3:
      return "snappy";
    case 4:
      return "qlz";
    case 5:
      return "zstd";
    default:
      return "unknown";
  }
}

const std::string* FrameHeader::FindHeader(std::string_view key) const {
  for (const auto& [k, v] : headers) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::string* FrameHeader::FindIntHeader(uint16_t key) const {
  for (const auto& [k, v] : int_headers) {
    if (k == key) return &v;
  }
  return nullptr;
}

absl::StatusOr<std::optional<Frame>> DecodeFrame(Framing framing, LinkBuffer& in,
                                                 const Limits& limits) {
  switch (framing) {
    case Framing::kBuffered: {
      MessageScanner scanner(limits);
      return DecodeBuffered(scanner, in);
    }
    case Framing::kFramed:
      return DecodeFramed(in, limits);
    case Framing::kTHeader:
    case Framing::kTTHeader:
      return DecodeHeaderFrame(framing, in, limits);
  }
  return absl::InvalidArgumentError("DecodeFrame: unknown framing");
}

absl::Status EncodeFrame(const FrameHeader& header, LinkBuffer&& payload, LinkBuffer& out) {
  payload.Flush();
  switch (header.framing) {
    case Framing::kBuffered:
      if (absl::Status s = CheckNoTransforms(header); !s.ok()) return s;
      out.Append(std::move(payload));
      return absl::OkStatus();
    case Framing::kFramed: {
      if (absl::Status s = CheckNoTransforms(header); !s.ok()) return s;
      const size_t length = payload.Len();
      if (length > kMaxFramedLength) {
        return absl::InvalidArgumentError(
            absl::StrCat("Framed: a ", length, "-byte message exceeds the ", kMaxFramedLength,
                         " bytes a frame length can describe"));
      }
      StoreBE32(out.Malloc(4), static_cast<uint32_t>(length));
      out.Append(std::move(payload));
      return absl::OkStatus();
    }
    case Framing::kTHeader:
    case Framing::kTTHeader:
      break;
    default:
      return absl::InvalidArgumentError("EncodeFrame: unknown framing");
  }

  const bool tt = header.framing == Framing::kTTHeader;
  for (uint16_t id : header.transforms) {
    if (id != kZlibTransform) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(FramingName(header.framing)), ": transform ", id, " (",
                       AbslView(TransformName(id)), ") is not supported"));
    }
  }
  absl::StatusOr<size_t> section_size =
      tt ? TTHeaderSectionSize(header) : THeaderSectionSize(header);
  if (!section_size.ok()) return section_size.status();
  if (header.transforms.size() > kMaxTransforms) {
    return absl::InvalidArgumentError(absl::StrCat(
        AbslView(FramingName(header.framing)), ": transform count ", header.transforms.size(),
        " exceeds the ", kMaxTransforms, " transforms a frame may list"));
  }
  LinkBuffer body = std::move(payload);
  for (size_t i = 0; i < header.transforms.size(); ++i) {
    absl::StatusOr<LinkBuffer> packed = ZlibDeflate(body);
    if (!packed.ok()) return packed.status();
    body = std::move(*packed);
  }
  const uint64_t length = uint64_t{kPreambleAfterLength} + *section_size + body.Len();
  if (length > kMaxHeaderFrameLength) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(FramingName(header.framing)),
                                                   ": frame length ", length, " exceeds ",
                                                   kMaxHeaderFrameLength));
  }
  char* p = out.Malloc(kHeaderPreambleSize + *section_size);
  StoreBE32(p, static_cast<uint32_t>(length));
  StoreBE16(p + 4, tt ? kTTHeaderMagic : kTHeaderMagic);
  StoreBE16(p + 6, header.flags);
  StoreBE32(p + 8, header.seq_id);
  StoreBE16(p + 12, static_cast<uint16_t>(*section_size / 4));
  if (tt) {
    WriteTTHeaderSection(header, p + kHeaderPreambleSize);
  } else {
    WriteTHeaderSection(header, p + kHeaderPreambleSize);
  }
  out.Append(std::move(body));
  return absl::OkStatus();
}

FrameDecoder::FrameDecoder(Framing framing, const Limits& limits)
    : framing_(framing), limits_(limits), scanner_(limits) {}

absl::StatusOr<std::optional<Frame>> FrameDecoder::Decode(LinkBuffer& in) {
  absl::StatusOr<std::optional<Frame>> frame = framing_ == Framing::kBuffered
                                                   ? DecodeBuffered(scanner_, in)
                                                   : DecodeFrame(framing_, in, limits_);
  if (frame.ok() && frame->has_value()) in.Release();
  return frame;
}

void FrameDecoder::Reset() { scanner_.Reset(); }

}  // namespace vireo::codec
