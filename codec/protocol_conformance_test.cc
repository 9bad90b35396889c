// Behaviour both protocols share, checked on each: round trips of every
// type and container shape, reads across block edges, truncation at every
// byte offset, limits, nesting-depth bombs and Skip.
//
// Protocol-specific bytes live in binary_protocol_test.cc and
// compact_protocol_test.cc.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"

namespace vireo::codec {
namespace {

using ::testing::HasSubstr;

// ---- Helpers ----

// A buffer holding `data` with block edges after each of `pieces` bytes
// (the rest, if any, in one more block).
transport::LinkBuffer Chained(std::string_view data, const std::vector<size_t>& pieces) {
  transport::LinkBuffer out;
  size_t off = 0;
  for (size_t n : pieces) {
    if (off >= data.size()) break;
    transport::LinkBuffer piece;
    piece.Write(data.substr(off, n));
    out.Append(std::move(piece));
    off += n;
  }
  if (off < data.size()) {
    transport::LinkBuffer piece;
    piece.Write(data.substr(off));
    out.Append(std::move(piece));
  }
  out.Flush();
  return out;
}

transport::LinkBuffer OneBytePerBlock(std::string_view data) {
  return Chained(data, std::vector<size_t>(data.size(), 1));
}

transport::LinkBuffer Contiguous(std::string_view data) { return Chained(data, {}); }

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

uint64_t Bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof(u));
  return u;
}

// A Thrift value of any type, to write with either writer and check with
// either reader.
struct Value {
  TType type = TType::kStop;
  int64_t i = 0;              // bool, byte, i16, i32, i64
  double d = 0;               // double
  std::string s;              // string/binary; uuid (16 bytes)
  TType elem = TType::kStop;  // list/set elements; map values
  TType key = TType::kStop;   // map keys
  std::vector<Value> items;   // list/set elements; map: key, value, key, ...
  std::vector<std::pair<int16_t, Value>> fields;
};

Value Scalar(TType t, int64_t i) {
  Value v;
  v.type = t;
  v.i = i;
  return v;
}
Value Bool(bool b) { return Scalar(TType::kBool, b); }
Value Byte(int8_t i) { return Scalar(TType::kByte, i); }
Value I16(int16_t i) { return Scalar(TType::kI16, i); }
Value I32(int32_t i) { return Scalar(TType::kI32, i); }
Value I64(int64_t i) { return Scalar(TType::kI64, i); }
Value Double(double d) {
  Value v;
  v.type = TType::kDouble;
  v.d = d;
  return v;
}
Value Str(std::string s) {
  Value v;
  v.type = TType::kString;
  v.s = std::move(s);
  return v;
}
Value Uuid(uint8_t seed) {
  Value v;
  v.type = TType::kUuid;
  for (int i = 0; i < 16; ++i) v.s.push_back(static_cast<char>(seed + i * 17));
  return v;
}
Value Seq(TType type, TType elem, std::vector<Value> items) {
  Value v;
  v.type = type;
  v.elem = elem;
  v.items = std::move(items);
  return v;
}
Value List(TType elem, std::vector<Value> items) {
  return Seq(TType::kList, elem, std::move(items));
}
Value Set(TType elem, std::vector<Value> items) { return Seq(TType::kSet, elem, std::move(items)); }
Value Map(TType key, TType value, std::vector<Value> kvs) {
  Value v = Seq(TType::kMap, value, std::move(kvs));
  v.key = key;
  return v;
}
Value Struct(std::vector<std::pair<int16_t, Value>> fields) {
  Value v;
  v.type = TType::kStruct;
  v.fields = std::move(fields);
  return v;
}

template <class W>
void WriteValue(W& w, const Value& v) {
  switch (v.type) {
    case TType::kBool:
      w.WriteBool(v.i != 0);
      break;
    case TType::kByte:
      w.WriteByte(static_cast<int8_t>(v.i));
      break;
    case TType::kI16:
      w.WriteI16(static_cast<int16_t>(v.i));
      break;
    case TType::kI32:
      w.WriteI32(static_cast<int32_t>(v.i));
      break;
    case TType::kI64:
      w.WriteI64(v.i);
      break;
    case TType::kDouble:
      w.WriteDouble(v.d);
      break;
    case TType::kString:
      w.WriteString(v.s);
      break;
    case TType::kUuid: {
      std::array<uint8_t, 16> u;
      std::memcpy(u.data(), v.s.data(), 16);
      w.WriteUuid(u);
      break;
    }
    case TType::kStruct:
      w.WriteStructBegin();
      for (const auto& [id, f] : v.fields) {
        w.WriteFieldBegin(f.type, id);
        WriteValue(w, f);
        w.WriteFieldEnd();
      }
      w.WriteFieldStop();
      w.WriteStructEnd();
      break;
    case TType::kList:
      w.WriteListBegin(v.elem, static_cast<uint32_t>(v.items.size()));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteListEnd();
      break;
    case TType::kSet:
      w.WriteSetBegin(v.elem, static_cast<uint32_t>(v.items.size()));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteSetEnd();
      break;
    case TType::kMap:
      w.WriteMapBegin(v.key, v.elem, static_cast<uint32_t>(v.items.size() / 2));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteMapEnd();
      break;
    default:
      FAIL() << "cannot write type " << static_cast<int>(v.type);
  }
}

// Reads one value of v's type and expects it to equal v.
template <class R>
void ExpectValue(R& r, const Value& v) {
  switch (v.type) {
    case TType::kBool: {
      bool b = !v.i;
      ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
      EXPECT_EQ(b, v.i != 0);
      break;
    }
    case TType::kByte: {
      int8_t x = 0;
      ASSERT_EQ(r.ReadByte(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI16: {
      int16_t x = 0;
      ASSERT_EQ(r.ReadI16(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI32: {
      int32_t x = 0;
      ASSERT_EQ(r.ReadI32(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI64: {
      int64_t x = 0;
      ASSERT_EQ(r.ReadI64(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kDouble: {
      double x = 0;
      ASSERT_EQ(r.ReadDouble(&x), absl::OkStatus());
      EXPECT_EQ(Bits(x), Bits(v.d));
      break;
    }
    case TType::kString: {
      std::string x = "junk";
      ASSERT_EQ(r.ReadString(&x), absl::OkStatus());
      EXPECT_EQ(x, v.s);
      break;
    }
    case TType::kUuid: {
      std::array<uint8_t, 16> u{};
      ASSERT_EQ(r.ReadUuid(&u), absl::OkStatus());
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(u.data()), 16), v.s);
      break;
    }
    case TType::kStruct: {
      ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
      for (const auto& [id, f] : v.fields) {
        TType t;
        int16_t got_id;
        ASSERT_EQ(r.ReadFieldBegin(&t, &got_id), absl::OkStatus());
        ASSERT_EQ(t, f.type) << "field " << id;
        ASSERT_EQ(got_id, id);
        ExpectValue(r, f);
        ASSERT_EQ(r.ReadFieldEnd(), absl::OkStatus());
      }
      TType t;
      int16_t id;
      ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
      ASSERT_EQ(t, TType::kStop);
      ASSERT_EQ(id, 0);
      ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
      break;
    }
    case TType::kList:
    case TType::kSet: {
      TType e;
      uint32_t n;
      ASSERT_EQ(v.type == TType::kList ? r.ReadListBegin(&e, &n) : r.ReadSetBegin(&e, &n),
                absl::OkStatus());
      ASSERT_EQ(e, v.elem);
      ASSERT_EQ(n, v.items.size());
      for (const Value& item : v.items) ExpectValue(r, item);
      ASSERT_EQ(v.type == TType::kList ? r.ReadListEnd() : r.ReadSetEnd(), absl::OkStatus());
      break;
    }
    case TType::kMap: {
      TType k;
      TType val;
      uint32_t n;
      ASSERT_EQ(r.ReadMapBegin(&k, &val, &n), absl::OkStatus());
      ASSERT_EQ(n, v.items.size() / 2);
      if (n > 0) {  // Compact sends no types for an empty map
        ASSERT_EQ(k, v.key);
        ASSERT_EQ(val, v.elem);
      }
      for (const Value& item : v.items) ExpectValue(r, item);
      ASSERT_EQ(r.ReadMapEnd(), absl::OkStatus());
      break;
    }
    default:
      FAIL() << "cannot read type " << static_cast<int>(v.type);
  }
}

#define VIREO_RETURN_IF_ERROR(expr)    \
  do {                                 \
    absl::Status status_ = (expr);     \
    if (!status_.ok()) return status_; \
  } while (0)

// Reads one value of `type` through the typed API, whatever it holds.
template <class R>
absl::Status Walk(R& r, TType type, bool slices) {
  switch (type) {
    case TType::kBool: {
      bool b;
      return r.ReadBool(&b);
    }
    case TType::kByte: {
      int8_t x;
      return r.ReadByte(&x);
    }
    case TType::kI16: {
      int16_t x;
      return r.ReadI16(&x);
    }
    case TType::kI32: {
      int32_t x;
      return r.ReadI32(&x);
    }
    case TType::kI64: {
      int64_t x;
      return r.ReadI64(&x);
    }
    case TType::kDouble: {
      double x;
      return r.ReadDouble(&x);
    }
    case TType::kString: {
      if (slices) {
        transport::LinkBuffer slice;
        return r.ReadBinary(&slice);
      }
      std::string s;
      return r.ReadString(&s);
    }
    case TType::kUuid: {
      std::array<uint8_t, 16> u;
      return r.ReadUuid(&u);
    }
    case TType::kStruct: {
      VIREO_RETURN_IF_ERROR(r.ReadStructBegin());
      while (true) {
        TType t;
        int16_t id;
        VIREO_RETURN_IF_ERROR(r.ReadFieldBegin(&t, &id));
        if (t == TType::kStop) break;
        VIREO_RETURN_IF_ERROR(Walk(r, t, slices));
        VIREO_RETURN_IF_ERROR(r.ReadFieldEnd());
      }
      return r.ReadStructEnd();
    }
    case TType::kList:
    case TType::kSet: {
      TType e;
      uint32_t n;
      VIREO_RETURN_IF_ERROR(type == TType::kList ? r.ReadListBegin(&e, &n)
                                                 : r.ReadSetBegin(&e, &n));
      for (uint32_t i = 0; i < n; ++i) VIREO_RETURN_IF_ERROR(Walk(r, e, slices));
      return type == TType::kList ? r.ReadListEnd() : r.ReadSetEnd();
    }
    case TType::kMap: {
      TType k;
      TType v;
      uint32_t n;
      VIREO_RETURN_IF_ERROR(r.ReadMapBegin(&k, &v, &n));
      for (uint32_t i = 0; i < n; ++i) {
        VIREO_RETURN_IF_ERROR(Walk(r, k, slices));
        VIREO_RETURN_IF_ERROR(Walk(r, v, slices));
      }
      return r.ReadMapEnd();
    }
    default:
      return absl::InvalidArgumentError("walk: not a type");
  }
}

#undef VIREO_RETURN_IF_ERROR

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// A struct that holds every type and container shape, with field ids that
// step by one, jump, go backwards and go negative.
Value Everything() {
  std::vector<Value> many_strings;
  for (int i = 0; i < 20; ++i) many_strings.push_back(Str(std::string(i, 'a' + i)));
  std::vector<Value> many_pairs;
  for (int i = 0; i < 200; ++i) {
    many_pairs.push_back(I16(static_cast<int16_t>(i * 97 - 5000)));
    many_pairs.push_back(Byte(static_cast<int8_t>(i)));
  }
  return Struct({
      {1, Bool(true)},
      {2, Bool(false)},
      {3, Byte(-128)},
      {4, I16(-32768)},
      {5, I32(std::numeric_limits<int32_t>::min())},
      {6, I64(std::numeric_limits<int64_t>::max())},
      {7, Double(-1.5)},
      {8, Str("hello")},
      {9, Str(AllBytes())},
      {10, Uuid(3)},
      {11, List(TType::kI32, {I32(1), I32(-1), I32(std::numeric_limits<int32_t>::max())})},
      {12, Set(TType::kString, {Str("a"), Str("bc"), Str("")})},
      {13, Map(TType::kString, TType::kI64, {Str("k1"), I64(1), Str("k2"), I64(-2)})},
      {14, List(TType::kBool, {Bool(true), Bool(false), Bool(true)})},
      {15, Map(TType::kI32, TType::kList,
               {I32(7), List(TType::kString, {Str("x")}), I32(8), List(TType::kString, {})})},
      {16, Struct({{1, I32(5)},
                   {40, Bool(true)},
                   {20, Str("back")},
                   {-3, Double(0.25)},
                   {-2, Bool(false)}})},
      {17, List(TType::kDouble, {})},
      {18, Map(TType::kString, TType::kString, {})},
      {19, List(TType::kStruct, {Struct({}), Struct({{1, I64(1)}, {2, Bool(true)}})})},
      {20, List(TType::kList, {List(TType::kI64, {I64(1), I64(2)}), List(TType::kI64, {})})},
      {21,
       Map(TType::kBool, TType::kDouble, {Bool(true), Double(1e300), Bool(false), Double(-0.0)})},
      {22, Set(TType::kUuid, {Uuid(9), Uuid(200)})},
      {23, List(TType::kString, many_strings)},
      {24, Map(TType::kI16, TType::kByte, many_pairs)},
      {25, List(TType::kSet, {Set(TType::kByte, {Byte(1), Byte(-1)}), Set(TType::kDouble, {})})},
      {26,
       List(TType::kMap, {Map(TType::kI32, TType::kStruct, {I32(1), Struct({{2, Bool(false)}})})})},
      {27, Set(TType::kBool, {Bool(false)})},
      {300, I16(32767)},
      {-1, Bool(true)},
      {32767, I64(std::numeric_limits<int64_t>::min())},
      {-32768, Byte(0)},
      {15, Struct({{1, Struct({{1, Struct({})}})}})},
  });
}

struct BinaryProtocol {
  using Reader = BinaryReader;
  using Writer = BinaryWriter;
};
struct CompactProtocol {
  using Reader = CompactReader;
  using Writer = CompactWriter;
};

class ProtocolNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, BinaryProtocol> ? "Binary" : "Compact";
  }
};

template <class P>
class ProtocolTest : public ::testing::Test {
 protected:
  using Reader = typename P::Reader;
  using Writer = typename P::Writer;

  static std::string EncodeMessage(const Value& body, MessageType type = MessageType::kCall,
                                   int32_t seq_id = 42) {
    return Encode<Writer>([&](Writer& w) {
      w.WriteMessageBegin("method", type, seq_id);
      WriteValue(w, body);
      w.WriteMessageEnd();
    });
  }

  static void ExpectMessage(transport::LinkBuffer& buf, const Value& body, const Limits& limits) {
    Reader r(buf, limits);
    MessageBegin m;
    ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
    EXPECT_EQ(m.name, "method");
    EXPECT_EQ(m.type, MessageType::kCall);
    EXPECT_EQ(m.seq_id, 42);
    ExpectValue(r, body);
    ASSERT_EQ(r.ReadMessageEnd(), absl::OkStatus());
    EXPECT_EQ(r.input().remaining(), 0u);
  }
};

using Protocols = ::testing::Types<BinaryProtocol, CompactProtocol>;
TYPED_TEST_SUITE(ProtocolTest, Protocols, ProtocolNames);

// ---- Round trips ----

TYPED_TEST(ProtocolTest, RoundTripsEveryTypeAndContainerShape) {
  const Value body = Everything();
  const std::string bytes = this->EncodeMessage(body);
  transport::LinkBuffer buf = Contiguous(bytes);
  this->ExpectMessage(buf, body, Limits());
  EXPECT_EQ(buf.Len(), 0u) << "the reader consumes what it read";
}

TYPED_TEST(ProtocolTest, RoundTripsEdgeValuesOfEveryPrimitive) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Value> values = {
      Bool(true),
      Bool(false),
      Byte(0),
      Byte(-1),
      Byte(127),
      Byte(-128),
      I16(0),
      I16(1),
      I16(-1),
      I16(63),
      I16(-64),
      I16(64),
      I16(32767),
      I16(-32768),
      I32(0),
      I32(1),
      I32(-1),
      I32(63),
      I32(64),
      I32(-65),
      I32(8191),
      I32(8192),
      I32(std::numeric_limits<int32_t>::max()),
      I32(std::numeric_limits<int32_t>::min()),
      I64(0),
      I64(1),
      I64(-1),
      I64(int64_t{1} << 35),
      I64(-(int64_t{1} << 62)),
      I64(std::numeric_limits<int64_t>::max()),
      I64(std::numeric_limits<int64_t>::min()),
      Double(0.0),
      Double(-0.0),
      Double(1.0),
      Double(nan),
      Double(std::numeric_limits<double>::infinity()),
      Double(std::numeric_limits<double>::denorm_min()),
      Double(std::numeric_limits<double>::max()),
      Double(-std::numeric_limits<double>::lowest()),
      Str(""),
      Str("x"),
      Str(std::string(127, 'y')),
      Str(std::string(128, 'z')),
      Str(std::string(70000, 'w')),
      Str(AllBytes()),
      Uuid(0),
      Uuid(255),
  };
  for (size_t i = 0; i < values.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "value #" << i << " of type " << TTypeName(values[i].type));
    // Alone, and as the only field of a struct (Compact packs a bool there).
    const Value in_struct = Struct({{1, values[i]}});
    for (const Value* v : {&values[i], &in_struct}) {
      const std::string bytes = Encode<Writer>([&](Writer& w) { WriteValue(w, *v); });
      transport::LinkBuffer buf = Contiguous(bytes);
      Reader r(buf, Limits());
      ExpectValue(r, *v);
      EXPECT_EQ(r.input().remaining(), 0u);
    }
  }
}

TYPED_TEST(ProtocolTest, RoundTripsEveryMessageType) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::vector<MessageType> types = {MessageType::kCall, MessageType::kReply,
                                          MessageType::kException, MessageType::kOneway};
  const std::vector<int32_t> seq_ids = {
      0, 1, -1, 127, 128, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()};
  const std::vector<std::string> names = {"", "echo", std::string(300, 'm')};
  for (MessageType type : types) {
    for (int32_t seq_id : seq_ids) {
      for (const std::string& name : names) {
        const std::string bytes = Encode<Writer>([&](Writer& w) {
          w.WriteMessageBegin(name, type, seq_id);
          w.WriteMessageEnd();
        });
        transport::LinkBuffer buf = Contiguous(bytes);
        Reader r(buf, Limits());
        MessageBegin m;
        ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
        EXPECT_EQ(m.name, name);
        EXPECT_EQ(m.type, type);
        EXPECT_EQ(m.seq_id, seq_id);
        EXPECT_EQ(r.input().remaining(), 0u);
      }
    }
  }
}

TYPED_TEST(ProtocolTest, ReadsBinaryAsASliceOfTheBlocks) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  std::string big(20000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  const std::string bytes = Encode<Writer>([&](Writer& w) {
    w.WriteBinary(big);
    w.WriteBinary("");
    w.WriteI32(7);
  });
  transport::LinkBuffer buf = Chained(bytes, {3, 5000, 5000, 1});
  transport::LinkBuffer slice;
  transport::LinkBuffer empty;
  {
    Reader r(buf, Limits());
    ASSERT_EQ(r.ReadBinary(&slice), absl::OkStatus());
    ASSERT_EQ(r.ReadBinary(&empty), absl::OkStatus());
    int32_t x;
    ASSERT_EQ(r.ReadI32(&x), absl::OkStatus());
    EXPECT_EQ(x, 7);
  }
  buf.Release();
  ASSERT_EQ(slice.Len(), big.size());
  EXPECT_GT(slice.BlockCount(), 1u) << "a slice shares the blocks it straddles";
  EXPECT_TRUE(*slice.ReadString(big.size()) == big);
  EXPECT_EQ(empty.Len(), 0u);
}

TYPED_TEST(ProtocolTest, AcceptsATemporaryLimits) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) { w.WriteString("abc"); });
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, Limits{.max_string_size = 2});
  std::string s;
  EXPECT_TRUE(IsError(r.ReadString(&s), absl::StatusCode::kResourceExhausted,
                      "max_string_size exceeded: string length is 3, the limit is 2"));
}

// ---- Block edges ----

TYPED_TEST(ProtocolTest, ReadsAcrossEveryBlockEdge) {
  const Value body = Everything();
  const std::string bytes = this->EncodeMessage(body);
  for (size_t edge = 1; edge < bytes.size(); ++edge) {
    SCOPED_TRACE(testing::Message() << "block edge after byte " << edge);
    transport::LinkBuffer buf = Chained(bytes, {edge});
    this->ExpectMessage(buf, body, Limits());
    if (this->HasFatalFailure()) return;
  }
}

TYPED_TEST(ProtocolTest, ReadsWithEveryByteInItsOwnBlock) {
  const Value body = Everything();
  const std::string bytes = this->EncodeMessage(body);
  for (size_t piece : {1, 2, 3, 7}) {
    SCOPED_TRACE(testing::Message() << "blocks of " << piece << " bytes");
    transport::LinkBuffer buf = Chained(bytes, std::vector<size_t>(bytes.size(), piece));
    this->ExpectMessage(buf, body, Limits());
  }
}

TYPED_TEST(ProtocolTest, SkipsAcrossBlockEdges) {
  using Reader = typename TestFixture::Reader;
  const std::string bytes = this->EncodeMessage(Everything());
  for (size_t edge = 1; edge < bytes.size(); edge += 3) {
    transport::LinkBuffer buf = Chained(bytes, {edge, 5, 1, 9});
    Reader r(buf, Limits());
    MessageBegin m;
    ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
    ASSERT_EQ(r.Skip(TType::kStruct), absl::OkStatus()) << "edge " << edge;
    EXPECT_EQ(r.input().remaining(), 0u);
  }
}

// ---- Skip ----

TYPED_TEST(ProtocolTest, SkipsEveryValueExactly) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const Value everything = Everything();
  std::vector<Value> values = {everything};
  for (const auto& field : everything.fields) values.push_back(field.second);
  for (const Value& v : values) {
    SCOPED_TRACE(TTypeName(v.type));
    // The value, as a field of a struct and bare, then a sentinel.
    const Value wrapped = Struct({{7, v}});
    for (const Value* x : {&v, &wrapped}) {
      const std::string bytes = Encode<Writer>([&](Writer& w) {
        WriteValue(w, *x);
        w.WriteI32(-12345);
      });
      transport::LinkBuffer buf = OneBytePerBlock(bytes);
      Reader r(buf, Limits());
      ASSERT_EQ(r.Skip(x->type), absl::OkStatus());
      int32_t sentinel = 0;
      ASSERT_EQ(r.ReadI32(&sentinel), absl::OkStatus());
      EXPECT_EQ(sentinel, -12345);
      EXPECT_EQ(r.input().remaining(), 0u);
    }
  }
}

TYPED_TEST(ProtocolTest, SkipRejectsStopAndVoid) {
  using Reader = typename TestFixture::Reader;
  transport::LinkBuffer buf = Contiguous(std::string(8, '\0'));
  Reader r(buf, Limits());
  EXPECT_TRUE(
      IsError(r.Skip(TType::kStop), absl::StatusCode::kInvalidArgument, "cannot skip type id 0"));
  EXPECT_TRUE(
      IsError(r.Skip(TType::kVoid), absl::StatusCode::kInvalidArgument, "cannot skip type id 1"));
  EXPECT_TRUE(IsError(r.Skip(static_cast<TType>(99)), absl::StatusCode::kInvalidArgument,
                      "cannot skip type id 99"));
}

// ---- Truncation ----

// Every proper prefix of a valid message is an error, whichever way it is
// read, and never a crash or a read past the end (the sanitizer build
// checks the latter).
TYPED_TEST(ProtocolTest, TruncationAtEveryOffsetIsAnError) {
  using Reader = typename TestFixture::Reader;
  const std::string bytes = this->EncodeMessage(Everything());
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t len = 0; len < bytes.size(); ++len) {
    SCOPED_TRACE(testing::Message() << "first " << len << " of " << bytes.size() << " bytes");
    const std::string_view prefix(bytes.data(), len);
    for (int how = 0; how < 4; ++how) {
      transport::LinkBuffer buf =
          how % 2 == 0 ? Contiguous(prefix) : Chained(prefix, {len / 2, 1, 3});
      Reader r(buf, Limits());
      MessageBegin m;
      absl::Status s = r.ReadMessageBegin(&m);
      if (s.ok()) s = how < 2 ? r.Skip(TType::kStruct) : Walk(r, TType::kStruct, how == 3);
      ASSERT_TRUE(IsError(s, absl::StatusCode::kOutOfRange, "truncated")) << "reading way " << how;
      EXPECT_LE(r.input().remaining(), len);
    }
  }
}

TYPED_TEST(ProtocolTest, TruncatedStringIsCaughtBeforeAllocating) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) { w.WriteString(std::string(100, 's')); });
  const std::string_view prefix(bytes.data(), bytes.size() - 50);
  for (int how = 0; how < 3; ++how) {
    transport::LinkBuffer buf = Contiguous(prefix);
    Reader r(buf, Limits());
    std::string s;
    transport::LinkBuffer slice;
    const absl::Status status = how == 0   ? r.ReadString(&s)
                                : how == 1 ? r.ReadBinary(&slice)
                                           : r.Skip(TType::kString);
    EXPECT_TRUE(IsError(status, absl::StatusCode::kOutOfRange, "of 100 bytes, 50 remain")) << how;
    EXPECT_EQ(s.capacity(), std::string().capacity()) << "nothing allocated";
  }
}

// ---- Limits ----

TYPED_TEST(ProtocolTest, StringLongerThanTheLimitIsALimitError) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) { w.WriteString(std::string(100, 's')); });
  Limits limits;
  limits.max_string_size = 99;
  for (int how = 0; how < 3; ++how) {
    transport::LinkBuffer buf = Contiguous(bytes);
    Reader r(buf, limits);
    std::string s;
    transport::LinkBuffer slice;
    const absl::Status status = how == 0   ? r.ReadString(&s)
                                : how == 1 ? r.ReadBinary(&slice)
                                           : r.Skip(TType::kString);
    EXPECT_TRUE(IsError(status, absl::StatusCode::kResourceExhausted, "max_string_size exceeded: "))
        << how;
    EXPECT_TRUE(IsError(status, absl::StatusCode::kResourceExhausted, "is 100, the limit is 99"));
  }
  limits.max_string_size = 100;
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, limits);
  std::string s;
  EXPECT_EQ(r.ReadString(&s), absl::OkStatus()) << "the limit itself is allowed";
}

TYPED_TEST(ProtocolTest, MessageNameLongerThanTheLimitIsALimitError) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>(
      [](Writer& w) { w.WriteMessageBegin(std::string(50, 'n'), MessageType::kCall, 1); });
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, Limits{.max_string_size = 10});
  MessageBegin m;
  EXPECT_TRUE(IsError(r.ReadMessageBegin(&m), absl::StatusCode::kResourceExhausted,
                      "message name length is 50, the limit is 10"));
}

TYPED_TEST(ProtocolTest, ContainerLargerThanTheLimitIsALimitError) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  std::vector<Value> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(I32(i));
  std::vector<Value> ten_pairs;
  for (int i = 0; i < 10; ++i) {
    ten_pairs.push_back(I32(i));
    ten_pairs.push_back(I32(i));
  }
  const std::vector<std::pair<Value, std::string>> cases = {
      {List(TType::kI32, ten), "list size is 10, the limit is 9"},
      {Set(TType::kI32, ten), "set size is 10, the limit is 9"},
      {Map(TType::kI32, TType::kI32, ten_pairs), "map size is 10, the limit is 9"},
  };
  Limits limits;
  limits.max_container_size = 9;
  for (const auto& [v, message] : cases) {
    const std::string bytes = Encode<Writer>([&](Writer& w) { WriteValue(w, v); });
    for (bool skip : {false, true}) {
      transport::LinkBuffer buf = Contiguous(bytes);
      Reader r(buf, limits);
      const absl::Status s = skip ? r.Skip(v.type) : Walk(r, v.type, false);
      EXPECT_TRUE(IsError(s, absl::StatusCode::kResourceExhausted, "max_container_size exceeded"));
      EXPECT_TRUE(IsError(s, absl::StatusCode::kResourceExhausted, message));
    }
    limits.max_container_size = 10;
    transport::LinkBuffer buf = Contiguous(bytes);
    Reader r(buf, limits);
    EXPECT_EQ(r.Skip(v.type), absl::OkStatus()) << "the limit itself is allowed";
    limits.max_container_size = 9;
  }
}

// A count the remaining bytes cannot hold fails at the header, before a
// decoder could reserve room for it, even when the limit would allow it.
TYPED_TEST(ProtocolTest, CountTheBytesCannotHoldFailsAtTheHeader) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  struct Case {
    TType type, key, elem;
  };
  const std::vector<Case> cases = {
      {TType::kList, TType::kStop, TType::kI64},   {TType::kList, TType::kStop, TType::kStruct},
      {TType::kSet, TType::kStop, TType::kString}, {TType::kList, TType::kStop, TType::kList},
      {TType::kMap, TType::kI32, TType::kDouble},  {TType::kMap, TType::kMap, TType::kBool},
      {TType::kList, TType::kStop, TType::kUuid},  {TType::kSet, TType::kStop, TType::kByte},
  };
  const std::string padding(64, '\0');
  for (const Case& c : cases) {
    for (uint32_t count : {uint32_t{1000}, uint32_t{0x7fffffff}}) {
      SCOPED_TRACE(testing::Message()
                   << TTypeName(c.type) << " of " << TTypeName(c.elem) << " x " << count);
      const std::string bytes = Encode<Writer>([&](Writer& w) {
        if (c.type == TType::kMap) {
          w.WriteMapBegin(c.key, c.elem, count);
        } else if (c.type == TType::kList) {
          w.WriteListBegin(c.elem, count);
        } else {
          w.WriteSetBegin(c.elem, count);
        }
        w.output().WriteBytes(padding.data(), padding.size());
      });
      for (bool skip : {false, true}) {
        // Within a generous limit: the bytes decide.
        Limits limits;
        limits.max_container_size = std::numeric_limits<uint32_t>::max();
        transport::LinkBuffer buf = Contiguous(bytes);
        Reader r(buf, limits);
        absl::Status s;
        if (skip) {
          s = r.Skip(c.type);
        } else {
          TType k, e;
          uint32_t n;
          s = c.type == TType::kMap    ? r.ReadMapBegin(&k, &e, &n)
              : c.type == TType::kList ? r.ReadListBegin(&e, &n)
                                       : r.ReadSetBegin(&e, &n);
        }
        EXPECT_TRUE(IsError(s, absl::StatusCode::kOutOfRange, "elements needs at least"));
        EXPECT_TRUE(IsError(s, absl::StatusCode::kOutOfRange, "64 remain"));
        // Within the default limit: the limit decides first.
        if (count > Limits().max_container_size) {
          transport::LinkBuffer buf2 = Contiguous(bytes);
          Reader r2(buf2, Limits());
          EXPECT_TRUE(IsError(r2.Skip(c.type), absl::StatusCode::kResourceExhausted,
                              "max_container_size exceeded"));
        }
      }
    }
  }
}

TYPED_TEST(ProtocolTest, CountTheBytesJustHoldIsAccepted) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([&](Writer& w) {
    w.WriteListBegin(TType::kByte, 5);
    for (int8_t i = 0; i < 5; ++i) w.WriteByte(i);
  });
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, Limits());
  TType e;
  uint32_t n;
  ASSERT_EQ(r.ReadListBegin(&e, &n), absl::OkStatus());
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(r.input().remaining(), 5u);
}

// ---- Nesting depth ----

constexpr int kBombDepth = 100000;

TYPED_TEST(ProtocolTest, NestedListBombStopsAtMaxDepth) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) {
    for (int i = 0; i < kBombDepth; ++i) w.WriteListBegin(TType::kList, 1);
    w.WriteListBegin(TType::kI32, 0);
  });
  for (bool skip : {true, false}) {
    transport::LinkBuffer buf = Contiguous(bytes);
    Reader r(buf, Limits());
    const absl::Status s = skip ? r.Skip(TType::kList) : Walk(r, TType::kList, false);
    EXPECT_TRUE(IsError(s, absl::StatusCode::kResourceExhausted,
                        "max_depth exceeded: nesting depth is 65, the limit is 64"));
  }
}

TYPED_TEST(ProtocolTest, NestedStructBombStopsAtMaxDepth) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) {
    for (int i = 0; i < kBombDepth; ++i) {
      w.WriteStructBegin();
      w.WriteFieldBegin(TType::kStruct, 1);
    }
    w.WriteStructBegin();
    w.WriteFieldStop();
    w.WriteStructEnd();
    for (int i = 0; i < kBombDepth; ++i) {
      w.WriteFieldEnd();
      w.WriteFieldStop();
      w.WriteStructEnd();
    }
  });
  for (bool skip : {true, false}) {
    transport::LinkBuffer buf = Contiguous(bytes);
    Reader r(buf, Limits());
    const absl::Status s = skip ? r.Skip(TType::kStruct) : Walk(r, TType::kStruct, false);
    EXPECT_TRUE(IsError(s, absl::StatusCode::kResourceExhausted,
                        "max_depth exceeded: nesting depth is 65, the limit is 64"));
  }
}

TYPED_TEST(ProtocolTest, NestedMapBombStopsAtMaxDepth) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  const std::string bytes = Encode<Writer>([](Writer& w) {
    for (int i = 0; i < kBombDepth; ++i) {
      w.WriteMapBegin(TType::kString, TType::kMap, 1);
      w.WriteString("k");
    }
    w.WriteMapBegin(TType::kString, TType::kI32, 0);
  });
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, Limits());
  EXPECT_TRUE(
      IsError(r.Skip(TType::kMap), absl::StatusCode::kResourceExhausted, "nesting depth is 65"));
}

TYPED_TEST(ProtocolTest, DepthCountsStructsAndContainersTogether) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  // struct { 1: list<map<i32, struct { 1: set<i32> }>> }: depth 5.
  const Value v =
      Struct({{1, List(TType::kMap, {Map(TType::kI32, TType::kStruct,
                                         {I32(1), Struct({{1, Set(TType::kI32, {})}})})})}});
  const std::string bytes = Encode<Writer>([&](Writer& w) { WriteValue(w, v); });
  for (uint32_t max_depth : {4u, 5u}) {
    for (bool skip : {true, false}) {
      transport::LinkBuffer buf = Contiguous(bytes);
      Reader r(buf, Limits{.max_depth = max_depth});
      const absl::Status s = skip ? r.Skip(TType::kStruct) : Walk(r, TType::kStruct, false);
      if (max_depth == 5) {
        EXPECT_EQ(s, absl::OkStatus());
        EXPECT_EQ(r.input().remaining(), 0u);
      } else {
        EXPECT_TRUE(
            IsError(s, absl::StatusCode::kResourceExhausted, "nesting depth is 5, the limit is 4"));
      }
    }
  }
}

TYPED_TEST(ProtocolTest, DepthIsGivenBackAtEachEnd) {
  using Writer = typename TestFixture::Writer;
  using Reader = typename TestFixture::Reader;
  // Many siblings, each two deep, under a limit of 3: never deeper than 3.
  std::vector<Value> lists;
  for (int i = 0; i < 100; ++i) lists.push_back(List(TType::kStruct, {Struct({})}));
  const Value v = Struct({{1, List(TType::kList, lists)}});
  const std::string bytes = Encode<Writer>([&](Writer& w) { WriteValue(w, v); });
  transport::LinkBuffer buf = Contiguous(bytes);
  Reader r(buf, Limits{.max_depth = 4});
  ExpectValue(r, v);
}

}  // namespace
}  // namespace vireo::codec
