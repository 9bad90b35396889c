#include "vireo/codec/application_exception.h"

#include <string>

#include "gtest/gtest.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"

namespace vireo::codec {
namespace {

using Type = TApplicationException::Type;

template <class Writer, class F>
std::string Encode(F&& write) {
  transport::LinkBuffer buf;
  {
    Writer w(buf);
    write(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

transport::LinkBuffer BufferOf(std::string_view bytes) {
  transport::LinkBuffer buf;
  buf.Write(bytes);
  buf.Flush();
  return buf;
}

template <class Reader, class Writer>
void ExpectRoundTrip() {
  for (int t = 0; t <= 10; ++t) {
    const TApplicationException x{static_cast<Type>(t), "message " + std::to_string(t)};
    const std::string bytes = Encode<Writer>([&](Writer& w) { x.Write(w); });
    transport::LinkBuffer buf = BufferOf(bytes);
    Reader r(buf, Limits());
    TApplicationException got;
    ASSERT_EQ(got.Read(r), absl::OkStatus());
    EXPECT_EQ(got.type, x.type);
    EXPECT_EQ(got.message, x.message);
    EXPECT_EQ(r.input().remaining(), 0u);
  }
}

TEST(TApplicationException, RoundTripsThroughBinary) {
  ExpectRoundTrip<BinaryReader, BinaryWriter>();
}

TEST(TApplicationException, RoundTripsThroughCompact) {
  ExpectRoundTrip<CompactReader, CompactWriter>();
}

TEST(TApplicationException, WritesBothFieldsAsApacheThriftDoes) {
  const TApplicationException x{Type::kUnknownMethod, "no"};
  EXPECT_EQ(Encode<BinaryWriter>([&](BinaryWriter& w) { x.Write(w); }),
            std::string("\x0b\x00\x01\x00\x00\x00\x02no"
                        "\x08\x00\x02\x00\x00\x00\x01"
                        "\x00",
                        17));
  EXPECT_EQ(Encode<CompactWriter>([&](CompactWriter& w) { x.Write(w); }),
            std::string("\x18\x02no\x15\x02\x00", 7));
}

template <class Reader, class Writer>
void ExpectUnknownFieldsSkipped() {
  const std::string bytes = Encode<Writer>([](Writer& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(TType::kList, 3);
    w.WriteListBegin(TType::kString, 2);
    w.WriteString("a");
    w.WriteString("b");
    w.WriteListEnd();
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kI32, 1);  // field 1 with the wrong type
    w.WriteI32(5);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kI32, 2);
    w.WriteI32(7);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kBool, 9);
    w.WriteBool(true);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kString, 1);
    w.WriteString("the message");
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kStruct, 4);
    w.WriteStructBegin();
    w.WriteFieldBegin(TType::kString, 1);
    w.WriteString("nested, not ours");
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
    w.WriteI32(99);  // what follows the struct
  });
  transport::LinkBuffer buf = BufferOf(bytes);
  Reader r(buf, Limits());
  TApplicationException got;
  ASSERT_EQ(got.Read(r), absl::OkStatus());
  EXPECT_EQ(got.type, Type::kProtocolError);
  EXPECT_EQ(got.message, "the message");
  int32_t after = 0;
  ASSERT_EQ(r.ReadI32(&after), absl::OkStatus());
  EXPECT_EQ(after, 99);
}

TEST(TApplicationException, SkipsUnknownFieldsInBinary) {
  ExpectUnknownFieldsSkipped<BinaryReader, BinaryWriter>();
}

TEST(TApplicationException, SkipsUnknownFieldsInCompact) {
  ExpectUnknownFieldsSkipped<CompactReader, CompactWriter>();
}

TEST(TApplicationException, AnEmptyStructLeavesTheDefaults) {
  transport::LinkBuffer buf = BufferOf(std::string(1, '\0'));
  BinaryReader r(buf, Limits());
  TApplicationException got;
  ASSERT_EQ(got.Read(r), absl::OkStatus());
  EXPECT_EQ(got.type, Type::kUnknown);
  EXPECT_EQ(got.message, "");
}

TEST(TApplicationException, KeepsTypeCodesBeyondTheStandardOnes) {
  const TApplicationException x{static_cast<Type>(42), "later code"};
  const std::string bytes = Encode<CompactWriter>([&](CompactWriter& w) { x.Write(w); });
  transport::LinkBuffer buf = BufferOf(bytes);
  CompactReader r(buf, Limits());
  TApplicationException got;
  ASSERT_EQ(got.Read(r), absl::OkStatus());
  EXPECT_EQ(static_cast<int32_t>(got.type), 42);
  EXPECT_EQ(TApplicationException::TypeName(got.type), "UNKNOWN");
  const absl::Status s = got.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(), "TApplicationException UNKNOWN (type 42): later code");
}

TEST(TApplicationException, ReportsTruncationAndMalformedInput) {
  const std::string bytes = Encode<BinaryWriter>([](BinaryWriter& w) {
    TApplicationException{Type::kInternalError, "boom"}.Write(w);
  });
  for (size_t len = 0; len < bytes.size(); ++len) {
    transport::LinkBuffer buf = BufferOf(std::string_view(bytes).substr(0, len));
    BinaryReader r(buf, Limits());
    TApplicationException got;
    EXPECT_EQ(got.Read(r).code(), absl::StatusCode::kOutOfRange) << len;
  }
  transport::LinkBuffer bad = BufferOf("\x07\x00\x01");
  BinaryReader r(bad, Limits());
  TApplicationException got;
  const absl::Status s = got.Read(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("invalid field type id 7"), absl::string_view::npos) << s;
}

TEST(TApplicationException, NamesEveryType) {
  const std::pair<Type, std::string_view> names[] = {
      {Type::kUnknown, "UNKNOWN"},
      {Type::kUnknownMethod, "UNKNOWN_METHOD"},
      {Type::kInvalidMessageType, "INVALID_MESSAGE_TYPE"},
      {Type::kWrongMethodName, "WRONG_METHOD_NAME"},
      {Type::kBadSequenceId, "BAD_SEQUENCE_ID"},
      {Type::kMissingResult, "MISSING_RESULT"},
      {Type::kInternalError, "INTERNAL_ERROR"},
      {Type::kProtocolError, "PROTOCOL_ERROR"},
      {Type::kInvalidTransform, "INVALID_TRANSFORM"},
      {Type::kInvalidProtocol, "INVALID_PROTOCOL"},
      {Type::kUnsupportedClientType, "UNSUPPORTED_CLIENT_TYPE"},
      {Type::kLoadShedding, "LOADSHEDDING"},
  };
  for (size_t i = 0; i < std::size(names); ++i) {
    EXPECT_EQ(static_cast<size_t>(names[i].first), i);
    EXPECT_EQ(TApplicationException::TypeName(names[i].first), names[i].second);
  }
}

TEST(TApplicationException, BecomesAnInternalStatusNamingTheType) {
  const absl::Status s =
      TApplicationException{Type::kUnknownMethod, "no method 'echo2'"}.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(), "TApplicationException UNKNOWN_METHOD: no method 'echo2'");
}

// The server's refusal while it shuts down: a retry policy may act on it.
TEST(TApplicationException, LoadSheddingBecomesUnavailable) {
  const absl::Status s =
      TApplicationException{Type::kLoadShedding, "server shutting down"}.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "TApplicationException LOADSHEDDING: server shutting down");
}

}  // namespace
}  // namespace vireo::codec
