// Framing interoperability with Apache Thrift 0.17's C++ library:
// THeader frames written by THeaderTransport decode in Vireo and the other
// way round (with key/value headers, with and without zlib, Binary and
// Compact payloads), byte-equal where nothing varies; Framed frames and
// Buffered messages written by Apache's transports and protocols are read
// by Vireo's decoder, scanner and detection.
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/TProtocolTypes.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/THeaderTransport.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "vireo/codec/detect.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/message_scanner.h"

namespace vireo::codec {
namespace {

namespace ap = apache::thrift::protocol;
namespace at = apache::thrift::transport;
using transport::LinkBuffer;
using HeaderMap = std::map<std::string, std::string>;

LinkBuffer Buffer(std::string_view data) {
  LinkBuffer b;
  b.Write(data);
  b.Flush();
  return b;
}

// ---- Apache's side ----

// A call with nested containers, written through Apache's protocol API.
void WriteCall(ap::TProtocol& p, int32_t seq, size_t blob) {
  p.writeMessageBegin("echo", ap::T_CALL, seq);
  p.writeStructBegin("echo_args");
  p.writeFieldBegin("msg", ap::T_STRING, 1);
  p.writeString(std::string(blob, 'm'));
  p.writeFieldEnd();
  p.writeFieldBegin("flag", ap::T_BOOL, 2);
  p.writeBool(true);
  p.writeFieldEnd();
  p.writeFieldBegin("nums", ap::T_LIST, 3);
  p.writeListBegin(ap::T_I64, 3);
  for (int64_t v : {int64_t{1}, int64_t{-70000}, int64_t{1} << 40}) p.writeI64(v);
  p.writeListEnd();
  p.writeFieldEnd();
  p.writeFieldBegin("tags", ap::T_MAP, 4);
  p.writeMapBegin(ap::T_STRING, ap::T_LIST, 2);
  for (const char* key : {"a", "bb"}) {
    p.writeString(key);
    p.writeListBegin(ap::T_STRUCT, 2);
    for (int i = 0; i < 2; ++i) {
      p.writeStructBegin("Item");
      p.writeFieldBegin("id", ap::T_I32, 1);
      p.writeI32(i);
      p.writeFieldEnd();
      p.writeFieldBegin("on", ap::T_BOOL, 7);
      p.writeBool(i == 0);
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
    }
    p.writeListEnd();
  }
  p.writeMapEnd();
  p.writeFieldEnd();
  p.writeFieldBegin("ids", ap::T_SET, 5);
  p.writeSetBegin(ap::T_DOUBLE, 2);
  p.writeDouble(1.5);
  p.writeDouble(-2.5);
  p.writeSetEnd();
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
}

std::unique_ptr<ap::TProtocol> MakeProtocol(std::shared_ptr<at::TTransport> t, bool compact,
                                            bool strict = true) {
  if (compact) return std::make_unique<ap::TCompactProtocol>(t);
  return std::make_unique<ap::TBinaryProtocol>(t, 0, 0, /*strict_read=*/false, strict);
}

// The bare message, as Apache writes it to a plain buffer.
std::string ApacheMessage(bool compact, int32_t seq, size_t blob, bool strict = true) {
  auto mem = std::make_shared<at::TMemoryBuffer>();
  WriteCall(*MakeProtocol(mem, compact, strict), seq, blob);
  return mem->getBufferAsString();
}

// The same message in a THeader frame written by THeaderTransport.
std::string ApacheHeaderFrame(bool compact, int32_t seq, size_t blob, const HeaderMap& headers,
                              bool zlib) {
  auto mem = std::make_shared<at::TMemoryBuffer>();
  auto header = std::make_shared<at::THeaderTransport>(mem);
  header->setProtocolId(compact ? ap::T_COMPACT_PROTOCOL : ap::T_BINARY_PROTOCOL);
  header->setSequenceNumber(seq);
  for (const auto& [k, v] : headers) header->setHeader(k, v);
  if (zlib) header->setTransform(at::THeaderTransport::ZLIB_TRANSFORM);
  WriteCall(*MakeProtocol(header, compact), seq, blob);
  header->flush();
  return mem->getBufferAsString();
}

struct ApacheRead {
  std::string payload;
  HeaderMap headers;
  uint16_t protocol = 0xFFFF;
  int32_t seq = 0;
  std::string name;
  int32_t message_seq = 0;
};

// Reads one THeader frame with THeaderTransport: the payload's bytes raw,
// then (from a second transport) the message header through the protocol
// the frame names.
//
// `prime` first sends a plain 8 KiB frame on the same transport. Apache
// 0.17 inflates a zlib payload into a side buffer and then copies it back
// over the compressed bytes, in a read buffer sized for the frame: a
// payload that grew overruns the heap. A read buffer already grown by an
// earlier, larger frame avoids that (and the side buffer, sized from the
// unused write buffer, holds about 1 KiB).
ApacheRead ApacheReadHeaderFrame(const std::string& frame, size_t payload_size, bool prime) {
  std::string wire = frame;
  const std::string filler(8192, 'f');
  if (prime) {
    FrameHeader plain;
    plain.framing = Framing::kTHeader;
    LinkBuffer out;
    LinkBuffer body;
    body.Write(filler);
    EXPECT_TRUE(EncodeFrame(plain, std::move(body), out).ok());
    out.Flush();
    wire = out.ReadableCopy() + frame;
  }
  auto open = [&wire, &filler, prime] {
    auto mem = std::make_shared<at::TMemoryBuffer>(reinterpret_cast<uint8_t*>(wire.data()),
                                                   static_cast<uint32_t>(wire.size()),
                                                   at::TMemoryBuffer::COPY);
    auto header = std::make_shared<at::THeaderTransport>(mem);
    if (prime) {
      std::string got(filler.size(), '\0');
      header->readAll(reinterpret_cast<uint8_t*>(got.data()), static_cast<uint32_t>(got.size()));
      EXPECT_EQ(got, filler);
      header->readEnd();
    }
    return header;
  };
  ApacheRead r;
  {
    auto header = open();
    r.payload.resize(payload_size);
    header->readAll(reinterpret_cast<uint8_t*>(r.payload.data()),
                    static_cast<uint32_t>(payload_size));
    r.headers = header->getHeaders();
    r.protocol = header->getProtocolId();
    r.seq = header->getSequenceNumber();
  }
  auto header = open();
  auto proto = MakeProtocol(header, r.protocol == ap::T_COMPACT_PROTOCOL);
  ap::TMessageType type;
  proto->readMessageBegin(r.name, type, r.message_seq);
  return r;
}

// ---- Vireo's side ----

FrameHeader VireoHeader(bool compact, int32_t seq, const HeaderMap& headers, bool zlib) {
  FrameHeader h;
  h.framing = Framing::kTHeader;
  h.protocol = compact ? ProtocolId::kCompact : ProtocolId::kBinary;
  h.seq_id = static_cast<uint32_t>(seq);
  // Apache writes its std::map in key order; so does this vector.
  h.headers.assign(headers.begin(), headers.end());
  if (zlib) h.transforms = {kZlibTransform};
  return h;
}

std::string VireoEncode(const FrameHeader& h, std::string_view payload) {
  LinkBuffer out;
  absl::Status s = EncodeFrame(h, Buffer(payload), out);
  EXPECT_TRUE(s.ok()) << s;
  out.Flush();
  return out.ReadableCopy();
}

const HeaderMap kHeaders = {{"trace-id", "0af7651916cd43dd"}, {"a", "1"}, {"empty", ""}};

// ---- THeader ----

TEST(THeaderInterop, ApacheFramesDecodeInVireo) {
  for (bool compact : {false, true}) {
    for (bool zlib : {false, true}) {
      for (const HeaderMap& headers : {HeaderMap{}, kHeaders}) {
        const int32_t seq = 12345;
        const std::string wire = ApacheHeaderFrame(compact, seq, 300, headers, zlib);
        const std::string message = ApacheMessage(compact, seq, 300);
        SCOPED_TRACE(testing::Message()
                     << "compact " << compact << " zlib " << zlib << " headers " << headers.size());

        LinkBuffer in = Buffer(wire);
        absl::StatusOr<std::optional<Detected>> d = Detect(in);
        ASSERT_TRUE(d.ok() && d->has_value()) << d.status();
        EXPECT_EQ((*d)->framing, Framing::kTHeader);

        absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTHeader, in, Limits());
        ASSERT_TRUE(f.ok()) << f.status();
        ASSERT_TRUE(f->has_value());
        EXPECT_EQ(in.Len(), 0u);
        EXPECT_EQ((*f)->header, VireoHeader(compact, seq, headers, zlib));
        EXPECT_EQ((*f)->payload.ReadableCopy(), message);

        MessageScanner scanner;
        absl::StatusOr<std::optional<size_t>> n = scanner.Scan((*f)->payload);
        ASSERT_TRUE(n.ok()) << n.status();
        EXPECT_EQ(*n, message.size()) << "the scanner walks Apache's message exactly";
      }
    }
  }
}

TEST(THeaderInterop, VireoFramesDecodeInApache) {
  for (bool compact : {false, true}) {
    for (bool zlib : {false, true}) {
      for (const HeaderMap& headers : {HeaderMap{}, kHeaders}) {
        const int32_t seq = 777;
        // Apache inflates into a side buffer of about 1 KiB (see
        // ApacheReadHeaderFrame): keep zlib payloads below that.
        const std::string message = ApacheMessage(compact, seq, 200);
        ASSERT_LT(message.size(), 1000u);
        SCOPED_TRACE(testing::Message()
                     << "compact " << compact << " zlib " << zlib << " headers " << headers.size());
        const std::string wire = VireoEncode(VireoHeader(compact, seq, headers, zlib), message);
        ApacheRead r = ApacheReadHeaderFrame(wire, message.size(), /*prime=*/zlib);
        EXPECT_EQ(r.payload, message);
        EXPECT_EQ(r.headers, headers);
        EXPECT_EQ(r.protocol, compact ? ap::T_COMPACT_PROTOCOL : ap::T_BINARY_PROTOCOL);
        EXPECT_EQ(r.seq, seq);
        EXPECT_EQ(r.name, "echo");
        EXPECT_EQ(r.message_seq, seq);
      }
    }
  }
}

TEST(THeaderInterop, ByteEqualWithoutZlib) {
  for (bool compact : {false, true}) {
    for (const HeaderMap& headers : {HeaderMap{}, kHeaders, HeaderMap{{"abcd", "ef"}},
                                     HeaderMap{{"k", std::string(200, 'v')}}}) {
      const std::string apache = ApacheHeaderFrame(compact, 5, 64, headers, false);
      const std::string vireo =
          VireoEncode(VireoHeader(compact, 5, headers, false), ApacheMessage(compact, 5, 64));
      EXPECT_EQ(vireo, apache) << "compact " << compact << " headers " << headers.size();
    }
  }
}

TEST(THeaderInterop, LargeFramesBothWays) {
  const int32_t seq = 9;
  const std::string message = ApacheMessage(false, seq, 1 << 20);
  const std::string apache = ApacheHeaderFrame(false, seq, 1 << 20, kHeaders, false);
  LinkBuffer in = Buffer(apache);
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTHeader, in, Limits());
  ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
  EXPECT_EQ((*f)->payload.ReadableCopy(), message);

  const std::string vireo = VireoEncode(VireoHeader(false, seq, kHeaders, false), message);
  EXPECT_EQ(vireo, apache);
  ApacheRead r = ApacheReadHeaderFrame(vireo, message.size(), /*prime=*/false);
  EXPECT_EQ(r.payload, message);
  EXPECT_EQ(r.headers, kHeaders);
}

TEST(THeaderInterop, LargeZlibFrameFromApacheDecodesInVireo) {
  const int32_t seq = 10;
  const std::string message = ApacheMessage(true, seq, 200000);
  const std::string wire = ApacheHeaderFrame(true, seq, 200000, kHeaders, true);
  EXPECT_LT(wire.size(), message.size() / 10) << "compressed";
  LinkBuffer in = Buffer(wire);
  absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kTHeader, in, Limits());
  ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
  EXPECT_EQ((*f)->payload.ReadableCopy(), message);

  Limits small;
  small.max_inflated_size = 100000;
  in = Buffer(wire);
  f = DecodeFrame(Framing::kTHeader, in, small);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kResourceExhausted);
}

// ---- Framed ----

TEST(FramedInterop, BothWays) {
  for (bool compact : {false, true}) {
    const std::string message = ApacheMessage(compact, 3, 100);
    // Apache writes.
    auto mem = std::make_shared<at::TMemoryBuffer>();
    auto framed = std::make_shared<at::TFramedTransport>(mem);
    WriteCall(*MakeProtocol(framed, compact), 3, 100);
    framed->flush();
    const std::string wire = mem->getBufferAsString();
    LinkBuffer in = Buffer(wire);
    absl::StatusOr<std::optional<Detected>> d = Detect(in);
    ASSERT_TRUE(d.ok() && d->has_value());
    EXPECT_EQ(**d,
              (Detected{Framing::kFramed, compact ? ProtocolId::kCompact : ProtocolId::kBinary}));
    absl::StatusOr<std::optional<Frame>> f = DecodeFrame(Framing::kFramed, in, Limits());
    ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
    EXPECT_EQ((*f)->payload.ReadableCopy(), message);
    EXPECT_EQ((*f)->header.protocol, compact ? ProtocolId::kCompact : ProtocolId::kBinary);

    // Vireo writes; byte-equal, and Apache reads it back.
    FrameHeader h;
    h.framing = Framing::kFramed;
    std::string ours = VireoEncode(h, message);
    EXPECT_EQ(ours, wire);
    auto back = std::make_shared<at::TMemoryBuffer>(reinterpret_cast<uint8_t*>(ours.data()),
                                                    static_cast<uint32_t>(ours.size()),
                                                    at::TMemoryBuffer::COPY);
    auto reader = std::make_shared<at::TFramedTransport>(back);
    std::string got(message.size(), '\0');
    reader->readAll(reinterpret_cast<uint8_t*>(got.data()), static_cast<uint32_t>(got.size()));
    EXPECT_EQ(got, message);
  }
}

// ---- Buffered ----

TEST(BufferedInterop, ApacheMessagesAreScannedAndDetected) {
  struct Kind {
    const char* name;
    bool compact;
    bool strict;
  };
  for (const Kind& k : {Kind{"binary", false, true}, Kind{"binary non-strict", false, false},
                        Kind{"compact", true, true}}) {
    SCOPED_TRACE(k.name);
    const std::string first = ApacheMessage(k.compact, 1, 1000, k.strict);
    const std::string second = ApacheMessage(k.compact, 2, 10, k.strict);
    LinkBuffer in = Buffer(first + second);

    absl::StatusOr<std::optional<Detected>> d = Detect(in);
    ASSERT_TRUE(d.ok() && d->has_value()) << d.status();
    EXPECT_EQ(**d, (Detected{Framing::kBuffered,
                             k.compact ? ProtocolId::kCompact : ProtocolId::kBinary}));

    FrameDecoder decoder(Framing::kBuffered, Limits());
    for (const std::string& want : {first, second}) {
      absl::StatusOr<std::optional<Frame>> f = decoder.Decode(in);
      ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
      EXPECT_EQ((*f)->payload.ReadableCopy(), want);
    }
    EXPECT_EQ(in.Len(), 0u);
  }
}

}  // namespace
}  // namespace vireo::codec
