// Frames: Framed, THeader, TTHeader and Buffered, encoded and decoded.
#include "vireo/codec/frame.h"

#include <sys/resource.h>

#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "vireo/codec/theader.h"
#include "vireo/codec/ttheader.h"
#include "vireo/codec/zlib_transform.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

LinkBuffer Buffer(std::string_view data) {
  LinkBuffer b;
  b.Write(data);
  b.Flush();
  return b;
}

// A buffer holding `data` with a block edge after `edge` bytes.
LinkBuffer Split(std::string_view data, size_t edge) {
  LinkBuffer out;
  LinkBuffer first;
  first.Write(data.substr(0, edge));
  LinkBuffer second;
  second.Write(data.substr(edge));
  out.Append(std::move(first));
  out.Append(std::move(second));
  out.Flush();
  return out;
}

std::string BE32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// A strict Binary call "echo"(1: string arg), written by hand.
std::string BinaryCall(int32_t seq, const std::string& arg) {
  std::string m =
      std::string("\x80\x01\x00\x01", 4) + BE32(4) + "echo" + BE32(static_cast<uint32_t>(seq));
  m += std::string("\x0b\x00\x01", 3) + BE32(static_cast<uint32_t>(arg.size())) + arg;
  m += std::string(1, '\0');  // field stop
  return m;
}

// The same call in Compact (seq and arg length below 128: one-byte varints).
std::string CompactCall(uint8_t seq, const std::string& arg) {
  std::string m = "\x82\x21";  // protocol id; type call (1) << 5 | version 1
  m += static_cast<char>(seq);
  m += "\004echo";
  m += "\x18";  // field delta 1, type binary (8)
  m += static_cast<char>(arg.size());
  m += arg;
  m += std::string(1, '\0');
  return m;
}

std::string Encode(const FrameHeader& header, std::string_view payload) {
  LinkBuffer out;
  absl::Status s = EncodeFrame(header, Buffer(payload), out);
  EXPECT_TRUE(s.ok()) << s;
  out.Flush();
  return out.ReadableCopy();
}

struct Decoded {
  FrameHeader header;
  std::string payload;
};

// Decodes exactly one frame from all of `wire`.
Decoded DecodeAll(Framing framing, std::string_view wire, const Limits& limits = Limits()) {
  LinkBuffer in = Buffer(wire);
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(framing, in, limits);
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok() || !f->has_value()) {
    ADD_FAILURE() << "no frame";
    return {};
  }
  EXPECT_EQ(in.Len(), 0u) << "the frame is consumed, nothing more";
  return {(*f)->header, (*f)->payload.ReadableCopy()};
}

// Expects `wire` to be rejected as soon as it is all in, with `code` and a
// message containing `what`, consuming nothing.
void ExpectError(Framing framing, std::string_view wire, absl::StatusCode code,
                 std::string_view what, const Limits& limits = Limits()) {
  LinkBuffer in = Buffer(wire);
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(framing, in, limits);
  ASSERT_FALSE(f.ok()) << "decoded a frame from " << wire.size() << " bytes";
  EXPECT_EQ(f.status().code(), code) << f.status();
  EXPECT_NE(f.status().message().find(std::string(what)), std::string::npos) << f.status();
  EXPECT_EQ(in.Len(), wire.size()) << "an error consumes nothing";
}

FrameHeader FullTTHeader() {
  FrameHeader h;
  h.framing = Framing::kTTHeader;
  h.flags = kFlagSupportOutOfOrder;
  h.seq_id = 0x01020304;
  h.headers = {{"biz-status", "0"}, {"trace", "abc"}, {"", ""}};
  h.int_headers = {{kTTHeaderToMethod, "echo"}, {kTTHeaderRpcTimeout, "1000"}};
  h.acl_token = "token";
  return h;
}

FrameHeader FullTHeader() {
  FrameHeader h;
  h.framing = Framing::kTHeader;
  h.protocol = ProtocolId::kCompact;
  h.seq_id = 42;
  h.headers = {{"a", "1"}, {"b", std::string(300, 'x')}, {"a", "dup"}};
  return h;
}

// ---- Round trips ----

TEST(Frame, FramedRoundTripReadsTheProtocolOffTheMessage) {
  for (const std::string& message : {BinaryCall(7, "hi"), CompactCall(7, "hi")}) {
    FrameHeader h;
    h.framing = Framing::kFramed;
    const std::string wire = Encode(h, message);
    EXPECT_EQ(wire, BE32(static_cast<uint32_t>(message.size())) + message);
    Decoded d = DecodeAll(Framing::kFramed, wire);
    EXPECT_EQ(d.header.framing, Framing::kFramed);
    EXPECT_EQ(d.header.protocol, message[0] == '\x82' ? ProtocolId::kCompact : ProtocolId::kBinary);
    EXPECT_EQ(d.payload, message);
  }
}

TEST(Frame, BufferedRoundTripIsTheBareMessage) {
  for (const std::string& message : {BinaryCall(7, "hi"), CompactCall(7, "hi")}) {
    FrameHeader h;
    h.framing = Framing::kBuffered;
    const std::string wire = Encode(h, message);
    EXPECT_EQ(wire, message);
    Decoded d = DecodeAll(Framing::kBuffered, wire);
    EXPECT_EQ(d.header.framing, Framing::kBuffered);
    EXPECT_EQ(d.header.protocol, message[0] == '\x82' ? ProtocolId::kCompact : ProtocolId::kBinary);
    EXPECT_EQ(d.payload, message);
  }
}

TEST(Frame, THeaderRoundTripWithAndWithoutZlib) {
  for (bool zlib : {false, true}) {
    FrameHeader h = FullTHeader();
    if (zlib) h.transforms = {kZlibTransform};
    const std::string message = CompactCall(42, std::string(500, 'z'));
    const std::string wire = Encode(h, message);
    EXPECT_EQ(wire.substr(4, 2), "\x0f\xff");
    if (zlib) {
      EXPECT_LT(wire.size(), message.size()) << "compressed";
    }
    Decoded d = DecodeAll(Framing::kTHeader, wire);
    EXPECT_EQ(d.header, h) << "zlib " << zlib;
    EXPECT_EQ(d.payload, message) << "the payload comes out plain";
  }
}

TEST(Frame, TTHeaderRoundTripWithAndWithoutZlib) {
  for (bool zlib : {false, true}) {
    FrameHeader h = FullTTHeader();
    if (zlib) h.transforms = {kZlibTransform};
    const std::string message = BinaryCall(0x01020304, std::string(500, 'z'));
    const std::string wire = Encode(h, message);
    EXPECT_EQ(wire.substr(4, 2), std::string("\x10\x00", 2));
    Decoded d = DecodeAll(Framing::kTTHeader, wire);
    EXPECT_EQ(d.header, h) << "zlib " << zlib;
    EXPECT_EQ(d.payload, message);
  }
}

TEST(Frame, DoubleZlibIsUndoneInReverse) {
  FrameHeader h = FullTHeader();
  h.transforms = {kZlibTransform, kZlibTransform};
  const std::string message = BinaryCall(1, std::string(2000, 'q'));
  Decoded d = DecodeAll(Framing::kTHeader, Encode(h, message));
  EXPECT_EQ(d.header, h);
  EXPECT_EQ(d.payload, message);
}

TEST(Frame, EmptyHeaderSectionsStillPadToWords) {
  for (Framing framing : {Framing::kTHeader, Framing::kTTHeader}) {
    FrameHeader h;
    h.framing = framing;
    const std::string wire = Encode(h, BinaryCall(1, ""));
    const size_t words = (static_cast<uint8_t>(wire[12]) << 8) | static_cast<uint8_t>(wire[13]);
    EXPECT_EQ(words, 1u) << FramingName(framing);  // 2 bytes + 2 of padding
    Decoded d = DecodeAll(framing, wire);
    EXPECT_EQ(d.header, h);
  }
}

TEST(Frame, PayloadIsASliceOfTheInputNotACopy) {
  const std::string message = BinaryCall(3, std::string(20000, 'p'));
  for (Framing framing : {Framing::kFramed, Framing::kTHeader, Framing::kTTHeader}) {
    FrameHeader h;
    h.framing = framing;
    LinkBuffer in = Buffer(Encode(h, message));
    const size_t prefix = in.Len() - message.size();
    const char* where = in.Front().data() + prefix;
    absl::StatusOr<std::optional<Frame>> f = DecodeFrame(framing, in, Limits());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    EXPECT_EQ((*f)->payload.Front().data(), where) << FramingName(framing);
  }
}

TEST(Frame, EncodeLinksThePayloadWithoutACopy) {
  std::string big(LinkBuffer::kLinkThreshold * 2, 'b');
  LinkBuffer payload;
  payload.WriteBinary(big, nullptr);
  FrameHeader h;
  h.framing = Framing::kTTHeader;
  LinkBuffer out;
  ASSERT_TRUE(EncodeFrame(h, std::move(payload), out).ok());
  out.Flush();
  ASSERT_TRUE(out.Skip(kHeaderPreambleSize + 4).ok());
  EXPECT_EQ(out.Front().data(), big.data());
}

TEST(Frame, DecodesAcrossEveryBlockEdge) {
  struct Case {
    FrameHeader header;
    std::string message;
  };
  FrameHeader framed;
  framed.framing = Framing::kFramed;
  FrameHeader buffered;
  buffered.framing = Framing::kBuffered;
  FrameHeader zlib = FullTHeader();
  zlib.transforms = {kZlibTransform};
  const std::vector<Case> cases = {
      {framed, BinaryCall(1, "abc")},
      {buffered, CompactCall(2, "abc")},
      {FullTHeader(), BinaryCall(3, "abc")},
      {FullTTHeader(), BinaryCall(4, "abc")},
      {zlib, BinaryCall(5, std::string(100, 'x'))},
  };
  for (const Case& c : cases) {
    const std::string wire = Encode(c.header, c.message);
    for (size_t edge = 1; edge < wire.size(); ++edge) {
      LinkBuffer in = Split(wire, edge);
      absl::StatusOr<std::optional<Frame>> f = DecodeFrame(c.header.framing, in, Limits());
      ASSERT_TRUE(f.ok() && f->has_value()) << FramingName(c.header.framing) << " " << edge;
      FrameHeader want = c.header;
      if (want.framing == Framing::kBuffered) want.protocol = ProtocolId::kCompact;
      EXPECT_EQ((*f)->header, want);
      EXPECT_EQ((*f)->payload.ReadableCopy(), c.message);
    }
  }
}

TEST(Frame, BackToBackFramesDecodeInOrder) {
  FrameHeader h = FullTTHeader();
  std::string wire;
  for (int i = 0; i < 3; ++i) {
    h.seq_id = i;
    wire += Encode(h, BinaryCall(i, std::string(i * 10, 'a')));
  }
  LinkBuffer in = Buffer(wire);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTTHeader, in, Limits());
    ASSERT_TRUE(f.ok() && f->has_value());
    EXPECT_EQ((*f)->header.seq_id, static_cast<uint32_t>(i));
    EXPECT_EQ((*f)->payload.ReadableCopy(), BinaryCall(i, std::string(i * 10, 'a')));
  }
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTTHeader, in, Limits());
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
}

// Every proper prefix of a valid frame waits: no error, nothing consumed,
// and nothing read beyond it (the rest of the frame is written but not yet
// flushed, and poisoned, while the prefix is decoded).
TEST(Frame, EveryTruncationWaitsAndReadsNothingUnpublished) {
  FrameHeader framed;
  framed.framing = Framing::kFramed;
  FrameHeader buffered;
  buffered.framing = Framing::kBuffered;
  FrameHeader thz = FullTHeader();
  thz.transforms = {kZlibTransform};
  FrameHeader ttz = FullTTHeader();
  ttz.transforms = {kZlibTransform};
  const std::vector<std::pair<FrameHeader, std::string>> cases = {
      {framed, BinaryCall(1, "abc")},
      {buffered, BinaryCall(2, "abc")},
      {buffered, CompactCall(3, "abc")},
      {FullTHeader(), CompactCall(4, "abc")},
      {thz, CompactCall(5, std::string(50, 'c'))},
      {FullTTHeader(), BinaryCall(6, "abc")},
      {ttz, BinaryCall(7, std::string(50, 'c'))},
  };
  for (const auto& [header, message] : cases) {
    const std::string wire = Encode(header, message);
    for (size_t k = 0; k < wire.size(); ++k) {
      LinkBuffer in;
      in.Write(wire.substr(0, k));
      in.Flush();
      char* rest = in.Malloc(wire.size() - k);
      std::memset(rest, 0xEE, wire.size() - k);
      absl::StatusOr<std::optional<Frame>> f = DecodeFrame(header.framing, in, Limits());
      ASSERT_TRUE(f.ok()) << FramingName(header.framing) << " prefix " << k << ": " << f.status();
      EXPECT_FALSE(f->has_value()) << FramingName(header.framing) << " prefix " << k;
      EXPECT_EQ(in.Len(), k);
      std::memcpy(rest, wire.data() + k, wire.size() - k);
      in.Flush();
      f = DecodeFrame(header.framing, in, Limits());
      ASSERT_TRUE(f.ok() && f->has_value()) << FramingName(header.framing) << " prefix " << k;
      EXPECT_EQ((*f)->payload.ReadableCopy(), message);
      EXPECT_EQ(in.Len(), 0u);
    }
  }
}

TEST(Frame, FrameDecoderResumesBufferedMessagesArrivingByteByByte) {
  const std::string wire = BinaryCall(1, "first") + CompactCall(2, "second") + BinaryCall(3, "");
  FrameDecoder decoder(Framing::kBuffered, Limits());
  LinkBuffer in;
  std::vector<std::string> got;
  for (char c : wire) {
    in.Write(std::string_view(&c, 1));
    in.Flush();
    while (true) {
      absl::StatusOr<std::optional<Frame>> f = decoder.Decode(in);
      ASSERT_TRUE(f.ok()) << f.status();
      if (!f->has_value()) break;
      got.push_back((*f)->payload.ReadableCopy());
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{BinaryCall(1, "first"), CompactCall(2, "second"),
                                           BinaryCall(3, "")}));
}

TEST(Frame, FrameDecoderDecodesHeaderFramings) {
  FrameHeader h = FullTTHeader();
  const std::string wire = Encode(h, BinaryCall(1, "x"));
  FrameDecoder decoder(Framing::kTTHeader, Limits());
  LinkBuffer in = Buffer(wire);
  absl::StatusOr<std::optional<Frame>> f = decoder.Decode(in);
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->header, h);
}

TEST(Frame, FrameDecoderLeavesTheFrameTheOnlyHolderOfItsBlocks) {
  // A frame over two blocks, then the start of the next frame: once the
  // first is decoded, the input keeps only the block with unread bytes.
  FrameHeader h;
  h.framing = Framing::kFramed;
  const std::string first = Encode(h, BinaryCall(1, std::string(1000, 'a')));
  LinkBuffer in = Split(first + Encode(h, BinaryCall(2, "b")).substr(0, 2), 500);
  ASSERT_EQ(in.BlockCount(), 2u);
  FrameDecoder decoder(Framing::kFramed, Limits());
  absl::StatusOr<std::optional<Frame>> f = decoder.Decode(in);
  ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
  EXPECT_EQ(in.BlockCount(), 1u);
  EXPECT_EQ(in.Len(), 2u);
  EXPECT_EQ((*f)->payload.ReadableCopy(), BinaryCall(1, std::string(1000, 'a')));
}

TEST(Frame, FindHeaderReturnsTheFirstMatch) {
  FrameHeader h = FullTHeader();
  ASSERT_NE(h.FindHeader("a"), nullptr);
  EXPECT_EQ(*h.FindHeader("a"), "1");
  EXPECT_EQ(h.FindHeader("missing"), nullptr);
  FrameHeader t = FullTTHeader();
  ASSERT_NE(t.FindIntHeader(kTTHeaderRpcTimeout), nullptr);
  EXPECT_EQ(*t.FindIntHeader(kTTHeaderRpcTimeout), "1000");
  EXPECT_EQ(t.FindIntHeader(kTTHeaderFromService), nullptr);
}

// ---- Golden bytes, built from the specifications ----

TEST(Frame, TTHeaderGoldenBytes) {
  const std::string payload = BinaryCall(7, "");  // 24 bytes
  ASSERT_EQ(payload.size(), 24u);
  // clang-format off
  const std::string preamble = {
      0x00, 0x00, 0x00, 0x3e,  // length: 10 + 28 header + 24 payload = 62
      0x10, 0x00,              // magic: TTHeader
      0x00, 0x01,              // flags: supports out-of-order replies
      0x00, 0x00, 0x00, 0x07,  // sequence id 7
      0x00, 0x07,              // header size: 7 words = 28 bytes
  };
  const std::string section = {
      0x00,                    // protocol id: Binary
      0x00,                    // transform count: 0
      0x11,                    // info: ACL token
      0x00, 0x02, 't', 'k',    //   u16 length 2, "tk"
      0x01,                    // info: string key/value
      0x00, 0x01,              //   u16 count 1
      0x00, 0x01, 'a',         //   key: u16 length 1, "a"
      0x00, 0x01, 'b',         //   value: u16 length 1, "b"
      0x10,                    // info: int key/value
      0x00, 0x01,              //   u16 count 1
      0x00, 0x09,              //   key 9 (to-method)
      0x00, 0x04, 'e', 'c', 'h', 'o',  //   value: u16 length 4, "echo"
      0x00,                    // padding: 27 bytes -> 28
  };
  // clang-format on
  ASSERT_EQ(section.size(), 28u);
  const std::string wire = preamble + section + payload;

  FrameHeader want;
  want.framing = Framing::kTTHeader;
  want.flags = kFlagSupportOutOfOrder;
  want.seq_id = 7;
  want.acl_token = "tk";
  want.headers = {{"a", "b"}};
  want.int_headers = {{kTTHeaderToMethod, "echo"}};

  Decoded d = DecodeAll(Framing::kTTHeader, wire);
  EXPECT_EQ(d.header, want);
  EXPECT_EQ(d.payload, payload);
  EXPECT_EQ(Encode(want, payload), wire) << "the encoder writes the same bytes";
}

TEST(Frame, TTHeaderDecodesPaddingBetweenInfoBlocks) {
  // Kitex skips 0x00 bytes wherever an info id may stand.
  // clang-format off
  const std::string section = {
      0x02,              // protocol id: Compact
      0x00,              // transform count: 0
      0x00,              // padding
      0x10,              // info: int key/value
      0x00, 0x01,        //   count 1
      0x00, 0x0c,        //   key 12 (RPC timeout)
      0x00, 0x02, '5', '0',  //   "50"
      0x00, 0x00,        // padding
      0x01,              // info: string key/value
      0x00, 0x00,        //   count 0
  };
  // clang-format on
  ASSERT_EQ(section.size(), 17u);
  const std::string padded = section + std::string(3, '\0');  // 20 bytes = 5 words
  const std::string payload = CompactCall(1, "");
  const std::string wire = BE32(10 + 20 + payload.size()) + std::string("\x10\x00\x00\x00", 4) +
                           BE32(1) + std::string("\x00\x05", 2) + padded + payload;
  Decoded d = DecodeAll(Framing::kTTHeader, wire);
  EXPECT_EQ(d.header.protocol, ProtocolId::kCompact);
  EXPECT_EQ(d.header.int_headers,
            (IntHeaders{{kTTHeaderRpcTimeout, "50"}}));
  EXPECT_TRUE(d.header.headers.empty());
  EXPECT_EQ(d.payload, payload);
}

TEST(Frame, THeaderGoldenBytes) {
  const std::string payload = CompactCall(7, "");  // 11 bytes
  ASSERT_EQ(payload.size(), 11u);
  // clang-format off
  const std::string preamble = {
      0x00, 0x00, 0x00, 0x21,  // length: 10 + 12 header + 11 payload = 33
      0x0f, '\xff',            // magic: THeader
      0x00, 0x00,              // flags
      0x00, 0x00, 0x00, 0x07,  // sequence id 7
      0x00, 0x03,              // header size: 3 words = 12 bytes
  };
  const std::string section = {
      0x02,             // protocol id (varint): Compact
      0x01,             // transform count (varint): 1
      0x01,             // transform id (varint): zlib
      0x01,             // info id (varint): key/value
      0x01,             // count (varint): 1
      0x01, 'k',        // key: varint length 1, "k"
      0x02, 'v', 'w',   // value: varint length 2, "vw"
      0x00, 0x00,       // padding: 10 bytes -> 12
  };
  // clang-format on
  FrameHeader want;
  want.framing = Framing::kTHeader;
  want.protocol = ProtocolId::kCompact;
  want.seq_id = 7;
  want.transforms = {kZlibTransform};
  want.headers = {{"k", "vw"}};
  // With zlib the payload bytes depend on zlib's version: check the header
  // bytes only, then decode through a frame without the transform.
  const std::string encoded = Encode(want, payload);
  EXPECT_EQ(encoded.substr(4, 10), preamble.substr(4, 10));
  EXPECT_EQ(encoded.substr(14, section.size()), section);

  want.transforms.clear();
  // clang-format off
  const std::string plain_section = {
      0x02,             // protocol id: Compact
      0x00,             // transform count: 0
      0x01,             // info id: key/value
      0x01,             // count 1
      0x01, 'k',        // "k"
      0x02, 'v', 'w',   // "vw"
      0x00, 0x00, 0x00,  // padding: 9 bytes -> 12
  };
  // clang-format on
  const std::string wire = preamble + plain_section + payload;
  Decoded d = DecodeAll(Framing::kTHeader, wire);
  EXPECT_EQ(d.header, want);
  EXPECT_EQ(d.payload, payload);
  EXPECT_EQ(Encode(want, payload), wire);
}

TEST(Frame, THeaderPadsAnAlignedSectionWithFourBytesAsApacheDoes) {
  FrameHeader h;
  h.framing = Framing::kTHeader;
  h.headers = {{"ab", "c"}};  // 00 00 01 01 02 'a' 'b' 01 'c' = 9 bytes -> 12
  EXPECT_EQ(*THeaderSectionSize(h), 12u);
  h.headers = {{"abcd", "ef"}};  // 2 + 2 + 5 + 3 = 12 bytes: 4 more
  EXPECT_EQ(*THeaderSectionSize(h), 16u);
  const std::string wire = Encode(h, BinaryCall(1, ""));
  EXPECT_EQ(wire.substr(14 + 12, 4), std::string(4, '\0'));
  EXPECT_EQ(DecodeAll(Framing::kTHeader, wire).header, h);
}

TEST(Frame, THeaderStopsAtAnUnknownInfoIdAsApacheDoes) {
  // Info id 2 (fbthrift's persistent key/values) after a key/value block:
  // the key/values are kept, the rest of the section is skipped.
  const std::string section = {0x00, 0x00, 0x01, 0x01, 0x01, 'k', 0x01, 'v',
                               0x02, 0x01, 0x01, 'p',  0x01, 'q', 0x00, 0x00};
  const std::string payload = BinaryCall(1, "");
  const std::string wire = BE32(10 + 16 + payload.size()) + std::string("\x0f\xff\x00\x00", 4) +
                           BE32(9) + std::string("\x00\x04", 2) + section + payload;
  Decoded d = DecodeAll(Framing::kTHeader, wire);
  EXPECT_EQ(d.header.headers, (StringHeaders{{"k", "v"}}));
  EXPECT_EQ(d.header.seq_id, 9u);
  EXPECT_EQ(d.payload, payload);
}

// ---- Malformed input ----

// A header frame around `section` (padded by the caller) and `payload`.
std::string HeaderFrame(uint16_t magic, std::string_view section, std::string_view payload = "") {
  return BE32(static_cast<uint32_t>(10 + section.size() + payload.size())) +
         std::string{static_cast<char>(magic >> 8), static_cast<char>(magic), 0, 0} + BE32(1) +
         std::string{static_cast<char>(section.size() / 4 >> 8),
                     static_cast<char>(section.size() / 4)} +
         std::string(section) + std::string(payload);
}

TEST(FrameErrors, NegativeLengthsAreRejectedFromTheirFourBytes) {
  // An unframed strict Binary message read as a frame length.
  ExpectError(Framing::kFramed, std::string("\x80\x01\x00\x01", 4),
              absl::StatusCode::kInvalidArgument,
              "frame length 0x80010001 is negative (looks like an unframed message)");
  ExpectError(Framing::kTHeader, "\xff\xff\xff\xfe", absl::StatusCode::kInvalidArgument,
              "THeader input: frame length 0xfffffffe is negative");
  ExpectError(Framing::kTTHeader, "\x82\x21\x07\x04", absl::StatusCode::kInvalidArgument,
              "is negative (looks like an unframed message)");
}

TEST(FrameErrors, OversizedLengthsAreLimitErrors) {
  Limits limits;
  limits.max_frame_size = 1000;
  for (Framing framing : {Framing::kFramed, Framing::kTHeader, Framing::kTTHeader}) {
    ExpectError(framing, BE32(1001), absl::StatusCode::kResourceExhausted,
                "max_frame_size exceeded", limits);
    ExpectError(framing, BE32(1001), absl::StatusCode::kResourceExhausted,
                "frame length is 1001, the limit is 1000", limits);
  }
  // Exactly the limit is fine: it waits for the bytes.
  LinkBuffer in = Buffer(BE32(1000));
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kFramed, in, limits);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
}

TEST(FrameErrors, TooShortLengths) {
  ExpectError(Framing::kFramed, BE32(0), absl::StatusCode::kInvalidArgument, "frame length is 0");
  ExpectError(Framing::kTHeader, BE32(9), absl::StatusCode::kInvalidArgument,
              "frame length 9 is below the 10 bytes");
}

TEST(FrameErrors, WrongMagicIsRejectedFromItsTwoBytes) {
  ExpectError(Framing::kTHeader, BE32(100) + std::string("\x10\x00", 2),
              absl::StatusCode::kInvalidArgument,
              "wrong magic 0x1000 (a TTHeader frame), want 0x0fff");
  ExpectError(Framing::kTTHeader, BE32(100) + "\x0f\xff", absl::StatusCode::kInvalidArgument,
              "wrong magic 0x0fff (a THeader frame), want 0x1000");
  ExpectError(Framing::kTTHeader, BE32(100) + "\x80\x01", absl::StatusCode::kInvalidArgument,
              "wrong magic 0x8001, want 0x1000");
}

TEST(FrameErrors, HeaderSizeMustFitTheFrame) {
  // Length 20: 10 bytes after the preamble, but 3 words (12 bytes) claimed.
  ExpectError(Framing::kTHeader,
              BE32(20) + std::string("\x0f\xff\x00\x00", 4) + BE32(1) + std::string("\x00\x03", 2),
              absl::StatusCode::kInvalidArgument,
              "header size 3 words (12 bytes) runs past the end of the frame (10 bytes after the "
              "preamble)");
  ExpectError(Framing::kTTHeader,
              BE32(20) + std::string("\x10\x00\x00\x00", 4) + BE32(1) + std::string("\x00\x00", 2),
              absl::StatusCode::kInvalidArgument, "header size 0");
}

TEST(FrameErrors, UnknownProtocolIds) {
  ExpectError(Framing::kTHeader, HeaderFrame(kTHeaderMagic, std::string("\x05\x00\x00\x00", 4)),
              absl::StatusCode::kInvalidArgument, "unknown protocol id 5");
  ExpectError(Framing::kTHeader, HeaderFrame(kTHeaderMagic, std::string("\x01\x00\x00\x00", 4)),
              absl::StatusCode::kInvalidArgument, "protocol id 1 (JSON) is not supported");
  ExpectError(Framing::kTTHeader, HeaderFrame(kTTHeaderMagic, std::string("\x04\x00\x00\x00", 4)),
              absl::StatusCode::kInvalidArgument, "protocol id 4 (Kitex protobuf)");
  ExpectError(Framing::kTTHeader, HeaderFrame(kTTHeaderMagic, std::string("\x09\x00\x00\x00", 4)),
              absl::StatusCode::kInvalidArgument, "TTHeader input: unknown protocol id 9");
}

TEST(FrameErrors, UnsupportedTransforms) {
  ExpectError(Framing::kTHeader, HeaderFrame(kTHeaderMagic, std::string("\x00\x01\x03\x00", 4)),
              absl::StatusCode::kInvalidArgument, "transform 3 (snappy) is not supported");
  ExpectError(Framing::kTTHeader, HeaderFrame(kTTHeaderMagic, std::string("\x00\x01\x05\x00", 4)),
              absl::StatusCode::kInvalidArgument, "transform 5 (zstd) is not supported");
  ExpectError(Framing::kTTHeader, HeaderFrame(kTTHeaderMagic, std::string("\x00\x09\x01\x00", 4)),
              absl::StatusCode::kInvalidArgument, "transform count 9 exceeds the 2 bytes left");
}

TEST(FrameErrors, BadVarints) {
  ExpectError(Framing::kTHeader,
              HeaderFrame(kTHeaderMagic, std::string("\x80\x80\x80\x80\x80\x01\x00\x00", 8)),
              absl::StatusCode::kInvalidArgument, "protocol id: varint longer than 5 bytes");
  ExpectError(Framing::kTHeader, HeaderFrame(kTHeaderMagic, std::string("\x00\x80\x80\x80", 4)),
              absl::StatusCode::kInvalidArgument,
              "transform count: varint runs past the end of the header section (4 bytes)");
  ExpectError(Framing::kTHeader,
              HeaderFrame(kTHeaderMagic, std::string("\x00\x00\x01\xff\xff\xff\xff\x7f", 8)),
              absl::StatusCode::kInvalidArgument, "key/value count: varint 34359738367 exceeds");
}

TEST(FrameErrors, InfoBlocksMustStayInsideTheHeaderSection) {
  // THeader: a key of 9 bytes with 3 left; a count no section could hold.
  ExpectError(Framing::kTHeader,
              HeaderFrame(kTHeaderMagic, std::string("\x00\x00\x01\x01\x09kkk", 8)),
              absl::StatusCode::kInvalidArgument,
              "key of 9 bytes runs past the end of the header section (3 bytes left)");
  ExpectError(Framing::kTHeader, HeaderFrame(kTHeaderMagic, std::string("\x00\x00\x01\x7f", 4)),
              absl::StatusCode::kInvalidArgument, "key/value count 127 exceeds what the 0 bytes");
  // TTHeader: each kind of block running past the end.
  ExpectError(Framing::kTTHeader,
              HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x01\x00\x01\x00\x09kkkkk", 12)),
              absl::StatusCode::kInvalidArgument,
              "string key of 9 bytes at offset 7 runs past the end of the header section (12 "
              "bytes)");
  ExpectError(Framing::kTTHeader,
              HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x01\x00\x01\x00\x09k", 8)),
              absl::StatusCode::kInvalidArgument,
              "string key/value count 1 needs at least 4 bytes, 3 left");
  ExpectError(Framing::kTTHeader,
              HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x10\x00\x05\x00\x00\x00", 8)),
              absl::StatusCode::kInvalidArgument, "int key/value count 5 needs at least 20 bytes");
  ExpectError(
      Framing::kTTHeader,
      HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x10\x00\x01\x00\x09\x00\005abc", 12)),
      absl::StatusCode::kInvalidArgument, "int value of 5 bytes at offset 9");
  ExpectError(Framing::kTTHeader,
              HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x11\x00\x10tok", 8)),
              absl::StatusCode::kInvalidArgument, "ACL token of 16 bytes");
  ExpectError(Framing::kTTHeader, HeaderFrame(kTTHeaderMagic, std::string("\x00\x00\x00\x07", 4)),
              absl::StatusCode::kInvalidArgument, "unknown info id 0x07 at offset 3");
}

TEST(FrameErrors, CorruptZlibPayload) {
  ExpectError(Framing::kTHeader,
              HeaderFrame(kTHeaderMagic, std::string("\x00\x01\x01\x00", 4), "not zlib at all"),
              absl::StatusCode::kInvalidArgument, "malformed zlib input");
  FrameHeader h = FullTTHeader();
  h.transforms = {kZlibTransform};
  std::string wire = Encode(h, BinaryCall(1, std::string(100, 'x')));
  wire.resize(wire.size() - 3);  // cut the stream's end, then fix the length
  const std::string length = BE32(static_cast<uint32_t>(wire.size() - 4));
  wire.replace(0, 4, length);
  ExpectError(Framing::kTTHeader, wire, absl::StatusCode::kInvalidArgument,
              "the stream ends early");
}

// 100 MiB of zeros deflate to about 100 KiB. Decoding stops with a
// LimitError once the output passes max_inflated_size, having held no more
// than that (plus one output region) in memory.
TEST(FrameErrors, ZlibBombStopsAtTheInflatedSizeLimit) {
  static const std::string zeros(1 << 20, '\0');
  LinkBuffer bomb;
  for (int i = 0; i < 100; ++i) bomb.WriteBinary(zeros, nullptr);  // linked: 1 MiB of memory
  FrameHeader h;
  h.framing = Framing::kTHeader;
  h.transforms = {kZlibTransform};
  LinkBuffer wire;
  ASSERT_TRUE(EncodeFrame(h, std::move(bomb), wire).ok());
  wire.Flush();
  EXPECT_LT(wire.Len(), 200u * 1024);

  rusage before;
  getrusage(RUSAGE_SELF, &before);
  const Limits limits;  // max_inflated_size: 16 MiB
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTHeader, wire, limits);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(f.status().message().find("max_inflated_size exceeded: zlib payload inflated so far "
                                      "is 16777217, the limit is 16777216"),
            std::string::npos)
      << f.status();
#ifndef VIREO_SANITIZED
  rusage after;
  getrusage(RUSAGE_SELF, &after);
  // Peak resident memory (KiB) grew by no more than the limit and change.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 40 * 1024);
#endif

  Limits small;
  small.max_inflated_size = 1000;
  f = DecodeFrame(Framing::kTHeader, wire, small);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("is 1001, the limit is 1000"), std::string::npos)
      << f.status();
}

// `plain` inside `layers` zlib streams nested in one another, each storing
// its content uncompressed: about 11 bytes per layer on the wire, and a pass
// over everything inside it to undo each one.
std::string NestedStoredZlib(std::string plain, int layers) {
  for (int i = 0; i < layers; ++i) {
    absl::StatusOr<LinkBuffer> packed = ZlibDeflate(Buffer(plain), /*level=*/0);
    EXPECT_TRUE(packed.ok()) << packed.status();
    if (!packed.ok()) return "";
    plain = packed->ReadableCopy();
  }
  return plain;
}

// A THeader section has room for 262,140 transform ids. A frame listing
// thousands of zlib transforms over as many nested stored zlib streams is a
// few bytes per transform, but undoing them cost a pass over the payload
// per transform: 16,000 of them (a 3 MB frame) kept the decoder busy for
// seconds, the most a section holds for many minutes. Such frames are now
// refused before anything is inflated.
TEST(FrameErrors, TransformCountIsBoundedBeforeAnythingIsInflated) {
  constexpr int kLayers = 2000;
  const std::string message = BinaryCall(1, "x");
  // Protocol 0, transform count 2000 (varint 0xd0 0x0f), 2000 x zlib.
  std::string section = std::string("\x00\xd0\x0f", 3) + std::string(kLayers, '\x01');
  section.append(4 - section.size() % 4, '\0');
  ExpectError(Framing::kTHeader,
              HeaderFrame(kTHeaderMagic, section, NestedStoredZlib(message, kLayers)),
              absl::StatusCode::kInvalidArgument,
              "THeader input: transform count 2000 exceeds the 8 transforms a frame may list");

  std::string tt_section = std::string("\x00\x09", 2) + std::string(9, '\x01');
  tt_section.append(4 - tt_section.size() % 4, '\0');
  ExpectError(Framing::kTTHeader,
              HeaderFrame(kTTHeaderMagic, tt_section, NestedStoredZlib(message, 9)),
              absl::StatusCode::kInvalidArgument,
              "TTHeader input: transform count 9 exceeds the 8 transforms a frame may list");

  // kMaxTransforms of them still decode.
  for (Framing framing : {Framing::kTHeader, Framing::kTTHeader}) {
    FrameHeader h;
    h.framing = framing;
    h.transforms.assign(kMaxTransforms, kZlibTransform);
    Decoded d = DecodeAll(framing, Encode(h, message));
    EXPECT_EQ(d.header.transforms, h.transforms);
    EXPECT_EQ(d.payload, message);
  }
}

// ---- Encoding errors ----

void ExpectEncodeError(const FrameHeader& h, std::string_view what) {
  LinkBuffer out;
  out.Write("keep");
  absl::Status s = EncodeFrame(h, Buffer(BinaryCall(1, "")), out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find(std::string(what)), std::string::npos) << s;
  out.Flush();
  EXPECT_EQ(out.ReadableCopy(), "keep") << "nothing written on error";
}

TEST(FrameEncodeErrors, HeadersTheFramingCannotCarry) {
  FrameHeader h;
  h.framing = Framing::kFramed;
  h.transforms = {kZlibTransform};
  ExpectEncodeError(h, "Framed framing cannot carry transforms");
  h.framing = Framing::kBuffered;
  ExpectEncodeError(h, "Buffered framing cannot carry transforms");

  h = FullTHeader();
  h.int_headers = {{1, "x"}};
  ExpectEncodeError(h, "THeader cannot carry int headers or an ACL token");
  h = FullTHeader();
  h.acl_token = "t";
  ExpectEncodeError(h, "THeader cannot carry int headers or an ACL token");
  h = FullTHeader();
  h.transforms = {3};
  ExpectEncodeError(h, "transform 3 (snappy) is not supported");
  h = FullTHeader();
  h.headers = {{"big", std::string(kMaxTHeaderSectionSize, 'x')}};
  ExpectEncodeError(h, "exceeds the 262140");
}

TEST(FrameEncodeErrors, AtMostMaxTransforms) {
  FrameHeader h;
  h.framing = Framing::kTHeader;
  h.transforms.assign(kMaxTransforms + 1, kZlibTransform);
  ExpectEncodeError(h, "THeader: transform count 9 exceeds the 8 transforms a frame may list");
  h.framing = Framing::kTTHeader;
  ExpectEncodeError(h, "TTHeader: transform count 9 exceeds the 8 transforms a frame may list");
}

TEST(FrameEncodeErrors, TTHeaderFieldWidths) {
  FrameHeader h = FullTTHeader();
  h.headers = {{std::string(65536, 'k'), "v"}};
  ExpectEncodeError(h, "TTHeader: string key length is 65536, the field holds at most 65535");
  h = FullTTHeader();
  h.int_headers = {{1, std::string(65536, 'v')}};
  ExpectEncodeError(h, "int value length is 65536");
  h = FullTTHeader();
  h.acl_token = std::string(70000, 't');
  ExpectEncodeError(h, "ACL token length is 70000");
  h = FullTTHeader();
  h.transforms = std::vector<uint16_t>(256, kZlibTransform);
  ExpectEncodeError(h, "transform count is 256");
  h = FullTTHeader();
  h.headers = {{std::string(40000, 'k'), std::string(40000, 'v')}};
  ExpectEncodeError(h, "exceeds Kitex's limit of 65536");
}

}  // namespace
}  // namespace vireo::codec
