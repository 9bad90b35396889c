// The Compact protocol's bytes, written out by hand (zigzag varints,
// field-id deltas, bool packing, collection headers), and the malformed
// inputs only Compact can meet. What both protocols share is in
// protocol_conformance_test.cc.
#include "vireo/codec/compact_protocol.h"

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

// "82 21 07" -> the bytes; spaces are ignored.
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

// Every byte in a block of its own: each multi-byte value straddles.
transport::LinkBuffer OneBytePerBlock(std::string_view bytes) {
  transport::LinkBuffer out;
  for (char c : bytes) {
    transport::LinkBuffer piece;
    piece.Write(std::string_view(&c, 1));
    out.Append(std::move(piece));
  }
  out.Flush();
  return out;
}

template <class F>
std::string Encode(F&& write) {
  transport::LinkBuffer buf;
  {
    CompactWriter w(buf);
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

constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

// ---- Zigzag varints ----

struct IntCase {
  int64_t value;
  std::string hex;
};

const std::vector<IntCase>& I32Cases() {
  static const auto* cases = new std::vector<IntCase>{
      {0, "00"},
      {-1, "01"},
      {1, "02"},
      {63, "7e"},
      {-64, "7f"},
      {64, "80 01"},
      {-65, "81 01"},
      {300, "d8 04"},
      {kI32Max, "fe ff ff ff 0f"},
      {kI32Min, "ff ff ff ff 0f"},
  };
  return *cases;
}

const std::vector<IntCase>& I64Cases() {
  static const auto* cases = new std::vector<IntCase>{
      {0, "00"},
      {-1, "01"},
      {1, "02"},
      {int64_t{1} << 35, "80 80 80 80 80 02"},
      {-(int64_t{1} << 62), "ff ff ff ff ff ff ff ff 7f"},
      {kI64Max, "fe ff ff ff ff ff ff ff ff 01"},
      {kI64Min, "ff ff ff ff ff ff ff ff ff 01"},
  };
  return *cases;
}

TEST(CompactWriter, WritesZigzagVarints) {
  for (const IntCase& c : I32Cases()) {
    EXPECT_EQ(Hex(Encode([&](CompactWriter& w) { w.WriteI32(static_cast<int32_t>(c.value)); })),
              Canon(c.hex))
        << "i32 " << c.value;
    EXPECT_EQ(Hex(Encode([&](CompactWriter& w) { w.WriteI64(c.value); })), Canon(c.hex))
        << "i64 " << c.value;
  }
  for (const IntCase& c : I64Cases()) {
    EXPECT_EQ(Hex(Encode([&](CompactWriter& w) { w.WriteI64(c.value); })), Canon(c.hex))
        << "i64 " << c.value;
  }
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteI16(0);
              w.WriteI16(-1);
              w.WriteI16(32767);
              w.WriteI16(-32768);
            })),
            Canon("00 01 fe ff 03 ff ff 03"));
}

TEST(CompactReader, ReadsZigzagVarints) {
  for (const IntCase& c : I32Cases()) {
    for (bool straddle : {false, true}) {
      const std::string bytes = Unhex(c.hex);
      transport::LinkBuffer buf = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
      CompactReader r(buf, Limits());
      int32_t v = 12345;
      ASSERT_EQ(r.ReadI32(&v), absl::OkStatus()) << c.hex;
      EXPECT_EQ(v, c.value);
      EXPECT_EQ(r.input().remaining(), 0u);
    }
  }
  for (const IntCase& c : I64Cases()) {
    for (bool straddle : {false, true}) {
      const std::string bytes = Unhex(c.hex);
      transport::LinkBuffer buf = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
      CompactReader r(buf, Limits());
      int64_t v = 12345;
      ASSERT_EQ(r.ReadI64(&v), absl::OkStatus()) << c.hex;
      EXPECT_EQ(v, c.value);
      EXPECT_EQ(r.input().remaining(), 0u);
    }
  }
}

TEST(CompactReader, FastAndCarefulVarintPathsAgree) {
  // Values of every bit length, each followed by a sentinel: with the
  // bytes contiguous the reader decodes from one 8-byte load, with a
  // block edge after every byte it goes byte by byte.
  std::vector<int64_t> values;
  for (int bits = 0; bits < 64; ++bits) {
    const uint64_t top = uint64_t{1} << bits;
    for (uint64_t u : {top, top - 1, 0 - top, 0 - top + 1, top | 0x55, 0 - (top | 0x2a)}) {
      values.push_back(static_cast<int64_t>(u));
    }
  }
  values.push_back(kI64Min);
  values.push_back(kI64Max);
  const std::string bytes = Encode([&](CompactWriter& w) {
    for (int64_t v : values) {
      w.WriteI64(v);
      w.WriteI32(static_cast<int32_t>(v));
      w.WriteI16(static_cast<int16_t>(v));
    }
    w.WriteI32(-7);
  });
  for (bool straddle : {false, true}) {
    transport::LinkBuffer buf = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
    CompactReader r(buf, Limits());
    for (int64_t v : values) {
      int64_t i64 = 0;
      int32_t i32 = 0;
      int16_t i16 = 0;
      ASSERT_EQ(r.ReadI64(&i64), absl::OkStatus()) << v;
      ASSERT_EQ(r.ReadI32(&i32), absl::OkStatus()) << v;
      ASSERT_EQ(r.ReadI16(&i16), absl::OkStatus()) << v;
      EXPECT_EQ(i64, v);
      EXPECT_EQ(i32, static_cast<int32_t>(v));
      EXPECT_EQ(i16, static_cast<int16_t>(v));
    }
    int32_t sentinel = 0;
    ASSERT_EQ(r.ReadI32(&sentinel), absl::OkStatus());
    EXPECT_EQ(sentinel, -7);
    EXPECT_EQ(r.input().remaining(), 0u);
  }
}

TEST(CompactReader, VarintsLongerThanTheirTypeAreMalformed) {
  struct Case {
    TType type;
    std::string hex;
  };
  const std::vector<Case> cases = {
      {TType::kI64, "ff ff ff ff ff ff ff ff ff ff 01"},  // 11 bytes
      {TType::kI64, "80 80 80 80 80 80 80 80 80 80 00"},  // 11 bytes, zero
      {TType::kI64, "ff ff ff ff ff ff ff ff ff 02"},     // bit 64
      {TType::kI32, "ff ff ff ff ff 01"},                 // 6 bytes
      {TType::kI32, "80 80 80 80 80 00"},                 // 6 bytes, zero
      {TType::kI32, "ff ff ff ff 1f"},                    // bit 32
      {TType::kI16, "ff ff ff ff ff 01"},
  };
  for (const Case& c : cases) {
    for (bool straddle : {false, true}) {
      std::string bytes = Unhex(c.hex);
      bytes += std::string(20, '\0');  // plenty left: the length alone is wrong
      transport::LinkBuffer buf = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
      CompactReader r(buf, Limits());
      int16_t i16;
      int32_t i32;
      int64_t i64;
      const absl::Status s = c.type == TType::kI64   ? r.ReadI64(&i64)
                             : c.type == TType::kI32 ? r.ReadI32(&i32)
                                                     : r.ReadI16(&i16);
      EXPECT_TRUE(IsError(s, absl::StatusCode::kInvalidArgument, "varint too long")) << c.hex;
      transport::LinkBuffer buf2 = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
      CompactReader r2(buf2, Limits());
      EXPECT_TRUE(IsError(r2.Skip(c.type), absl::StatusCode::kInvalidArgument, "varint too long"))
          << c.hex;
    }
  }
  // An endless varint.
  transport::LinkBuffer buf = BufferOf(std::string(100000, '\xff'));
  CompactReader r(buf, Limits());
  int64_t v;
  EXPECT_TRUE(IsError(r.ReadI64(&v), absl::StatusCode::kInvalidArgument,
                      "malformed compact input: i64: varint too long"));
}

TEST(CompactReader, VarintsInHeadersAreBoundedToo) {
  const std::string six = "ff ff ff ff ff 01";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"82 21 " + six + " 00", "sequence id: varint too long"},
      {"82 21 01 " + six, "message name: varint too long"},
  };
  for (const auto& [hex, message] : cases) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    CompactReader r(buf, Limits());
    MessageBegin m;
    EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument, message));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("05 " + six));
    CompactReader r(buf, Limits());
    TType t;
    int16_t id;
    EXPECT_TRUE(IsError(r.ReadFieldBegin(&t, &id), absl::StatusCode::kInvalidArgument,
                        "field id: varint too long"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("f5 " + six));
    CompactReader r(buf, Limits());
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kInvalidArgument,
                        "list: varint too long"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex(six + " 55"));
    CompactReader r(buf, Limits());
    TType k, v;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadMapBegin(&k, &v, &n), absl::StatusCode::kInvalidArgument,
                        "map size: varint too long"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex(six));
    CompactReader r(buf, Limits());
    std::string s;
    EXPECT_TRUE(
        IsError(r.ReadString(&s), absl::StatusCode::kInvalidArgument, "string: varint too long"));
  }
}

TEST(CompactReader, TruncatedVarintIsTruncated) {
  for (const std::string hex : {"80", "ff ff", "ff ff ff ff ff ff ff ff ff"}) {
    for (bool straddle : {false, true}) {
      const std::string bytes = Unhex(hex);
      transport::LinkBuffer buf = straddle ? OneBytePerBlock(bytes) : BufferOf(bytes);
      CompactReader r(buf, Limits());
      int64_t v;
      EXPECT_TRUE(
          IsError(r.ReadI64(&v), absl::StatusCode::kOutOfRange, "truncated compact input: i64"))
          << hex;
    }
  }
}

TEST(CompactReader, I16AndFieldIdsOutsideTheI16RangeAreMalformed) {
  {
    transport::LinkBuffer buf = BufferOf(Unhex("80 e2 09"));  // zigzag 80000
    CompactReader r(buf, Limits());
    int16_t v;
    EXPECT_TRUE(
        IsError(r.ReadI16(&v), absl::StatusCode::kInvalidArgument, "i16 value 80000 out of range"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("05 80 f1 04"));  // field id 40000
    CompactReader r(buf, Limits());
    TType t;
    int16_t id;
    EXPECT_TRUE(IsError(r.ReadFieldBegin(&t, &id), absl::StatusCode::kInvalidArgument,
                        "field id 40000 out of the i16 range"));
  }
}

// ---- Other primitives ----

TEST(CompactWriter, WritesOtherPrimitives) {
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteBool(true);
              w.WriteBool(false);
              w.WriteByte(-1);
              w.WriteDouble(1.0);
              w.WriteDouble(-2.5);
            })),
            Canon("01 02 ff  00 00 00 00 00 00 f0 3f  00 00 00 00 00 00 04 c0"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteString("hi");
              w.WriteString("");
              w.WriteBinary(std::string("\0\xff", 2));
            })),
            Canon("02 68 69  00  02 00 ff"));
  EXPECT_EQ(
      Hex(Encode([](CompactWriter& w) { w.WriteString(std::string(200, 'a')); })).substr(0, 8),
      "c8 01 61");
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteUuid({0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                           0xcc, 0xdd, 0xee, 0xff});
            })),
            Canon("00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"));
}

// ---- Message headers ----

TEST(CompactWriter, WritesMessageHeaders) {
  EXPECT_EQ(
      Hex(Encode([](CompactWriter& w) { w.WriteMessageBegin("echo", MessageType::kCall, 7); })),
      Canon("82 21 07 04 65 63 68 6f"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) { w.WriteMessageBegin("", MessageType::kReply, -1); })),
            Canon("82 41 ff ff ff ff 0f 00"));
  EXPECT_EQ(
      Hex(Encode([](CompactWriter& w) { w.WriteMessageBegin("x", MessageType::kException, 300); })),
      Canon("82 61 ac 02 01 78"));
  EXPECT_EQ(
      Hex(Encode([](CompactWriter& w) { w.WriteMessageBegin("x", MessageType::kOneway, 1); })),
      Canon("82 81 01 01 78"));
}

TEST(CompactReader, ReadsMessageHeaders) {
  transport::LinkBuffer buf = BufferOf(Unhex("82 41 ff ff ff ff 0f 04 65 63 68 6f"));
  CompactReader r(buf, Limits());
  MessageBegin m;
  ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
  EXPECT_EQ(m.name, "echo");
  EXPECT_EQ(m.type, MessageType::kReply);
  EXPECT_EQ(m.seq_id, -1);
}

TEST(CompactReader, BadMessageHeadersAreMalformedAndNamed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"80 01 00 01", "bad protocol id 0x80 in message header (want 0x82)"},
      {"00 21 07 00", "bad protocol id 0x00"},
      {"82 22 07 00", "bad version 2 in message header (want 1)"},
      {"82 20 07 00", "bad version 0"},
      {"82 01 07 00", "invalid message type 0"},
      {"82 a1 07 00", "invalid message type 5"},
      {"82 e1 07 00", "invalid message type 7"},
      {"82 21 07 ff ff ff ff 0f", "negative message name length -1"},
  };
  for (const auto& [hex, message] : cases) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    CompactReader r(buf, Limits());
    MessageBegin m;
    EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kInvalidArgument,
                        "malformed compact input: " + message))
        << hex;
  }
}

// ---- Field headers ----

TEST(CompactWriter, WritesFieldIdDeltasShortAndLong) {
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteStructBegin();
              for (int16_t id : {1, 2, 17, 33, 32, 0, -1, 32767, -32768}) {
                w.WriteFieldBegin(TType::kI32, id);
                w.WriteI32(0);
                w.WriteFieldEnd();
              }
              w.WriteFieldStop();
              w.WriteStructEnd();
            })),
            Canon("15 00"           // 1: delta 1
                  "15 00"           // 2: delta 1
                  "f5 00"           // 17: delta 15, the largest short form
                  "05 42 00"        // 33: delta 16, long form (zigzag 66)
                  "05 40 00"        // 32: going back, long form
                  "05 00 00"        // 0
                  "05 01 00"        // -1
                  "05 fe ff 03 00"  // 32767
                  "05 ff ff 03 00"  // -32768
                  "00"));
}

TEST(CompactWriter, PacksBoolFieldsIntoTheirHeaders) {
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteStructBegin();
              const std::vector<std::pair<int16_t, bool>> fields = {
                  {1, true}, {2, false}, {100, true}, {101, false}, {-5, true}, {10, false}};
              for (const auto& [id, v] : fields) {
                w.WriteFieldBegin(TType::kBool, id);
                w.WriteBool(v);
                w.WriteFieldEnd();
              }
              w.WriteFieldStop();
              w.WriteStructEnd();
            })),
            Canon("11"        // 1 true: delta 1
                  "12"        // 2 false
                  "01 c8 01"  // 100 true: delta 98, long form
                  "12"        // 101 false
                  "01 09"     // -5 true: going back, long form
                  "f2"        // 10 false: delta 15
                  "00"));
}

TEST(CompactWriter, KeepsOneFieldIdPerStructLevel) {
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteStructBegin();
              w.WriteFieldBegin(TType::kStruct, 5);
              w.WriteStructBegin();
              w.WriteFieldBegin(TType::kI32, 1);
              w.WriteI32(1);
              w.WriteFieldBegin(TType::kBool, 2);
              w.WriteBool(true);
              w.WriteFieldStop();
              w.WriteStructEnd();
              w.WriteFieldBegin(TType::kI32, 6);
              w.WriteI32(3);
              w.WriteFieldStop();
              w.WriteStructEnd();
            })),
            Canon("5c  15 02  11  00  15 06  00"));
}

TEST(CompactReader, ReadsFieldIdsAndBoolsFromHeaders) {
  // { 1: true, 2: false, 100: true, 101: false, -5: true, 10: false,
  //   11: struct { 1: i32 1, 2: true }, 12: i32 3, 12 + 15: bool via nibble 2 }
  transport::LinkBuffer buf =
      BufferOf(Unhex("11 12 01 c8 01 12 01 09 f2  1c 15 02 11 00  15 06  f2  00"));
  CompactReader r(buf, Limits());
  ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
  TType t;
  int16_t id;
  bool b;
  const std::vector<std::pair<int16_t, bool>> bools = {{1, true},    {2, false}, {100, true},
                                                       {101, false}, {-5, true}, {10, false}};
  for (const auto& [want_id, want] : bools) {
    ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
    EXPECT_EQ(t, TType::kBool);
    EXPECT_EQ(id, want_id);
    const size_t before = r.input().remaining();
    ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
    EXPECT_EQ(b, want) << want_id;
    EXPECT_EQ(r.input().remaining(), before) << "the value came with the header";
  }
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStruct);
  EXPECT_EQ(id, 11);
  ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(id, 1) << "a nested struct's deltas start from 0";
  int32_t i;
  ASSERT_EQ(r.ReadI32(&i), absl::OkStatus());
  EXPECT_EQ(i, 1);
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kBool);
  EXPECT_EQ(id, 2);
  // Skipping a bool field consumes nothing either.
  ASSERT_EQ(r.Skip(TType::kBool), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStop);
  ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kI32);
  EXPECT_EQ(id, 12) << "the outer struct's last id came back after the inner one ended";
  ASSERT_EQ(r.ReadI32(&i), absl::OkStatus());
  EXPECT_EQ(i, 3);
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kBool);
  EXPECT_EQ(id, 27);
  ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
  EXPECT_FALSE(b);
  ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
  EXPECT_EQ(t, TType::kStop);
  ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
  EXPECT_EQ(r.input().remaining(), 0u);
}

TEST(CompactReader, InvalidTypeNibblesAreMalformedAndNamed) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"1e", "invalid type nibble 14 in field header"},
      {"0f 02", "invalid type nibble 15 in field header"},
  };
  for (const auto& [hex, message] : fields) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    CompactReader r(buf, Limits());
    TType t;
    int16_t id;
    EXPECT_TRUE(IsError(r.ReadFieldBegin(&t, &id), absl::StatusCode::kInvalidArgument, message));
  }
  const std::vector<std::pair<std::string, std::string>> lists = {
      {"1e 00", "invalid type nibble 14 in list header"},
      {"1f 00", "invalid type nibble 15 in list header"},
      {"10 00", "invalid type nibble 0 in list header"},
  };
  for (const auto& [hex, message] : lists) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    CompactReader r(buf, Limits());
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kInvalidArgument, message));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("0f"));
    CompactReader r(buf, Limits());
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadSetBegin(&e, &n), absl::StatusCode::kInvalidArgument,
                        "invalid type nibble 15 in set header"));
  }
  const std::vector<std::pair<std::string, std::string>> maps = {
      {"01 e5 00 00", "invalid key type nibble 14 in map header"},
      {"01 50 00 00", "invalid value type nibble 0 in map header"},
      {"01 0f 00 00", "invalid key type nibble 0 in map header"},
  };
  for (const auto& [hex, message] : maps) {
    transport::LinkBuffer buf = BufferOf(Unhex(hex));
    CompactReader r(buf, Limits());
    TType k, v;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadMapBegin(&k, &v, &n), absl::StatusCode::kInvalidArgument, message));
  }
  {
    // Inside a skipped struct, too.
    transport::LinkBuffer buf = BufferOf(Unhex("1c 1e 00"));
    CompactReader r(buf, Limits());
    EXPECT_TRUE(IsError(r.Skip(TType::kStruct), absl::StatusCode::kInvalidArgument,
                        "invalid type nibble 14 in field header"));
  }
}

// ---- Collections ----

TEST(CompactWriter, WritesListSetAndMapHeaders) {
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteListBegin(TType::kI32, 3);
              w.WriteI32(1);
              w.WriteI32(2);
              w.WriteI32(3);
            })),
            Canon("35 02 04 06"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) { w.WriteListBegin(TType::kByte, 14); })), Canon("e3"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) { w.WriteListBegin(TType::kByte, 15); })),
            Canon("f3 0f"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) { w.WriteSetBegin(TType::kString, 300); })),
            Canon("f8 ac 02"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteListBegin(TType::kBool, 2);
              w.WriteBool(true);
              w.WriteBool(false);
            })),
            Canon("21 01 02"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteListBegin(TType::kDouble, 0);
              w.WriteSetBegin(TType::kStruct, 0);
              w.WriteListBegin(TType::kList, 1);
              w.WriteListBegin(TType::kMap, 0);
              w.WriteListBegin(TType::kUuid, 0);
              w.WriteListBegin(TType::kSet, 0);
              w.WriteListBegin(TType::kI16, 0);
              w.WriteListBegin(TType::kI64, 0);
            })),
            Canon("07 0c 19 0b 0d 0a 04 06"));
  EXPECT_EQ(Hex(Encode([](CompactWriter& w) {
              w.WriteMapBegin(TType::kString, TType::kI32, 0);
              w.WriteMapBegin(TType::kString, TType::kI32, 1);
              w.WriteString("a");
              w.WriteI32(1);
              w.WriteMapBegin(TType::kBool, TType::kBool, 200);
            })),
            Canon("00  01 85 01 61 02  c8 01 11"));
}

TEST(CompactReader, ReadsCollectionHeaders) {
  // Padding after the headers, so that the remaining bytes hold every count.
  transport::LinkBuffer buf =
      BufferOf(Unhex("35 f3 0f f8 ac 02 21 22 00 01 85 c8 01 11") + std::string(1000, '\0'));
  CompactReader r2(buf, Limits{.max_container_size = 1000, .max_depth = 100});
  TType e, k;
  uint32_t n;
  ASSERT_EQ(r2.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kI32);
  EXPECT_EQ(n, 3u);
  ASSERT_EQ(r2.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kByte);
  EXPECT_EQ(n, 15u);
  ASSERT_EQ(r2.ReadSetBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kString);
  EXPECT_EQ(n, 300u);
  ASSERT_EQ(r2.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kBool) << "nibble 1";
  EXPECT_EQ(n, 2u);
  ASSERT_EQ(r2.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(e, TType::kBool) << "nibble 2";
  EXPECT_EQ(n, 2u);
  ASSERT_EQ(r2.ReadMapBegin(&k, &e, &n), absl::OkStatus());
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(k, TType::kStop) << "an empty map has no types";
  EXPECT_EQ(e, TType::kStop);
  ASSERT_EQ(r2.ReadMapBegin(&k, &e, &n), absl::OkStatus());
  EXPECT_EQ(k, TType::kString);
  EXPECT_EQ(e, TType::kI32);
  EXPECT_EQ(n, 1u);
  ASSERT_EQ(r2.ReadMapBegin(&k, &e, &n), absl::OkStatus());
  EXPECT_EQ(k, TType::kBool);
  EXPECT_EQ(e, TType::kBool);
  EXPECT_EQ(n, 200u);
}

TEST(CompactReader, ReadsBoolElementsAsApacheAndOthersWriteThem) {
  transport::LinkBuffer buf = BufferOf(Unhex("41 01 02 00 01"));
  CompactReader r(buf, Limits());
  TType e;
  uint32_t n;
  ASSERT_EQ(r.ReadListBegin(&e, &n), absl::OkStatus());
  ASSERT_EQ(n, 4u);
  for (bool want : {true, false, false, true}) {
    bool b = !want;
    ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
    EXPECT_EQ(b, want);
  }
  transport::LinkBuffer bad = BufferOf(Unhex("11 03"));
  CompactReader r2(bad, Limits());
  ASSERT_EQ(r2.ReadListBegin(&e, &n), absl::OkStatus());
  bool b;
  EXPECT_TRUE(IsError(r2.ReadBool(&b), absl::StatusCode::kInvalidArgument, "invalid bool byte 3"));
}

TEST(CompactReader, NegativeSizesAreMalformed) {
  {
    transport::LinkBuffer buf = BufferOf(Unhex("ff ff ff ff 0f 61"));
    CompactReader r(buf, Limits());
    std::string s;
    EXPECT_TRUE(
        IsError(r.ReadString(&s), absl::StatusCode::kInvalidArgument, "negative string length -1"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("80 80 80 80 08"));
    CompactReader r(buf, Limits());
    EXPECT_TRUE(IsError(r.Skip(TType::kString), absl::StatusCode::kInvalidArgument,
                        "negative string length -2147483648"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("f5 80 80 80 80 08"));  // 2^31
    CompactReader r(buf, Limits{.max_container_size = std::numeric_limits<uint32_t>::max()});
    TType e;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kInvalidArgument,
                        "negative list size -2147483648"));
  }
  {
    transport::LinkBuffer buf = BufferOf(Unhex("80 80 80 80 08 55"));
    CompactReader r(buf, Limits{.max_container_size = std::numeric_limits<uint32_t>::max()});
    TType k, v;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadMapBegin(&k, &v, &n), absl::StatusCode::kInvalidArgument,
                        "negative map size -2147483648"));
  }
}

TEST(CompactReader, ContainerCountOf2To31Minus1WithFewBytesNeverReserves) {
  const std::string bytes = Unhex("f5 ff ff ff ff 07 02 04");
  {
    transport::LinkBuffer buf = BufferOf(bytes);
    CompactReader r(buf, Limits());
    TType e;
    uint32_t n = 0;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kResourceExhausted,
                        "max_container_size exceeded: list size is 2147483647"));
    EXPECT_EQ(n, 0u);
  }
  {
    transport::LinkBuffer buf = BufferOf(bytes);
    CompactReader r(buf, Limits{.max_container_size = std::numeric_limits<uint32_t>::max()});
    TType e;
    uint32_t n = 0;
    EXPECT_TRUE(IsError(r.ReadListBegin(&e, &n), absl::StatusCode::kOutOfRange,
                        "list of 2147483647 elements needs at least 2147483647 bytes, 2 remain"));
    EXPECT_EQ(n, 0u);
  }
  {
    // A map of doubles needs 16 bytes an entry.
    transport::LinkBuffer buf = BufferOf(Unhex("03 77") + std::string(47, '\0'));
    CompactReader r(buf, Limits());
    TType k, v;
    uint32_t n;
    EXPECT_TRUE(IsError(r.ReadMapBegin(&k, &v, &n), absl::StatusCode::kOutOfRange,
                        "needs at least 48 bytes, 47 remain"));
  }
}

}  // namespace
}  // namespace vireo::codec
