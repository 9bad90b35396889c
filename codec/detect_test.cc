// Detect: framing and protocol from a connection's first bytes.
#include "vireo/codec/detect.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

LinkBuffer Buffer(std::string_view data) {
  LinkBuffer b;
  b.Write(data);
  b.Flush();
  return b;
}

absl::StatusOr<std::optional<Detected>> DetectIn(std::string_view data) {
  LinkBuffer b = Buffer(data);
  absl::StatusOr<std::optional<Detected>> d = Detect(b);
  EXPECT_EQ(b.Len(), data.size()) << "Detect consumes nothing";
  return d;
}

struct Case {
  const char* name;
  std::string bytes;
  Detected want;
};

std::vector<Case> ThriftCases() {
  using std::string;
  return {
      {"Buffered strict Binary",
       string("\x80\x01\x00\x01\x00\x00\x00\004echo", 12),
       {Framing::kBuffered, ProtocolId::kBinary}},
      {"Buffered Compact",
       string("\x82\x21\x07\004echo\x00", 9),
       {Framing::kBuffered, ProtocolId::kCompact}},
      {"THeader",
       string("\x00\x00\x00\x20\x0f\xff\x00\x00\x00\x00\x00\x07", 12),
       {Framing::kTHeader, ProtocolId::kBinary}},
      {"TTHeader",
       string("\x00\x00\x00\x20\x10\x00\x00\x01\x00\x00\x00\x07", 12),
       {Framing::kTTHeader, ProtocolId::kBinary}},
      {"Framed Binary",
       string("\x00\x00\x00\x15\x80\x01\x00\x01\x00\x00\x00\x04", 12),
       {Framing::kFramed, ProtocolId::kBinary}},
      {"Framed Compact",
       string("\x00\x00\x00\x0a\x82\x41\x07\004echo", 12),
       {Framing::kFramed, ProtocolId::kCompact}},
      {"Buffered non-strict Binary",
       string("\x00\x00\x00\004echo\x01\x00\x00\x00", 12),
       {Framing::kBuffered, ProtocolId::kBinary}},
      {"Buffered non-strict Binary, short name",
       string("\x00\x00\x00\x02hi\x04\x00\x00", 9),
       {Framing::kBuffered, ProtocolId::kBinary}},
      {"Buffered non-strict Binary, multiplexed name",
       string("\x00\x00\x00\013Calc:add", 12),
       {Framing::kBuffered, ProtocolId::kBinary}},
  };
}

TEST(Detect, EveryThriftKind) {
  for (const Case& c : ThriftCases()) {
    absl::StatusOr<std::optional<Detected>> d = DetectIn(c.bytes);
    ASSERT_TRUE(d.ok()) << c.name << ": " << d.status();
    ASSERT_TRUE(d->has_value()) << c.name;
    EXPECT_EQ(**d, c.want) << c.name;
  }
}

TEST(Detect, NeverMoreThanEightBytes) {
  for (const Case& c : ThriftCases()) {
    absl::StatusOr<std::optional<Detected>> d = DetectIn(c.bytes.substr(0, kDetectBytes));
    ASSERT_TRUE(d.ok() && d->has_value()) << c.name;
    EXPECT_EQ(**d, c.want) << c.name;
  }
}

// A prefix either waits or gives the final answer; never an error, never a
// different answer.
TEST(Detect, PrefixesWaitOrAgree) {
  for (const Case& c : ThriftCases()) {
    for (size_t n = 0; n < std::min(c.bytes.size(), kDetectBytes); ++n) {
      absl::StatusOr<std::optional<Detected>> d = DetectIn(c.bytes.substr(0, n));
      ASSERT_TRUE(d.ok()) << c.name << " prefix " << n << ": " << d.status();
      if (d->has_value()) {
        EXPECT_EQ(**d, c.want) << c.name << " prefix " << n;
      }
    }
  }
  EXPECT_EQ(*DetectIn(""), std::nullopt);
  EXPECT_EQ(*DetectIn("\x80"), std::nullopt);
  EXPECT_EQ(*DetectIn(std::string("\x00\x00\x00\x20\x0f", 5)), std::nullopt);
}

TEST(Detect, AcrossBlockEdges) {
  const std::string bytes("\x00\x00\x00\x20\x10\x00\x00\x01", 8);
  for (size_t edge = 1; edge < bytes.size(); ++edge) {
    LinkBuffer b = Buffer(bytes.substr(0, edge));
    LinkBuffer rest = Buffer(bytes.substr(edge));
    b.Append(std::move(rest));
    b.Flush();
    absl::StatusOr<std::optional<Detected>> d = Detect(b);
    ASSERT_TRUE(d.ok() && d->has_value()) << edge;
    EXPECT_EQ((*d)->framing, Framing::kTTHeader);
  }
}

void ExpectNotThrift(std::string_view bytes, std::string_view looks_like) {
  absl::StatusOr<std::optional<Detected>> d = DetectIn(bytes);
  ASSERT_FALSE(d.ok()) << bytes;
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(d.status().message(), "not a Thrift client: looks like " + std::string(looks_like));
}

TEST(Detect, OtherProtocolsAreNamed) {
  ExpectNotThrift("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/2");
  for (const char* request : {"GET / HTTP/1.1\r\n", "POST /rpc HTTP/1.1", "PUT /x HTTP/1.0",
                              "HEAD / HTTP/1.1", "DELETE /x HTTP/1.1", "OPTIONS * HTTP/1.1",
                              "PATCH /x HTTP/1.1", "CONNECT a:1 HTTP/1.1", "TRACE / HTTP/1.1"}) {
    ExpectNotThrift(request, "HTTP/1.x");
  }
  for (char minor : {'\x00', '\x01', '\x02', '\x03', '\x04'}) {
    ExpectNotThrift(std::string("\x16\x03", 2) + minor + std::string("\x00\xc8\x01\x00\x00", 5),
                    "TLS");
  }
  // A ClientHello whose record length happens to put 0x80 0x01 at bytes
  // 4-5 is still TLS, not a Framed Binary frame.
  ExpectNotThrift(std::string("\x16\x03\x01\x00\x80\x01\x00\x00", 8), "TLS");
  // Decided as soon as the bytes allow, not at eight.
  ExpectNotThrift("GET ", "HTTP/1.x");
  ExpectNotThrift(std::string("\x16\x03\x03", 3), "TLS");
}

TEST(Detect, PrefixesOfOtherProtocolsWait) {
  for (std::string_view s : {"P", "PR", "PRI * H", "G", "GE", "OPTIONS", "\x16", "\x16\x03"}) {
    absl::StatusOr<std::optional<Detected>> d = DetectIn(s);
    ASSERT_TRUE(d.ok()) << s << ": " << d.status();
    EXPECT_FALSE(d->has_value()) << s;
  }
}

TEST(Detect, AnythingElseIsAnUnknownProtocol) {
  auto expect_unknown = [](std::string_view bytes, std::string_view hex) {
    absl::StatusOr<std::optional<Detected>> d = DetectIn(bytes);
    ASSERT_FALSE(d.ok()) << hex;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(d.status().message(), "unknown protocol, first bytes: " + std::string(hex));
  };
  expect_unknown("\xff", "ff");  // no rule can match: decided on one byte
  expect_unknown("hello world", "68 65 6c 6c 6f 20 77 6f");
  expect_unknown(std::string("\x00\x00\x00\x10\xab\xcd\xef\x01", 8), "00 00 00 10 ab cd ef 01");
  expect_unknown("\x82\x22\x01\x01", "82 22 01 01");  // Compact version 2
  // TLS with an unknown version, and bytes 4-5 of no Thrift kind.
  expect_unknown(std::string("\x16\x03\x05\x00\x10\x01\x00\x00", 8), "16 03 05 00 10 01 00 00");
  // Framed non-strict Binary (a name length at bytes 4-7) is not detected:
  // documented in docs/protocols.md.
  expect_unknown(std::string("\x00\x00\x00\x12\x00\x00\x00\x04", 8), "00 00 00 12 00 00 00 04");
  // Non-strict names must be identifiers.
  expect_unknown(std::string("\x00\x00\x00\004e ch", 8), "00 00 00 04 65 20 63 68");
  expect_unknown(std::string("\x00\x00\x00\x02hi\x07\x00", 8), "00 00 00 02 68 69 07 00");
}

}  // namespace
}  // namespace vireo::codec
