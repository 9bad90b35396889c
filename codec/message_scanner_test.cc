// MessageScanner: finding where a Buffered message ends, resumably.
#include "vireo/codec/message_scanner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

// Writes Binary or Compact messages by hand, independently of the protocol
// implementations, so that the scanner is checked against the wire format.
class Writer {
 public:
  explicit Writer(bool compact) : compact_(compact) {}

  const std::string& bytes() const { return out_; }

  Writer& Message(std::string_view name, uint8_t type, int32_t seq, bool strict = true) {
    if (compact_) {
      Byte(0x82);
      Byte(static_cast<uint8_t>(type << 5 | 1));
      Varint(static_cast<uint32_t>(seq));
      Varint(name.size());
      out_ += name;
    } else if (strict) {
      BE32(0x80010000u | type);
      BE32(static_cast<uint32_t>(name.size()));
      out_ += name;
      BE32(static_cast<uint32_t>(seq));
    } else {
      BE32(static_cast<uint32_t>(name.size()));
      out_ += name;
      Byte(type);
      BE32(static_cast<uint32_t>(seq));
    }
    return StructBegin();
  }

  Writer& StructBegin() {
    last_ids_.push_back(0);
    return *this;
  }
  Writer& StructEnd() {
    Byte(0);
    last_ids_.pop_back();
    return *this;
  }

  Writer& Field(TType type, int16_t id) {
    if (!compact_) {
      Byte(static_cast<uint8_t>(type));
      BE16(static_cast<uint16_t>(id));
      return *this;
    }
    return CompactField(CompactType(type), id);
  }
  // Compact puts a bool field's value in its header.
  Writer& BoolField(int16_t id, bool v) {
    if (!compact_) return Field(TType::kBool, id).Byte(v ? 1 : 0);
    return CompactField(v ? 1 : 2, id);
  }

  // Values (bools here are container elements).
  Writer& Bool(bool v) { return Byte(compact_ ? (v ? 1 : 2) : (v ? 1 : 0)); }
  Writer& I8(int8_t v) { return Byte(static_cast<uint8_t>(v)); }
  Writer& I16(int16_t v) { return compact_ ? Varint(ZigZag(v)) : BE16(static_cast<uint16_t>(v)); }
  Writer& I32(int32_t v) { return compact_ ? Varint(ZigZag(v)) : BE32(static_cast<uint32_t>(v)); }
  Writer& I64(int64_t v) {
    if (compact_) return Varint(ZigZag(v));
    BE32(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
    return BE32(static_cast<uint32_t>(v));
  }
  Writer& Double() {
    out_.append(8, '\x3f');
    return *this;
  }
  Writer& Uuid() {
    out_.append(16, '\x11');
    return *this;
  }
  Writer& String(std::string_view s) {
    if (compact_) {
      Varint(s.size());
    } else {
      BE32(static_cast<uint32_t>(s.size()));
    }
    out_ += s;
    return *this;
  }
  Writer& List(TType elem, uint32_t size) {
    if (!compact_) {
      Byte(static_cast<uint8_t>(elem));
      return BE32(size);
    }
    if (size < 15) return Byte(static_cast<uint8_t>(size << 4 | CompactType(elem)));
    Byte(static_cast<uint8_t>(0xF0 | CompactType(elem)));
    return Varint(size);
  }
  Writer& Map(TType key, TType value, uint32_t size) {
    if (!compact_) {
      Byte(static_cast<uint8_t>(key));
      Byte(static_cast<uint8_t>(value));
      return BE32(size);
    }
    if (size == 0) return Byte(0);
    Varint(size);
    return Byte(static_cast<uint8_t>(CompactType(key) << 4 | CompactType(value)));
  }

  Writer& Byte(uint8_t b) {
    out_ += static_cast<char>(b);
    return *this;
  }
  Writer& Raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  Writer& BE16(uint16_t v) {
    return Byte(static_cast<uint8_t>(v >> 8)).Byte(static_cast<uint8_t>(v));
  }
  Writer& BE32(uint32_t v) {
    return BE16(static_cast<uint16_t>(v >> 16)).BE16(static_cast<uint16_t>(v));
  }
  Writer& Varint(uint64_t v) {
    while (v >= 0x80) {
      Byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    return Byte(static_cast<uint8_t>(v));
  }

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  static uint8_t CompactType(TType t) {
    switch (t) {
      case TType::kBool:
        return 1;
      case TType::kByte:
        return 3;
      case TType::kI16:
        return 4;
      case TType::kI32:
        return 5;
      case TType::kI64:
        return 6;
      case TType::kDouble:
        return 7;
      case TType::kString:
        return 8;
      case TType::kList:
        return 9;
      case TType::kSet:
        return 10;
      case TType::kMap:
        return 11;
      case TType::kStruct:
        return 12;
      case TType::kUuid:
        return 13;
      default:
        return 0;
    }
  }
  Writer& CompactField(uint8_t ctype, int16_t id) {
    const int delta = id - last_ids_.back();
    if (delta > 0 && delta <= 15) {
      Byte(static_cast<uint8_t>(delta << 4 | ctype));
    } else {
      Byte(ctype);
      Varint(ZigZag(id));
    }
    last_ids_.back() = id;
    return *this;
  }

  bool compact_;
  std::string out_;
  std::vector<int16_t> last_ids_;
};

// A message using every kind of value, nested.
std::string Sample(bool compact, bool strict = true, const std::string& blob = "blob") {
  Writer w(compact);
  w.Message("sample", 1, 77, strict);
  w.BoolField(1, true).BoolField(2, false);
  w.Field(TType::kByte, 3).I8(-1);
  w.Field(TType::kI16, 4).I16(-300);
  w.Field(TType::kI32, 5).I32(1 << 30);
  w.Field(TType::kI64, 100).I64(-(int64_t{1} << 50));  // a big id jump
  w.Field(TType::kDouble, 6).Double();
  w.Field(TType::kString, 7).String(blob);
  w.Field(TType::kUuid, 8).Uuid();
  w.Field(TType::kList, 9).List(TType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.I32(i * 1000);
  w.Field(TType::kList, 10).List(TType::kBool, 3).Bool(true).Bool(false).Bool(true);
  w.Field(TType::kSet, 11).List(TType::kString, 2).String("a").String("bc");
  w.Field(TType::kMap, 12).Map(TType::kString, TType::kList, 2);
  w.String("k1").List(TType::kI64, 1).I64(5);
  w.String("k2").List(TType::kI64, 0);
  w.Field(TType::kMap, 13).Map(TType::kI32, TType::kDouble, 2).I32(1).Double().I32(2).Double();
  w.Field(TType::kMap, 14).Map(TType::kI32, TType::kI32, 0);
  w.Field(TType::kList, 15).List(TType::kStruct, 2);
  w.StructBegin().Field(TType::kString, 1).String("x").StructEnd();
  w.StructBegin().StructEnd();
  w.Field(TType::kStruct, 16).StructBegin();
  w.Field(TType::kStruct, 1).StructBegin().Field(TType::kI16, 2).I16(7).StructEnd();
  w.Field(TType::kList, 2).List(TType::kList, 1).List(TType::kMap, 1);
  w.Map(TType::kByte, TType::kStruct, 1).I8(1).StructBegin().StructEnd();
  w.StructEnd();
  w.Field(TType::kI16, -5).I16(1);  // negative id: compact writes it long-form
  w.StructEnd();
  return w.bytes();
}

LinkBuffer Buffer(std::string_view data) {
  LinkBuffer b;
  b.Write(data);
  b.Flush();
  return b;
}

std::optional<size_t> ScanAll(std::string_view data, const Limits& limits = Limits()) {
  MessageScanner scanner(limits);
  LinkBuffer b = Buffer(data);
  absl::StatusOr<std::optional<size_t>> n = scanner.Scan(b);
  EXPECT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(b.Len(), data.size()) << "Scan consumes nothing";
  return n.ok() ? *n : std::nullopt;
}

absl::Status ScanError(std::string_view data, const Limits& limits = Limits()) {
  MessageScanner scanner(limits);
  LinkBuffer b = Buffer(data);
  absl::StatusOr<std::optional<size_t>> n = scanner.Scan(b);
  EXPECT_FALSE(n.ok()) << "scanned " << data.size() << " bytes without an error";
  return n.status();
}

struct Kind {
  const char* name;
  bool compact;
  bool strict;
};
constexpr Kind kKinds[] = {
    {"binary", false, true}, {"binary non-strict", false, false}, {"compact", true, true}};

TEST(MessageScanner, FindsTheEndOfACompleteMessage) {
  for (const Kind& k : kKinds) {
    const std::string m = Sample(k.compact, k.strict);
    EXPECT_EQ(ScanAll(m), m.size()) << k.name;
    // The next message's bytes do not matter.
    EXPECT_EQ(ScanAll(m + Sample(k.compact, k.strict)), m.size()) << k.name;
    EXPECT_EQ(ScanAll(m + "\xff\xff garbage"), m.size()) << k.name;
  }
}

TEST(MessageScanner, ReportsTheProtocol) {
  MessageScanner scanner;
  EXPECT_EQ(scanner.protocol(), std::nullopt);
  LinkBuffer b = Buffer(Sample(true).substr(0, 1));
  ASSERT_TRUE(scanner.Scan(b).ok());
  EXPECT_EQ(scanner.protocol(), ProtocolId::kCompact);
  scanner.Reset();
  b = Buffer(Sample(false));
  ASSERT_TRUE(scanner.Scan(b).ok());
  EXPECT_EQ(scanner.protocol(), ProtocolId::kBinary);
}

TEST(MessageScanner, EveryPrefixNeedsMore) {
  for (const Kind& k : kKinds) {
    const std::string m = Sample(k.compact, k.strict);
    for (size_t n = 0; n < m.size(); ++n) {
      EXPECT_EQ(ScanAll(m.substr(0, n)), std::nullopt) << k.name << " prefix " << n;
    }
  }
}

TEST(MessageScanner, ByteByByteExaminesEachByteOnce) {
  for (const Kind& k : kKinds) {
    const std::string m = Sample(k.compact, k.strict);
    MessageScanner scanner;
    LinkBuffer b;
    for (size_t i = 0; i < m.size(); ++i) {
      b.Write(m.substr(i, 1));
      b.Flush();
      absl::StatusOr<std::optional<size_t>> n = scanner.Scan(b);
      ASSERT_TRUE(n.ok()) << n.status();
      if (i + 1 < m.size()) {
        ASSERT_EQ(*n, std::nullopt) << k.name << " at " << i;
      } else {
        EXPECT_EQ(*n, m.size()) << k.name;
      }
    }
    EXPECT_LE(scanner.bytes_examined(), m.size()) << k.name;
    // Asking again gives the same answer and examines nothing new.
    const size_t examined = scanner.bytes_examined();
    EXPECT_EQ(*scanner.Scan(b), m.size());
    EXPECT_EQ(scanner.bytes_examined(), examined);
  }
}

TEST(MessageScanner, AcrossBlockEdges) {
  for (const Kind& k : kKinds) {
    const std::string m = Sample(k.compact, k.strict);
    for (size_t edge = 1; edge < m.size(); edge += 3) {
      LinkBuffer b;
      for (size_t off = 0; off < m.size(); off += edge) {
        LinkBuffer piece = Buffer(m.substr(off, edge));
        b.Append(std::move(piece));
      }
      b.Flush();
      MessageScanner scanner;
      EXPECT_EQ(*scanner.Scan(b), m.size()) << k.name << " edge " << edge;
    }
  }
}

TEST(MessageScanner, StringBodiesAreJumpedNotExamined) {
  for (const Kind& k : kKinds) {
    const std::string m = Sample(k.compact, k.strict, std::string(1 << 20, 'x'));
    MessageScanner scanner;
    LinkBuffer b = Buffer(m);
    EXPECT_EQ(*scanner.Scan(b), m.size());
    EXPECT_LT(scanner.bytes_examined(), 300u) << k.name;
  }
}

// A 1 MiB message of many small structures, arriving one byte per call:
// the scanner examines each byte at most once in total.
TEST(MessageScanner, SlowSenderCostsOnePass) {
  for (const Kind& k : kKinds) {
    Writer w(k.compact);
    w.Message("bulk", 1, 1, k.strict);
    w.Field(TType::kList, 1).List(TType::kStruct, 40000);
    for (int i = 0; i < 40000; ++i) {
      w.StructBegin()
          .Field(TType::kI32, 1)
          .I32(i * 7919)
          .Field(TType::kString, 2)
          .String("abcdefgh");
      w.Field(TType::kI64, 3).I64(i).StructEnd();
    }
    w.StructEnd();
    std::string m = w.bytes();
    ASSERT_GT(m.size(), 700u * 1024) << k.name;
    MessageScanner scanner;
    LinkBuffer b;
    std::optional<size_t> done;
    for (size_t i = 0; i < m.size(); ++i) {
      b.Write(std::string_view(&m[i], 1));
      b.Flush();
      absl::StatusOr<std::optional<size_t>> n = scanner.Scan(b);
      ASSERT_TRUE(n.ok()) << n.status();
      done = *n;
      if (done) {
        ASSERT_EQ(i + 1, m.size()) << "complete too early";
      }
    }
    EXPECT_EQ(done, m.size()) << k.name;
    EXPECT_LE(scanner.bytes_examined(), m.size()) << k.name;
  }
}

TEST(MessageScanner, ResetStartsTheNextMessage) {
  const std::string a = Sample(false);
  const std::string c = Sample(true);
  LinkBuffer b = Buffer(a + c);
  MessageScanner scanner;
  EXPECT_EQ(*scanner.Scan(b), a.size());
  ASSERT_TRUE(b.Skip(a.size()).ok());
  scanner.Reset();
  EXPECT_EQ(scanner.bytes_examined(), 0u);
  EXPECT_EQ(*scanner.Scan(b), c.size());
  EXPECT_EQ(scanner.protocol(), ProtocolId::kCompact);
}

TEST(MessageScanner, ApacheStyleEmptyContainers) {
  // An empty Binary list or map still carries its types; Compact writes an
  // empty map as one 0 byte.
  for (bool compact : {false, true}) {
    Writer w(compact);
    w.Message("m", 2, 1);
    w.Field(TType::kList, 1).List(TType::kStruct, 0);
    w.Field(TType::kMap, 2).Map(TType::kString, TType::kString, 0);
    w.Field(TType::kSet, 3).List(TType::kI64, 0);
    w.StructEnd();
    EXPECT_EQ(ScanAll(w.bytes()), w.bytes().size());
  }
}

// ---- Errors ----

void ExpectStatus(const absl::Status& s, absl::StatusCode code, std::string_view what) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_NE(s.message().find(std::string(what)), std::string::npos) << s;
}

TEST(MessageScannerErrors, BadMessageHeaders) {
  ExpectStatus(ScanError(std::string("\x80\x02\x00\x01", 4)), absl::StatusCode::kInvalidArgument,
               "malformed binary input: message version 0x8002, want 0x8001");
  ExpectStatus(ScanError(std::string("\x80\x01\x00\x05", 4)), absl::StatusCode::kInvalidArgument,
               "message type 5");
  ExpectStatus(ScanError("\xff\xff\xff\xff"), absl::StatusCode::kInvalidArgument,
               "message version 0xffff");
  ExpectStatus(ScanError(std::string("\x00\x00\x00\x01x\x09", 6)),
               absl::StatusCode::kInvalidArgument, "message type 9");
  ExpectStatus(ScanError("\x82\x22"), absl::StatusCode::kInvalidArgument,
               "malformed compact input: version 2, want 1");
  ExpectStatus(ScanError("\x82\xa1"), absl::StatusCode::kInvalidArgument, "message type 5");
  ExpectStatus(ScanError(std::string("\x80\x01\x00\x01\xff\xff\xff\xfe", 8)),
               absl::StatusCode::kInvalidArgument, "message name length -2 is negative");
}

TEST(MessageScannerErrors, BadTypes) {
  Writer w(false);
  w.Message("m", 1, 1).Byte(7);  // type 7 is not a Binary type
  ExpectStatus(ScanError(w.bytes()), absl::StatusCode::kInvalidArgument, "field type 7");
  Writer c(true);
  c.Message("m", 1, 1).Byte(0x1e);  // delta 1, type 14
  ExpectStatus(ScanError(c.bytes()), absl::StatusCode::kInvalidArgument,
               "malformed compact input: field type 14");
  Writer l(false);
  l.Message("m", 1, 1).Field(TType::kList, 1).Byte(1).BE32(2);  // list<void>
  ExpectStatus(ScanError(l.bytes()), absl::StatusCode::kInvalidArgument, "list element type 1");
  Writer m(true);
  m.Message("m", 1, 1).Field(TType::kMap, 1).Varint(1).Byte(0x8e);
  ExpectStatus(ScanError(m.bytes()), absl::StatusCode::kInvalidArgument,
               "map key/value types 8/14");
}

TEST(MessageScannerErrors, NegativeLengths) {
  Writer s(false);
  s.Message("m", 1, 1).Field(TType::kString, 1).BE32(0xFFFFFFFF);
  ExpectStatus(ScanError(s.bytes()), absl::StatusCode::kInvalidArgument,
               "string length -1 is negative");
  Writer l(false);
  l.Message("m", 1, 1).Field(TType::kSet, 1).Byte(8).BE32(0x80000000);
  ExpectStatus(ScanError(l.bytes()), absl::StatusCode::kInvalidArgument,
               "set size -2147483648 is negative");
}

TEST(MessageScannerErrors, LimitsAreCheckedAsSoonAsTheLengthIsIn) {
  Limits limits;
  limits.max_string_size = 100;
  limits.max_container_size = 10;
  for (bool compact : {false, true}) {
    Writer s(compact);
    s.Message("m", 1, 1).Field(TType::kString, 1);
    s.String(std::string(101, 'x'));
    // Only the header and the length have arrived: already an error.
    const std::string head = s.bytes().substr(0, s.bytes().size() - 101);
    ExpectStatus(ScanError(head, limits), absl::StatusCode::kResourceExhausted,
                 "max_string_size exceeded: string length is 101, the limit is 100");

    Writer n(compact);
    n.Message(std::string(101, 'n'), 1, 1);
    ExpectStatus(ScanError(n.bytes().substr(0, 10), limits), absl::StatusCode::kResourceExhausted,
                 "message name length is 101");

    Writer l(compact);
    l.Message("m", 1, 1).Field(TType::kList, 1).List(TType::kI32, 11);
    ExpectStatus(ScanError(l.bytes(), limits), absl::StatusCode::kResourceExhausted,
                 "max_container_size exceeded: list size is 11, the limit is 10");
    Writer m(compact);
    m.Message("m", 1, 1).Field(TType::kMap, 1).Map(TType::kI32, TType::kI32, 11);
    ExpectStatus(ScanError(m.bytes(), limits), absl::StatusCode::kResourceExhausted,
                 "map size is 11");
  }
}

TEST(MessageScannerErrors, MessageSizeIsBoundedByMaxFrameSize) {
  Limits limits;
  limits.max_frame_size = 1000;
  for (bool compact : {false, true}) {
    Writer w(compact);
    w.Message("m", 1, 1).Field(TType::kString, 1).String(std::string(2000, 'x'));
    // Known to be too long from the string's length alone.
    ExpectStatus(ScanError(w.bytes().substr(0, 20), limits), absl::StatusCode::kResourceExhausted,
                 "max_frame_size exceeded: Buffered message size (at least)");
    Writer ok(compact);
    ok.Message("m", 1, 1).Field(TType::kString, 1).String(std::string(900, 'x')).StructEnd();
    EXPECT_EQ(ScanAll(ok.bytes(), limits), ok.bytes().size());
  }
}

TEST(MessageScannerErrors, NestingDepth) {
  Limits limits;
  limits.max_depth = 4;
  for (bool compact : {false, true}) {
    // The argument struct is depth 1; three nested structs reach 4.
    Writer ok(compact);
    ok.Message("m", 1, 1);
    for (int i = 0; i < 3; ++i) ok.Field(TType::kStruct, 1).StructBegin();
    for (int i = 0; i < 4; ++i) ok.StructEnd();
    EXPECT_EQ(ScanAll(ok.bytes(), limits), ok.bytes().size());

    Writer deep(compact);
    deep.Message("m", 1, 1);
    for (int i = 0; i < 4; ++i) deep.Field(TType::kStruct, 1).StructBegin();
    ExpectStatus(ScanError(deep.bytes(), limits), absl::StatusCode::kResourceExhausted,
                 "max_depth exceeded: nesting depth is 5, the limit is 4");

    // Containers count too, even those of fixed-size elements.
    Writer lists(compact);
    lists.Message("m", 1, 1).Field(TType::kList, 1).List(TType::kList, 1).List(TType::kList, 1);
    lists.List(TType::kList, 1).List(TType::kI32, 1).I32(1);
    ExpectStatus(ScanError(lists.bytes(), limits), absl::StatusCode::kResourceExhausted,
                 "nesting depth is 5");
  }
}

TEST(MessageScannerErrors, CompactVarintsOverTenBytes) {
  Writer w(true);
  w.Message("m", 1, 1).Field(TType::kI64, 1).Raw(std::string(10, '\xff')).Byte(1);
  ExpectStatus(ScanError(w.bytes()), absl::StatusCode::kInvalidArgument,
               "integer value: varint longer than 10 bytes");
  // 32-bit values take at most 5 bytes and must fit 32 bits.
  ExpectStatus(ScanError("\x82\x21\xff\xff\xff\xff\xff\x01"), absl::StatusCode::kInvalidArgument,
               "sequence id: varint longer than 5 bytes");
  ExpectStatus(ScanError("\x82\x21\x01\xff\xff\xff\xff\x7f"), absl::StatusCode::kInvalidArgument,
               "message name length: varint exceeds 32 bits");
  Writer i32(true);
  i32.Message("m", 1, 1).Field(TType::kI32, 1).Raw("\x80\x80\x80\x80\x80").Byte(1);
  ExpectStatus(ScanError(i32.bytes()), absl::StatusCode::kInvalidArgument,
               "integer value: varint longer than 5 bytes");
  // An i64 may take all 10.
  Writer i64(true);
  i64.Message("m", 1, 1).Field(TType::kI64, 1).Raw(std::string(9, '\xff')).Byte(1).StructEnd();
  EXPECT_EQ(ScanAll(i64.bytes()), i64.bytes().size());
}

TEST(MessageScannerErrors, AnErrorSticksUntilReset) {
  MessageScanner scanner;
  LinkBuffer bad = Buffer(std::string("\x80\x02\x00\x01", 4));
  EXPECT_FALSE(scanner.Scan(bad).ok());
  LinkBuffer good = Buffer(Sample(false));
  EXPECT_FALSE(scanner.Scan(good).ok());
  scanner.Reset();
  EXPECT_EQ(*scanner.Scan(good), good.Len());
}

}  // namespace
}  // namespace vireo::codec
