// The Binary protocol's bytes, written out by hand, and the malformed inputs
// only Binary can meet. What both protocols share (round trips, truncation
// at every offset, limits, depth) is in protocol_conformance_test.cc.
#include "vireo/codec/binary_protocol.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::codec {
namespace {

// "80 01 00 01" -> the bytes; spaces are ignored.
std::string Unhex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    const int v =
        std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

// Hex of the bytes, spaced as Hex() spaces them.
std::string Canon(std::string_view hex) { return Hex(Unhex(hex)); }

transport::LinkBuffer BufferOf(std::string_view bytes) {
  transport::LinkBuffer buf;
  buf.Write(bytes);
  buf.Flush();
  return buf;
}

template <class F>
std::string Encode(F&& write) {
  transport::LinkBuffer buf;
  {
    BinaryWriter w(buf);
    write(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

::testing::AssertionResult IsError(const absl::Status& s, absl::StatusCode code,
                                   std::string_view part) {
  if (s.code() != code) {
    return ::testing::AssertionFailure()
           << "want code " << absl::StatusCodeToString(code) << ", got " << s;
  }
  if (std::string(s.message()).find(part) == std::string::npos) {
    return ::testing::AssertionFailure() << "want \"" << part << "\" in " << s;
  }
  return ::testing::AssertionSuccess();
}

// ---- Bytes written ----

TEST(BinaryWriter, WritesStrictMessageHeaders) {
  EXPECT_EQ(
      Hex(Encode([](BinaryWriter& w) { w.WriteMessageBegin("echo", MessageType::kCall, 7); })),
      Canon("80 01 00 01  00 00 00 04 65 63 68 6f  00 00 00 07"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) { w.WriteMessageBegin("", MessageType::kReply, -1); })),
            Canon("80 01 00 02  00 00 00 00  ff ff ff ff"));
  EXPECT_EQ(
      Hex(Encode([](BinaryWriter& w) { w.WriteMessageBegin("x", MessageType::kException, 256); })),
      Canon("80 01 00 03  00 00 00 01 78  00 00 01 00"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) { w.WriteMessageBegin("x", MessageType::kOneway, 1); })),
            Canon("80 01 00 04  00 00 00 01 78  00 00 00 01"));
}

TEST(BinaryWriter, WritesPrimitivesBigEndian) {
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteBool(true);
              w.WriteBool(false);
              w.WriteByte(-2);
              w.WriteI16(0x0102);
              w.WriteI16(-2);
              w.WriteI32(0x01020304);
              w.WriteI32(std::numeric_limits<int32_t>::min());
              w.WriteI64(0x0102030405060708);
              w.WriteI64(-1);
            })),
            Canon("01 00 fe  01 02 ff fe  01 02 03 04 80 00 00 00"
                  "01 02 03 04 05 06 07 08  ff ff ff ff ff ff ff ff"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteDouble(1.0);
              w.WriteDouble(-2.5);
            })),
            Canon("3f f0 00 00 00 00 00 00  c0 04 00 00 00 00 00 00"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteString("hi");
              w.WriteBinary(std::string("\0\xff", 2));
              w.WriteString("");
            })),
            Canon("00 00 00 02 68 69  00 00 00 02 00 ff  00 00 00 00"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteUuid({0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                           0xcc, 0xdd, 0xee, 0xff});
            })),
            Canon("00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"));
}

TEST(BinaryWriter, WritesFieldAndContainerHeaders) {
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteStructBegin();
              w.WriteFieldBegin(TType::kI32, 1);
              w.WriteI32(5);
              w.WriteFieldEnd();
              w.WriteFieldBegin(TType::kBool, -2);
              w.WriteBool(true);
              w.WriteFieldEnd();
              w.WriteFieldBegin(TType::kUuid, 300);
              w.WriteFieldStop();
              w.WriteStructEnd();
            })),
            Canon("08 00 01 00 00 00 05  02 ff fe 01  10 01 2c  00"));
  EXPECT_EQ(Hex(Encode([](BinaryWriter& w) {
              w.WriteListBegin(TType::kI16, 2);
              w.WriteI16(1);
              w.WriteI16(2);
              w.WriteSetBegin(TType::kString, 0);
              w.WriteMapBegin(TType::kString, TType::kI64, 1);
              w.WriteString("k");
              w.WriteI64(9);
            })),
            Canon("06 00 00 00 02 00 01 00 02  0b 00 00 00 00"
                  "0b 0a 00 00 00 01 00 00 00 01 6b 00 00 00 00 00 00 00 09"));
}

// ---- Bytes read ----

TEST(BinaryReader, ReadsHandWrittenBytes) {
  transport::LinkBuffer buf = BufferOf(
      Unhex("80 01 00 02  00 00 00 02 6f 6b  00 00 00 09"        // reply "ok", seq 9
            "0c 00 00"                                           // field 0: struct
            "  0f 00 01 08 00 00 00 02 ff ff ff ff 7f ff ff ff"  // 1: list<i32> {-1, INT32_MAX}
            "  0d 00 02 0b 02 00 00 00 01 00 00 00 01 61 01"     // 2: map<string,bool> {"a": true}
            "  04 00 03 3f f0 00 00 00 00 00 00"                 // 3: double 1.0
            "  00"
            "00"));
  BinaryReader r(buf, Limits());
  MessageBegin m;
  ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
  EXPECT_EQ(m.name, "ok");
  EXPECT_EQ(m.type, MessageType::kReply);
  EXPECT_EQ(m.seq_id, 9);
  TType t;
  int16_t id;
  ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStruct);
  EXPECT_EQ(id, 0);
  ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kList);
  EXPECT_EQ(id, 1);
  TType e, k;
  uint32_t n;
  ASSERT_EQ(r.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kI32);
  EXPECT_EQ(n, 2u);
  int32_t i;
  ASSERT_EQ(r.ReadI32(&i), absl::OkStatus());
  EXPECT_EQ(i, -1);
  ASSERT_EQ(r.ReadI32(&i), absl::OkStatus());
  EXPECT_EQ(i, std::numeric_limits<int32_t>::max());
  ASSERT_EQ(r.ReadListEnd(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kMap);
  EXPECT_EQ(id, 2);
  ASSERT_EQ(r.ReadMapBegin(&k, &e, &n), absl::OkStatus());
  EXPECT_EQ(k, TType::kString);
  EXPECT_EQ(e, TType::kBool);
  EXPECT_EQ(n, 1u);
  std::string s;
  bool b = false;
  ASSERT_EQ(r.ReadString(&s), absl::OkStatus());
  ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
  EXPECT_EQ(s, "a");
  EXPECT_TRUE(b);
  ASSERT_EQ(r.ReadMapEnd(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kDouble);
  double d;
  ASSERT_EQ(r.ReadDouble(&d), absl::OkStatus());
  EXPECT_EQ(d, 1.0);
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStop);
  ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStop);
  ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
  EXPECT_EQ(r.input().remaining(), 0u);
}

TEST(BinaryReader, ReadsAnyNonzeroByteAsTrue) {
  transport::LinkBuffer buf = BufferOf(Unhex("00 01 02 ff"));
  BinaryReader r(buf, Limits());
  for (bool want : {false, true, true, true}) {
    bool b = !want;
    ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
    EXPECT_EQ(b, want);
  }
}

// ---- Message headers ----

TEST(BinaryReader, ReadsTheOldNonStrictHeader) {
  const std::string bytes = Unhex("00 00 00 04 65 63 68 6f  01  00 00 00 07");
  transport::LinkBuffer buf = BufferOf(bytes);
  BinaryReader r(buf, Limits());
  MessageBegin m;
  ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
  EXPECT_EQ(m.name, "echo");
  EXPECT_EQ(m.type, MessageType::kCall);
  EXPECT_EQ(m.seq_id, 7);
  EXPECT_EQ(r.input().remaining(), 0u);
}

TEST(BinaryReader, StrictReadRejectsTheNonStrictHeader) {
  transport::LinkBuffer buf = BufferOf(Unhex("00 00 00 04 65 63 68 6f  01  00 00 00 07"));
  BinaryReader r(buf, Limits(), /*strict_read=*/true);
  MessageBegin m;
  EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument,
                      "no version in message header (first word 0x00000004)"));
}

TEST(BinaryReader, StrictReadAcceptsTheStrictHeader) {
  transport::LinkBuffer buf = BufferOf(Unhex("80 01 00 04  00 00 00 01 66  00 00 00 03"));
  BinaryReader r(buf, Limits(), /*strict_read=*/true);
  MessageBegin m;
  ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
  EXPECT_EQ(m.name, "f");
  EXPECT_EQ(m.type, MessageType::kOneway);
  EXPECT_EQ(m.seq_id, 3);
}

TEST(BinaryReader, BadVersionIsMalformedAndNamed) {
  for (const auto& [hex, version] : std::vector<std::pair<std::string, std::string>>{
           {"80 02 00 01", "0x8002"},
           {"80 00 00 01", "0x8000"},
           {"ff ff 00 01", "0xffff"},
           {"82 21 07 04", "0x8221"},  // a Compact header
       }) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex + " 00 00 00 00  00 00 00 01"));
    BinaryReader r(buf, Limits());
    MessageBegin m;
    EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument,
                        "malformed binary input: bad version " + version))
        << hex;
  }
}

TEST(BinaryReader, InvalidMessageTypeIsMalformed) {
  for (const auto& [hex, type] : std::vector<std::pair<std::string, std::string>>{
           {"80 01 00 00  00 00 00 00  00 00 00 01", "invalid message type 0"},
           {"80 01 00 05  00 00 00 00  00 00 00 01", "invalid message type 5"},
           {"00 00 00 01 61  09  00 00 00 01", "invalid message type 9"},
       }) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    BinaryReader r(buf, Limits());
    MessageBegin m;
    EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument, type)) << hex;
  }
}

TEST(BinaryReader, NonStrictNameLengthIsBounded) {
  // A first word that is a huge positive length, with few bytes after it.
  transport::LinkBuffer buf = BufferOf(Unhex("7f ff ff ff 61 62"));
  BinaryReader r(buf, Limits());
  MessageBegin m;
  EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kResourceExhausted,
                      "message name length is 2147483647"));
  transport::LinkBuffer buf2 = BufferOf(Unhex("00 00 01 00 61 62"));
  BinaryReader r2(buf2, Limits());
  EXPECT_TRUE(IsError(r2.ReadMessageBegin(&m), absl::StatusCode::kOutOfRange,
                      "message name of 256 bytes, 2 remain"));
}

// ---- Malformed values ----

TEST(BinaryReader, NegativeLengthsAreMalformed) {
  {
    transport::LinkBuffer buf = BufferOf(Unhex("ff ff ff ff 61"));
    BinaryReader r(buf, Limits());
    std::string s;
    EXPECT_TRUE(
        IsError(r.ReadString(&s), absl::StatusCode::kInvalidArgument, "negative string length -1"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("80 00 00 00"));
    BinaryReader r(buf, Limits());
    transport::LinkBuffer slice;
    EXPECT_TRUE(IsError(r.ReadBinary(&slice), absl::StatusCode::kInvalidArgument,
                        "negative binary length -2147483648"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("ff ff ff fe"));
    BinaryReader r(buf, Limits());
    EXPECT_TRUE(IsError(r.Skip(TType::kString), absl::StatusCode::kInvalidArgument,
                        "negative string length -2"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("80 01 00 01  ff ff ff ff  00 00 00 01"));
    BinaryReader r(buf, Limits());
    MessageBegin m;
    EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument,
                        "negative message name length -1"));
  }
}

TEST(BinaryReader, ContainerCountOf2To31IsMalformed) {
  struct Case {
    bool map;
    std::string hex;
    std::string message;
  };
  const std::vector<Case> cases = {
      {false, "08 80 00 00 00", "negative list size -2147483648"},
      {false, "0b ff ff ff ff", "negative list size -1"},
      {true, "08 08 80 00 00 00", "negative map size -2147483648"},
  };
  for (const Case& c : cases) {
    transport::LinkBuffer buf = BufferOf(Unhex(c.hex));
    BinaryReader r(buf, Limits{.max_container_size = std::numeric_limits<uint32_t>::max()});
    TType k, e;
    uint32_t n;
    const absl::Status s = c.map ? r.ReadMapBegin(&k, &e, &n) : r.ReadListBegin(&e, &n);
    EXPECT_TRUE(IsError(s, absl::StatusCode::kInvalidArgument, c.message)) << c.hex;
  }
}

TEST(BinaryReader, ContainerCountOf2To31Minus1WithFewBytesNeverReserves) {
  const std::string bytes = Unhex("08 7f ff ff ff 00 00 00 01 00 00 00 02");
  {
    // Under the default limit the limit speaks first.
    transport::LinkBuffer buf = BufferOf(bytes);
    BinaryReader r(buf, Limits());
    TType e;
    uint32_t n = 0;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kResourceExhausted,
                        "max_container_size exceeded: list size is 2147483647, the limit is "
                        "1048576"));
    EXPECT_EQ(n, 0u) << "no size handed out";
  }
  {
    // With no limit to speak of, the remaining bytes decide: 2^31-1 i32s need
    // 8 GiB, 8 bytes are there.
    transport::LinkBuffer buf = BufferOf(bytes);
    BinaryReader r(buf, Limits{.max_container_size = std::numeric_limits<uint32_t>::max()});
    TType e;
    uint32_t n = 0;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kOutOfRange,
                        "list of 2147483647 elements needs at least 8589934588 bytes, 8 remain"));
    EXPECT_EQ(n, 0u);
  }
}

TEST(BinaryReader, MinimumElementSizesAreTheEncodedOnes) {
  // n elements of each type need n * (its smallest encoding) bytes: with
  // exactly that many the header passes, with one fewer it fails.
  const std::vector<std::pair<TType, size_t>> sizes = {
      {TType::kBool, 1}, {TType::kByte, 1},   {TType::kI16, 2},    {TType::kI32, 4},
      {TType::kI64, 8},  {TType::kDouble, 8}, {TType::kString, 4}, {TType::kStruct, 1},
      {TType::kList, 5}, {TType::kSet, 5},    {TType::kMap, 6},    {TType::kUuid, 16},
  };
  for (const auto& [type, size] : sizes) {
    for (size_t have : {3 * size, 3 * size - 1}) {
      const std::string bytes = Encode([&](BinaryWriter& w) {
        w.WriteListBegin(type, 3);
        w.output().WriteBytes(std::string(have, '\0').data(), have);
      });
      transport::LinkBuffer buf = BufferOf(bytes);
      BinaryReader r(buf, Limits());
      TType e;
      uint32_t n;
      const absl::Status s = r.ReadListBegin(&e, &n);
      if (have == 3 * size) {
        EXPECT_EQ(s, absl::OkStatus()) << TTypeName(type);
      } else {
        EXPECT_TRUE(IsError(s, absl::StatusCode::kOutOfRange, "elements needs at least"))
            << TTypeName(type);
      }
    }
  }
}

TEST(BinaryReader, InvalidTypeIdsAreMalformedAndNamed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"05 00 01", "invalid field type id 5"},
      {"01 00 01", "invalid field type id 1"},
      {"11 00 01", "invalid field type id 17"},
      {"ff 00 01", "invalid field type id 255"},
  };
  for (const auto& [hex, message] : cases) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    BinaryReader r(buf, Limits());
    TType t;
    int16_t id;
    EXPECT_TRUE(IsError(r.ReadFieldBegin(&t, &id), absl::StatusCode::kInvalidArgument, message));
  }
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"00 00 00 00 00", "invalid list element type id 0"},
      {"07 00 00 00 00", "invalid list element type id 7"},
      {"14 00 00 00 00", "invalid list element type id 20"},
  };
  for (const auto& [hex, message] : headers) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    BinaryReader r(buf, Limits());
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kInvalidArgument, message));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("09 08 00 00 00 00"));
    BinaryReader r(buf, Limits());
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadSetBegin(&e, &n), absl::StatusCode::kInvalidArgument,
                        "invalid set element type id 9"));
  }
  for (const auto& [hex, message] : std::vector<std::pair<std::string, std::string>>{
           {"00 08 00 00 00 00", "invalid map key type id 0"},
           {"08 63 00 00 00 00", "invalid map value type id 99"},
       }) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    BinaryReader r(buf, Limits());
    TType k, v;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadMapBegin(&k, &v, &n), absl::StatusCode::kInvalidArgument, message));
  }
  {
    // Inside a skipped struct, too.
    transport::LinkBuffer buf = BufferOf(Unhex("0c 00 01  13 00 02 00  00"));
    BinaryReader r(buf, Limits());
    EXPECT_TRUE(IsError(r.Skip(TType::kStruct), absl::StatusCode::kInvalidArgument,
                        "invalid field type id 19"));
  }
}

TEST(BinaryReader, EveryTruncatedPrimitiveNamesWhatWasCut) {
  const std::vector<std::pair<int, std::string>> cases = {
      {0, "truncated binary input: bool"},     {1, "truncated binary input: byte"},
      {2, "truncated binary input: i16"},      {3, "truncated binary input: i32"},
      {4, "truncated binary input: i64"},      {5, "truncated binary input: double"},
      {6, "truncated binary input: uuid"},     {7, "truncated binary input: string length"},
      {8, "truncated binary input: field id"},
  };
  for (const auto& [which, message] : cases) {
    transport::LinkBuffer buf = BufferOf(which == 8 ? Unhex("08 00") : Unhex("01"));
    if (which == 0 || which == 1) buf.Skip(1).IgnoreError();
    BinaryReader r(buf, Limits());
    bool b;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    double d;
    std::array<uint8_t, 16> u;
    std::string s;
    TType t;
    absl::Status st;
    switch (which) {
      case 0:
        st = r.ReadBool(&b);
        break;
      case 1:
        st = r.ReadByte(&i8);
        break;
      case 2:
        st = r.ReadI16(&i16);
        break;
      case 3:
        st = r.ReadI32(&i32);
        break;
      case 4:
        st = r.ReadI64(&i64);
        break;
      case 5:
        st = r.ReadDouble(&d);
        break;
      case 6:
        st = r.ReadUuid(&u);
        break;
      case 7:
        st = r.ReadString(&s);
        break;
      case 8:
        st = r.ReadFieldBegin(&t, &i16);
        break;
    }
    EXPECT_TRUE(IsError(st, absl::StatusCode::kOutOfRange, message));
    EXPECT_EQ(r.input().remaining(), which <= 1 ? 0u : 1u) << "a short read consumes nothing";
  }
}

}  // namespace
}  // namespace vireo::codec
