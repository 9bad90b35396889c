// The generated codec (codec_gen.cc over codec/generated.h) on
// testdata/codec_test.thrift: exact bytes for small structs, round trips of
// every type in both protocols, exact sizes (also past the contiguous-write
// limit), raw writes against the protocol writers, reads across every block
// edge, reuse of decoded objects, unknown and mistyped fields, truncation at
// every length, limits, required fields and binary slices.
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec_test_types.h"
#include "complex_types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/serialize.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codectest {
namespace {

using codec::Bytes;
using codec::DecodeOptions;
using codec::Limits;
using codec::ProtocolId;
using ::testing::HasSubstr;

// ---- Helpers ----

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

std::string Canon(std::string_view hex) { return Hex(Unhex(hex)); }

// Encodes through codec::Encode, checking that exactly EncodedSize bytes
// were appended.
template <class T>
std::string EncodeToString(const T& v, ProtocolId p) {
  transport::LinkBuffer buf;
  codec::Encode(v, p, buf);
  EXPECT_EQ(buf.MallocLen(), codec::EncodedSize(v, p));
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

// Encodes field by field through the protocol writers (BinaryWriter and
// CompactWriter, checked against Apache Thrift by the codec's own tests).
template <class T>
std::string EncodeWithWriter(const T& v, ProtocolId p) {
  transport::LinkBuffer buf;
  if (p == ProtocolId::kBinary) {
    codec::BinaryWriter w(buf);
    v.WriteChunked(w);
    w.Finish();
  } else {
    codec::CompactWriter w(buf);
    v.WriteChunked(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

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

// A buffer holding `data` in one block.
transport::LinkBuffer OneBlock(std::string_view data) {
  transport::LinkBuffer out;
  if (!data.empty()) std::memcpy(out.Malloc(data.size()), data.data(), data.size());
  out.Flush();
  return out;
}

template <class T>
absl::Status DecodeBytes(std::string_view bytes, ProtocolId p, T* v, const Limits& limits = {}) {
  transport::LinkBuffer buf = OneBlock(bytes);
  absl::Status s = codec::Decode(buf, p, v, limits);
  if (s.ok()) {
    EXPECT_EQ(buf.Len(), 0u) << "the whole struct is consumed";
  }
  return s;
}

// Bytes of a struct written by hand through a protocol writer.
template <class F>
std::string Written(ProtocolId p, F&& write) {
  transport::LinkBuffer buf;
  if (p == ProtocolId::kBinary) {
    codec::BinaryWriter w(buf);
    write(w);
    w.Finish();
  } else {
    codec::CompactWriter w(buf);
    write(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

Leaf MakeLeaf(int64_t id, size_t payload_size) {
  Leaf leaf;
  leaf.id = id;
  leaf.title = "leaf number " + std::to_string(id);
  leaf.payload = Bytes(std::string(payload_size, static_cast<char>('a' + id % 26)));
  leaf.path = {Point{1.5, -2.5}, Point{id * 1.0, 0}};
  if (id % 2 == 0) leaf.labels = Labels{{"k", "v"}, {"id", std::to_string(id)}};
  return leaf;
}

// Every field set, with values that exercise signs, varint lengths and
// both list-header forms.
AllTypes FullAllTypes() {
  AllTypes v;
  v.b = true;
  v.i8v = -7;
  v.i16v = -300;
  v.i32v = 70000;
  v.i64v = -(int64_t{1} << 40);
  v.dv = 3.25;
  v.s = "a string";
  v.bin = Bytes(std::string_view("\x00\x01\xff", 3));
  for (int i = 0; i < 16; ++i) v.u[i] = static_cast<uint8_t>(i * 17);
  v.color = Color::BLUE;
  v.user = 1234567890123;
  v.ids = {0, 1, -1, 127, 128, -65, int64_t{1} << 62, std::numeric_limits<int64_t>::min()};
  v.tags = {"", "x", std::string(200, 't')};
  v.codes = {-1, 0, 5, 1 << 20};
  v.names = {"alpha", "beta", "gamma"};
  v.counters = {{"one", 1}, {"minus", -1}, {"big", int64_t{1} << 50}};
  v.by_id = {{1, MakeLeaf(1, 10)}, {-5, MakeLeaf(2, 0)}};
  for (int i = 0; i < 17; ++i) v.leaves.push_back(MakeLeaf(i, static_cast<size_t>(i)));
  v.matrix = {{1, 2, 3}, {}, {-4}};
  v.bits = {true, false, true, true};
  v.typedef_list = {9, 8, 7};
  v.labels = {{"env", "test"}};
  v.note = "a note";
  v.choice.emplace();
  v.choice->mutable_leaf() = MakeLeaf(99, 3);
  v.plain_choice.set_str_value("chosen");
  v.colors = {Color::RED, Color::GREEN, Color::BLUE};
  v.by_color = {{Color::RED, {"r"}}, {Color::BLUE, {"b", "bb"}}};
  v.deque_ints = {1, -2, 3};
  v.hashed = {{"h1", 1}, {"h2", 2}};
  v.hashed_set = {10, 20, 30};
  v.region = "eu-west";
  v.with_default = -1;
  v.must = 77;
  v.where = Point{0.5, 0.25};
  v.origin = Point{-1, -1};
  v.id_deque = {5, 6};
  v.bin_keys = {{Bytes("k1"), 1}, {Bytes(std::string_view("\0", 1)), 2}};
  codec::Uuid u2{};
  u2[15] = 1;
  v.uuids = {v.u, u2};
  v.oops.reason = "bad";
  v.oops.code = 501;
  v.doubles = {0.0, -1.5, 1e300};
  v.nested_maps = {{1, {{2, true}, {3, false}}}, {-1, {}}};
  v.list_of_sets = {{"a", "b"}, {}, {"c"}};
  return v;
}

// Larger than kContiguousEncodeLimit: written through the chunked path.
AllTypes BigAllTypes() {
  AllTypes v = FullAllTypes();
  for (int i = 0; i < 3000; ++i) v.ids.push_back(i * 1000003LL);
  v.s = std::string(5000, 's');
  for (int i = 0; i < 40; ++i) v.leaves.push_back(MakeLeaf(i, 300));
  return v;
}

class CodecTest : public ::testing::TestWithParam<ProtocolId> {
 protected:
  ProtocolId p() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Protocols, CodecTest,
                         ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return info.param == ProtocolId::kBinary ? "Binary" : "Compact";
                         });

// ---- Exact bytes ----

TEST(CodecBytes, SmallBinary) {
  Small v;
  v.flag = true;
  v.num = 5;
  v.text = "hi";
  EXPECT_EQ(Hex(EncodeToString(v, ProtocolId::kBinary)),
            Canon("02 0001 01  08 0002 00000005  0b 0003 00000002 6869  00"));
}

TEST(CodecBytes, SmallCompact) {
  Small v;
  v.flag = true;
  v.num = 5;
  v.text = "hi";
  // Bool value in the header's nibble; deltas of 1; zigzag(5) = 10.
  EXPECT_EQ(Hex(EncodeToString(v, ProtocolId::kCompact)), Canon("11  15 0a  18 02 6869  00"));
  v.flag = false;
  v.num = -1;
  v.text = "";
  EXPECT_EQ(Hex(EncodeToString(v, ProtocolId::kCompact)), Canon("12  15 01  18 00  00"));
}

TEST(CodecBytes, FieldsGoInIdOrder) {
  Far v;
  v.a = -1;
  v.b = 2;
  v.c = true;
  EXPECT_EQ(Hex(EncodeToString(v, ProtocolId::kBinary)),
            Canon("06 0001 ffff  02 0003 01  06 00c8 0002  00"));
  // Id 200 is 197 past 3: the long header, id as zigzag varint 400.
  EXPECT_EQ(Hex(EncodeToString(v, ProtocolId::kCompact)), Canon("14 01  21  04 9003 04  00"));
}

TEST(CodecBytes, Union) {
  Choice c;
  EXPECT_EQ(Hex(EncodeToString(c, ProtocolId::kBinary)), "00");
  c.set_str_value("x");
  EXPECT_EQ(Hex(EncodeToString(c, ProtocolId::kBinary)), Canon("0b 0002 00000001 78 00"));
  EXPECT_EQ(Hex(EncodeToString(c, ProtocolId::kCompact)), Canon("28 01 78 00"));
  c.set_int_value(-2);
  EXPECT_EQ(Hex(EncodeToString(c, ProtocolId::kCompact)), Canon("16 03 00"));
}

TEST(CodecBytes, Containers) {
  AllTypes v;
  v.must = 1;
  v.codes = {3};
  v.counters = {{"a", 1}};
  v.bits = {true, false};
  const std::string binary = EncodeToString(v, ProtocolId::kBinary);
  EXPECT_THAT(Hex(binary), HasSubstr(Canon("0e 000e 08 00000001 00000003")));
  EXPECT_THAT(Hex(binary), HasSubstr(Canon("0d 0010 0b 0a 00000001 00000001 61 0000000000000001")));
  EXPECT_THAT(Hex(binary), HasSubstr(Canon("0f 0014 02 00000002 01 00")));
  const std::string compact = EncodeToString(v, ProtocolId::kCompact);
  // set<i32> {3}: size 1, i32 nibble 5; zigzag(3) = 6.
  EXPECT_THAT(Hex(compact), HasSubstr(Canon("1a 15 06")));
  // map<string, i64> {"a": 1}: size varint, key/value nibbles 8 and 6.
  EXPECT_THAT(Hex(compact), HasSubstr(Canon("1b 01 86 01 61 02")));
  // list<bool> {true, false}: elements 1 and 2.
  EXPECT_THAT(Hex(compact), HasSubstr(Canon("19 21 01 02")));
}

TEST(CodecBytes, EmptyStruct) {
  Empty e;
  EXPECT_EQ(Hex(EncodeToString(e, ProtocolId::kBinary)), "00");
  EXPECT_EQ(Hex(EncodeToString(e, ProtocolId::kCompact)), "00");
  Wrapper w;
  w.p = Point{1, 2};
  Wrapper out;
  ASSERT_TRUE(
      DecodeBytes(EncodeToString(w, ProtocolId::kCompact), ProtocolId::kCompact, &out).ok());
  EXPECT_EQ(out, w);
}

// ---- Round trips and sizes ----

TEST_P(CodecTest, RoundTripsEveryType) {
  const AllTypes v = FullAllTypes();
  const std::string bytes = EncodeToString(v, p());
  AllTypes out;
  ASSERT_TRUE(DecodeBytes(bytes, p(), &out).ok());
  EXPECT_EQ(out, v);
}

TEST_P(CodecTest, RawWritesMatchTheProtocolWriters) {
  for (const AllTypes& v : {AllTypes{}, FullAllTypes(), BigAllTypes()}) {
    EXPECT_EQ(EncodeToString(v, p()), EncodeWithWriter(v, p()));
  }
  Far far;
  far.b = -32768;
  EXPECT_EQ(EncodeToString(far, p()), EncodeWithWriter(far, p()));
  Many many;
  many.f1 = 1;
  many.f64 = 64;
  many.f70 = 70;
  EXPECT_EQ(EncodeToString(many, p()), EncodeWithWriter(many, p()));
}

TEST_P(CodecTest, SizesAreExactPastTheContiguousLimit) {
  const AllTypes v = BigAllTypes();
  ASSERT_GT(codec::EncodedSize(v, p()), codec::kContiguousEncodeLimit);
  // Appending after bytes already in the buffer: the size still counts
  // only the struct.
  transport::LinkBuffer buf;
  buf.Write("head");
  codec::Encode(v, p(), buf);
  EXPECT_EQ(buf.MallocLen(), 4 + codec::EncodedSize(v, p()));
  buf.Flush();
  ASSERT_TRUE(buf.Skip(4).ok());
  AllTypes out;
  ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
  EXPECT_EQ(out, v);
  EXPECT_EQ(buf.Len(), 0u);
}

TEST_P(CodecTest, EncodesSeveralStructsBackToBack) {
  transport::LinkBuffer buf;
  Small a;
  a.num = 1;
  Small b;
  b.text = "second";
  codec::Encode(a, p(), buf);
  codec::Encode(b, p(), buf);
  buf.Flush();
  Small out;
  ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
  EXPECT_EQ(out, a);
  ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
  EXPECT_EQ(out, b);
  EXPECT_EQ(buf.Len(), 0u);
}

TEST_P(CodecTest, RoundTripsTheBenchmarkStruct) {
  bench::Complex c;
  c.flag = true;
  c.tiny = 1;
  c.name = "complex";
  c.ids = {1, 2, 3};
  c.codes = {4, 5};
  c.counters = {{"c", 3}};
  bench::Item item;
  item.id = 8;
  item.payload = Bytes("pay");
  item.path = {bench::Point{1, 2}};
  c.items = {item};
  c.by_id = {{8, item}};
  c.value.emplace();
  c.value->set_list_value({"l1", "l2"});
  c.matrix = {{1}, {2, 3}};
  const std::string bytes = EncodeToString(c, p());
  bench::Complex out;
  ASSERT_TRUE(DecodeBytes(bytes, p(), &out).ok());
  EXPECT_EQ(out, c);
  bench::NotFound nf;
  nf.reason = "gone";
  bench::NotFound nf_out;
  ASSERT_TRUE(DecodeBytes(EncodeToString(nf, p()), p(), &nf_out).ok());
  EXPECT_EQ(nf_out, nf);
}

// ---- Block edges ----

TEST_P(CodecTest, DecodesAcrossEveryBlockEdge) {
  AllTypes v = FullAllTypes();
  v.leaves.resize(3);  // keeps the quadratic walk short
  const std::string bytes = EncodeToString(v, p());
  for (size_t edge = 0; edge <= bytes.size(); ++edge) {
    SCOPED_TRACE(testing::Message() << "block edge after byte " << edge);
    transport::LinkBuffer buf = Chained(bytes, {edge});
    AllTypes out;
    ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
    EXPECT_EQ(out, v);
    EXPECT_EQ(buf.Len(), 0u);
  }
}

TEST_P(CodecTest, DecodesWithEveryByteInItsOwnBlock) {
  const AllTypes v = FullAllTypes();
  const std::string bytes = EncodeToString(v, p());
  transport::LinkBuffer buf = Chained(bytes, std::vector<size_t>(bytes.size(), 1));
  AllTypes out;
  ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
  EXPECT_EQ(out, v);
}

// ---- Reuse ----

TEST_P(CodecTest, DecodingIntoAReusedObjectEqualsAFreshDecode) {
  AllTypes first = FullAllTypes();
  AllTypes second;
  second.must = 3;
  second.ids = {1};
  second.by_id = {{7, MakeLeaf(7, 1)}};
  second.counters = {{"other", 2}};
  second.names = {"zeta"};
  second.hashed = {{"h3", 3}};
  second.plain_choice.set_int_value(5);
  second.leaves = {MakeLeaf(1, 1)};  // no labels where the first had some
  AllTypes third = FullAllTypes();
  third.leaves.push_back(MakeLeaf(100, 5));
  third.choice->set_str_value("now a string");
  third.note.reset();

  AllTypes reused;
  for (const AllTypes* v : {&first, &second, &third, &first}) {
    ASSERT_TRUE(DecodeBytes(EncodeToString(*v, p()), p(), &reused).ok());
    AllTypes fresh;
    ASSERT_TRUE(DecodeBytes(EncodeToString(*v, p()), p(), &fresh).ok());
    EXPECT_EQ(reused, fresh);
    EXPECT_EQ(reused, *v);
  }
}

TEST_P(CodecTest, AbsentFieldsGetTheirDefaults) {
  // Only the required field on the wire.
  const std::string bytes = Written(p(), [](auto& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kI32, 33);
    w.WriteI32(12);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
  });
  AllTypes v = FullAllTypes();
  ASSERT_TRUE(DecodeBytes(bytes, p(), &v).ok());
  AllTypes expected;
  expected.must = 12;
  EXPECT_EQ(v, expected);
  EXPECT_EQ(v.region, "cn-north");
  EXPECT_EQ(v.with_default, 404);
  EXPECT_EQ(v.color, Color::GREEN);
  EXPECT_FALSE(v.note.has_value());
  EXPECT_EQ(v.oops.code, 500);
}

TEST_P(CodecTest, UnionKeepsTheLastFieldAndClearsWhenEmpty) {
  Choice c;
  c.set_list_value({"a"});
  EXPECT_EQ(DecodeBytes(std::string_view(), p(), &c).code(), absl::StatusCode::kOutOfRange);
  ASSERT_TRUE(DecodeBytes(Unhex("00"), p(), &c).ok());
  EXPECT_EQ(c.which(), Choice::Which::kNone);
  Choice s;
  s.set_str_value("x");
  ASSERT_TRUE(DecodeBytes(EncodeToString(s, p()), p(), &c).ok());
  EXPECT_EQ(c, s);
}

// ---- Unknown and mistyped fields ----

TEST_P(CodecTest, SkipsUnknownFields) {
  New n;
  n.a = 1;
  n.added = "added";
  n.more = {MakeLeaf(1, 4), MakeLeaf(2, 5000)};
  n.nested = {{1, {"x", "y"}}, {2, {}}};
  n.pt = Point{3, 4};
  n.b = 2;
  n.flag2 = true;
  n.d = 0.5;
  n.u[0] = 1;
  n.s16 = {-1, 1};
  n.big = -5;
  n.tiny = 3;
  n.choice.set_leaf(MakeLeaf(3, 3));
  n.points = {{"p", Point{5, 6}}};
  const std::string bytes = EncodeToString(n, p());
  Old old;
  old.a = 100;
  old.b = 200;
  ASSERT_TRUE(DecodeBytes(bytes, p(), &old).ok());
  EXPECT_EQ(old.a, 1);
  EXPECT_EQ(old.b, 2);
  // Across block edges too.
  for (size_t edge = 0; edge <= bytes.size(); edge += 7) {
    transport::LinkBuffer buf = Chained(bytes, {edge});
    Old o;
    ASSERT_TRUE(codec::Decode(buf, p(), &o).ok()) << edge;
    EXPECT_EQ(o.b, 2);
    EXPECT_EQ(buf.Len(), 0u);
  }
}

TEST_P(CodecTest, SkipsFieldsAndElementsOfTheWrongType) {
  TypeB b;
  b.x = "not an int";
  b.keep = "kept";
  b.xs = {"s1", "s2"};
  b.m = {{"k", 1}};
  TypeA a;
  a.x = 5;
  a.xs = {1, 2, 3};
  a.m = {{1, 1}};
  ASSERT_TRUE(DecodeBytes(EncodeToString(b, p()), p(), &a).ok());
  EXPECT_EQ(a.x, 0);  // absent as an i32: the default
  EXPECT_EQ(a.keep, "kept");
  EXPECT_TRUE(a.xs.empty());
  EXPECT_TRUE(a.m.empty());
}

TEST_P(CodecTest, RejectsAnUnknownFieldOfNoType) {
  std::string bytes;
  if (p() == ProtocolId::kBinary) {
    bytes = Unhex("07 0063 00");  // type id 7 names no type
  } else {
    bytes = Unhex("1e 00");  // nibble 14 names no type
  }
  Old old;
  const absl::Status s = DecodeBytes(bytes, p(), &old);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("Old"));
}

// ---- Truncation ----

TEST_P(CodecTest, TruncatedInputAtEveryLengthIsAnError) {
  AllTypes v = FullAllTypes();
  v.leaves.resize(2);
  const std::string bytes = EncodeToString(v, p());
  for (size_t len = 0; len < bytes.size(); ++len) {
    AllTypes out;
    const absl::Status s = DecodeBytes(std::string_view(bytes).substr(0, len), p(), &out);
    ASSERT_EQ(s.code(), absl::StatusCode::kOutOfRange) << "length " << len << ": " << s;
  }
}

// ---- Limits ----

TEST_P(CodecTest, StringLimit) {
  Small v;
  v.text = "hello";
  Limits limits;
  limits.max_string_size = 4;
  Small out;
  const absl::Status s = DecodeBytes(EncodeToString(v, p()), p(), &out, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("max_string_size"));
  EXPECT_THAT(s.message(), HasSubstr("Small.text"));
  limits.max_string_size = 5;
  EXPECT_TRUE(DecodeBytes(EncodeToString(v, p()), p(), &out, limits).ok());
}

TEST_P(CodecTest, ContainerLimit) {
  AllTypes v;
  v.must = 1;
  v.codes = {1, 2, 3};
  Limits limits;
  limits.max_container_size = 2;
  AllTypes out;
  const absl::Status s = DecodeBytes(EncodeToString(v, p()), p(), &out, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("max_container_size"));
  EXPECT_THAT(s.message(), HasSubstr("AllTypes.codes"));
}

TEST_P(CodecTest, DepthLimit) {
  AllTypes v;
  v.must = 1;
  v.leaves = {MakeLeaf(1, 1)};  // AllTypes > list > Leaf > list > Point: 5 levels
  const std::string bytes = EncodeToString(v, p());
  Limits limits;
  limits.max_depth = 4;
  AllTypes out;
  const absl::Status s = DecodeBytes(bytes, p(), &out, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("max_depth"));
  limits.max_depth = 5;
  EXPECT_TRUE(DecodeBytes(bytes, p(), &out, limits).ok());
}

TEST_P(CodecTest, DepthLimitHoldsWhileSkipping) {
  New n;
  n.more = {MakeLeaf(1, 1)};  // skipped: New > list > Leaf > list > Point
  Limits limits;
  limits.max_depth = 3;
  Old old;
  const absl::Status s = DecodeBytes(EncodeToString(n, p()), p(), &old, limits);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("max_depth"));
}

TEST_P(CodecTest, CountsTheRemainingBytesCannotHoldAreRejected) {
  // A list<i64> claiming a million elements, with nothing after it.
  const std::string bytes = Written(p(), [](auto& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kList, 12);
    w.WriteListBegin(codec::TType::kI64, 1000000);
  });
  AllTypes out;
  const absl::Status s = DecodeBytes(bytes, p(), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
  EXPECT_THAT(s.message(), HasSubstr("needs at least"));
  EXPECT_LT(out.ids.capacity(), 1000u) << "nothing allocated for the claimed count";
}

TEST_P(CodecTest, LengthsTheRemainingBytesCannotHoldAreRejected) {
  const std::string bytes = Written(p(),
                                    [](auto& w) {
                                      w.WriteStructBegin();
                                      w.WriteFieldBegin(codec::TType::kString, 3);
                                    }) +
                            (p() == ProtocolId::kBinary ? Unhex("00100000") : Unhex("80 80 40")) +
                            "abc";
  Small out;
  const absl::Status s = DecodeBytes(bytes, p(), &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
  EXPECT_LT(out.text.capacity(), 1000u);
}

TEST(CodecLimits, NegativeBinaryLengthIsMalformed) {
  Small out;
  const absl::Status s = DecodeBytes(Unhex("0b 0003 ffffffff 00"), ProtocolId::kBinary, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("negative"));
}

// ---- Required fields ----

TEST_P(CodecTest, MissingRequiredFieldNamesStructAndField) {
  const std::string only_x = Written(p(), [](auto& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kDouble, 1);
    w.WriteDouble(1);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
  });
  Point pt;
  absl::Status s = DecodeBytes(only_x, p(), &pt);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Point.y: required field missing");

  // Nested: the path leads to the struct.
  const std::string wrapper = Written(p(), [&](auto& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kStruct, 2);
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kDouble, 2);
    w.WriteDouble(2);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
  });
  Wrapper wr;
  s = DecodeBytes(wrapper, p(), &wr);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Wrapper.p: Point.x: required field missing");

  Wrapper empty;
  s = DecodeBytes(Unhex("00"), p(), &empty);
  EXPECT_EQ(s.message(), "Wrapper.p: required field missing");

  Many many;
  s = DecodeBytes(Unhex("00"), p(), &many);
  EXPECT_EQ(s.message(), "Many.f70: required field missing");
}

TEST_P(CodecTest, ManyFieldsUseMoreThanOneWordOfPresenceBits) {
  Many v;
  v.f1 = 1;
  v.f63 = 63;
  v.f64 = 64;
  v.f65 = 65;
  v.f70 = 70;
  Many out;
  ASSERT_TRUE(DecodeBytes(EncodeToString(v, p()), p(), &out).ok());
  EXPECT_EQ(out, v);
  // f65 absent from the wire: reset to its default in a reused object.
  const std::string only_f70 = Written(p(), [](auto& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(codec::TType::kI32, 70);
    w.WriteI32(7);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
  });
  ASSERT_TRUE(DecodeBytes(only_f70, p(), &out).ok());
  Many expected;
  expected.f70 = 7;
  EXPECT_EQ(out, expected);
}

// ---- Binary slices ----

TEST_P(CodecTest, LargeBinaryIsASliceOfTheReceivedBlock) {
  AllTypes v;
  v.must = 1;
  v.bin = Bytes(std::string(10000, 'B'));
  v.s = std::string(10000, 'S');
  const std::string bytes = EncodeToString(v, p());
  AllTypes out;
  {
    transport::LinkBuffer buf = OneBlock(bytes);
    ASSERT_TRUE(codec::Decode(buf, p(), &out).ok());
    buf.Release();
  }  // the received buffer is gone; the slice holds its block
  EXPECT_TRUE(out.bin.is_slice());
  EXPECT_EQ(out, v);

  // Straddling a block edge: copied.
  transport::LinkBuffer split = Chained(bytes, {bytes.find(std::string(100, 'B')) + 5000});
  ASSERT_TRUE(codec::Decode(split, p(), &out).ok());
  EXPECT_EQ(out, v);

  // Below the threshold: copied.
  v.bin = Bytes(std::string(100, 'b'));
  ASSERT_TRUE(DecodeBytes(EncodeToString(v, p()), p(), &out).ok());
  EXPECT_FALSE(out.bin.is_slice());
  EXPECT_EQ(out, v);
}

TEST_P(CodecTest, SliceThresholdIsAnOption) {
  AllTypes v;
  v.must = 1;
  v.bin = Bytes(std::string(10000, 'B'));
  transport::LinkBuffer buf = OneBlock(EncodeToString(v, p()));
  DecodeOptions options;
  options.slice_threshold = std::numeric_limits<size_t>::max();
  AllTypes out;
  ASSERT_TRUE(codec::Decode(buf, p(), &out, options).ok());
  EXPECT_FALSE(out.bin.is_slice());
  EXPECT_EQ(out, v);

  v.bin = Bytes(std::string(16, 'b'));
  transport::LinkBuffer small = OneBlock(EncodeToString(v, p()));
  options.slice_threshold = 16;
  ASSERT_TRUE(codec::Decode(small, p(), &out, options).ok());
  EXPECT_TRUE(out.bin.is_slice());
  EXPECT_EQ(out, v);
}

// ---- Inside a message ----

TEST_P(CodecTest, WritesAndReadsInsideAMessage) {
  const AllTypes v = FullAllTypes();
  const AllTypes big = BigAllTypes();
  transport::LinkBuffer buf;
  if (p() == ProtocolId::kBinary) {
    codec::BinaryWriter w(buf);
    w.WriteMessageBegin("call", codec::MessageType::kCall, 9);
    codec::WriteStruct(w, v);
    codec::WriteStruct(w, big);
    w.WriteMessageEnd();
    w.Finish();
  } else {
    codec::CompactWriter w(buf);
    w.WriteMessageBegin("call", codec::MessageType::kCall, 9);
    codec::WriteStruct(w, v);
    codec::WriteStruct(w, big);
    w.WriteMessageEnd();
    w.Finish();
  }
  buf.Flush();
  AllTypes out;
  AllTypes out_big;
  codec::MessageBegin m;
  if (p() == ProtocolId::kBinary) {
    codec::BinaryReader r(buf, Limits());
    ASSERT_TRUE(r.ReadMessageBegin(&m).ok());
    ASSERT_TRUE(codec::ReadStruct(r, &out).ok());
    ASSERT_TRUE(codec::ReadStruct(r, &out_big).ok());
  } else {
    codec::CompactReader r(buf, Limits());
    ASSERT_TRUE(r.ReadMessageBegin(&m).ok());
    ASSERT_TRUE(codec::ReadStruct(r, &out).ok());
    ASSERT_TRUE(codec::ReadStruct(r, &out_big).ok());
  }
  EXPECT_EQ(m.name, "call");
  EXPECT_EQ(m.seq_id, 9);
  EXPECT_EQ(out, v);
  EXPECT_EQ(out_big, big);
  EXPECT_EQ(buf.Len(), 0u);
}

TEST(CodecDecode, UnknownProtocolIsAnError) {
  transport::LinkBuffer buf = OneBlock(Unhex("00"));
  Small out;
  EXPECT_EQ(codec::Decode(buf, static_cast<ProtocolId>(7), &out).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vireo::codectest
