// Round trips of bench/idl/complex.thrift's Complex between Vireo's
// generated code and Apache Thrift's (`thrift --gen cpp` + libthrift 0.17),
// for Binary and Compact.
//
// For every fixture (complex_fixtures.h) and protocol: Vireo's bytes equal
// Apache's (both write fields in id order, optional fields only when set),
// Apache reads Vireo's bytes back to its own fixture, and Vireo reads
// Apache's bytes back to its own fixture -- into a fresh object and into one
// that held another fixture. Apache's types live in another translation
// unit (complex_fixtures_apache.cc); only bytes cross over.
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "complex_types.h"
#include "gtest/gtest.h"
#include "tests/interop/complex_fixtures.h"
#include "vireo/codec/serialize.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::interop {

// For test parameters in failure messages ("Binary" rather than raw bytes).
void PrintTo(WireProtocol p, std::ostream* os) {
  *os << (p == WireProtocol::kBinary ? "Binary" : "Compact");
}

namespace {

using codec::ProtocolId;

struct VireoApi {
  using Complex = ::bench::Complex;
  using Item = ::bench::Item;
  using Point = ::bench::Point;

  static void SetBinary(codec::Bytes& field, std::string bytes) {
    field = codec::Bytes(std::move(bytes));
  }
  static void SetStatus(Complex& c, int32_t v) { c.status = static_cast<::bench::Status>(v); }
  static void SetNote(Complex& c, std::string v) { c.note = std::move(v); }
  static void SetLabels(Item& it, std::map<std::string, std::string> labels) {
    it.labels = std::move(labels);
  }
  static void SetIntValue(Complex& c, int64_t v) { c.value.emplace().set_int_value(v); }
  static void SetStrValue(Complex& c, std::string v) {
    c.value.emplace().set_str_value(std::move(v));
  }
  static void SetListValue(Complex& c, std::vector<std::string> v) {
    c.value.emplace().set_list_value(std::move(v));
  }
  static std::string SameOptionals(const Complex& a, const Complex& b) {
    if (a.note != b.note) return "note";
    if (a.value != b.value) return "value";
    return "";
  }
};

::bench::Complex Fixture(int which) {
  ::bench::Complex c;
  FillComplex<VireoApi>(which, c);
  return c;
}

ProtocolId ToVireo(WireProtocol p) {
  return p == WireProtocol::kBinary ? ProtocolId::kBinary : ProtocolId::kCompact;
}

// Encodes `c` after `prefix` bytes already in the buffer (so that the
// struct can start anywhere in a block) and returns the struct's bytes.
std::string VireoEncode(const ::bench::Complex& c, ProtocolId p, size_t prefix = 0) {
  transport::LinkBuffer buf;
  buf.Write(std::string(prefix, 'p'));
  const size_t size = codec::EncodedSize(c, p);
  codec::Encode(c, p, buf);
  buf.Flush();
  EXPECT_EQ(buf.Len(), prefix + size) << "EncodedSize disagrees with what Encode wrote";
  EXPECT_TRUE(buf.Skip(prefix).ok());
  absl::StatusOr<std::string> bytes = buf.ReadString(buf.Len());
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *std::move(bytes) : std::string();
}

// Decodes one Complex that must span all of `bytes`.
absl::Status VireoDecode(std::string_view bytes, ProtocolId p, ::bench::Complex* out) {
  transport::LinkBuffer buf;
  buf.Write(bytes);
  buf.Flush();
  absl::Status status = codec::Decode(buf, p, out);
  if (status.ok() && buf.Len() != 0) {
    return absl::InvalidArgumentError("Decode left " + std::to_string(buf.Len()) + " bytes unread");
  }
  return status;
}

// Where two encodings first differ, without printing megabytes.
std::string Mismatch(std::string_view mine, std::string_view theirs) {
  size_t i = 0;
  while (i < mine.size() && i < theirs.size() && mine[i] == theirs[i]) ++i;
  if (i == mine.size() && i == theirs.size()) return "";
  auto at = [i](std::string_view s) {
    return i < s.size() ? std::to_string(static_cast<unsigned char>(s[i])) : std::string("end");
  };
  return "first difference at byte " + std::to_string(i) + " of " + std::to_string(mine.size()) +
         " (Vireo) / " + std::to_string(theirs.size()) + " (Apache): " + at(mine) + " vs " +
         at(theirs);
}

class ComplexInteropTest : public ::testing::TestWithParam<std::tuple<int, WireProtocol>> {
 protected:
  int which() const { return std::get<0>(GetParam()); }
  WireProtocol protocol() const { return std::get<1>(GetParam()); }
};

TEST_P(ComplexInteropTest, VireoWritesApacheBytes) {
  const std::string apache = ApacheEncodeComplex(which(), protocol());
  const std::string vireo = VireoEncode(Fixture(which()), ToVireo(protocol()));
  EXPECT_EQ(Mismatch(vireo, apache), "");
}

TEST_P(ComplexInteropTest, VireoWritesApacheBytesFromAnyBlockOffset) {
  const std::string apache = ApacheEncodeComplex(which(), protocol());
  const ::bench::Complex c = Fixture(which());
  // Just before, at and past the end of the first 8 KiB block.
  for (size_t prefix : {size_t{1}, size_t{8191}, size_t{8192}, size_t{8193}}) {
    EXPECT_EQ(Mismatch(VireoEncode(c, ToVireo(protocol()), prefix), apache), "")
        << "after " << prefix << " bytes";
  }
}

TEST_P(ComplexInteropTest, ApacheReadsVireoBytes) {
  const std::string vireo = VireoEncode(Fixture(which()), ToVireo(protocol()));
  EXPECT_TRUE(ApacheDecodeAndCompare(which(), protocol(), vireo).ok())
      << ApacheDecodeAndCompare(which(), protocol(), vireo);
}

TEST_P(ComplexInteropTest, VireoReadsApacheBytes) {
  const std::string apache = ApacheEncodeComplex(which(), protocol());
  ::bench::Complex decoded;
  ASSERT_TRUE(VireoDecode(apache, ToVireo(protocol()), &decoded).ok())
      << VireoDecode(apache, ToVireo(protocol()), &decoded);
  const ::bench::Complex expected = Fixture(which());
  EXPECT_TRUE(decoded == expected) << "differs in " << FirstDifference<VireoApi>(decoded, expected);
}

TEST_P(ComplexInteropTest, VireoReadsApacheBytesIntoReusedObject) {
  const std::string apache = ApacheEncodeComplex(which(), protocol());
  const ::bench::Complex expected = Fixture(which());
  // Start from fixtures that set what this one leaves out, and the reverse.
  for (int previous : {static_cast<int>(kLarge), static_cast<int>(kFullIntValue),
                       static_cast<int>(kFullListValue), static_cast<int>(kEmptyContainers)}) {
    ::bench::Complex decoded = Fixture(previous);
    ASSERT_TRUE(VireoDecode(apache, ToVireo(protocol()), &decoded).ok())
        << VireoDecode(apache, ToVireo(protocol()), &decoded);
    EXPECT_TRUE(decoded == expected) << "after " << ComplexFixtureName(previous) << ", differs in "
                                     << FirstDifference<VireoApi>(decoded, expected);
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::tuple<int, WireProtocol>>& info) {
  return std::string(ComplexFixtureName(std::get<0>(info.param))) +
         (std::get<1>(info.param) == WireProtocol::kBinary ? "_Binary" : "_Compact");
}

INSTANTIATE_TEST_SUITE_P(AllFixtures, ComplexInteropTest,
                         ::testing::Combine(::testing::Range(0, int{kComplexFixtureCount}),
                                            ::testing::Values(WireProtocol::kBinary,
                                                              WireProtocol::kCompact)),
                         ParamName);

// The fixtures do what complex_fixtures.h promises: each union alternative,
// optional fields present and absent, containers empty and large.
TEST(ComplexFixtures, CoverEveryAlternativeAndSize) {
  using Which = ::bench::Value::Which;
  EXPECT_EQ(Fixture(kFullIntValue).value->which(), Which::int_value);
  EXPECT_EQ(Fixture(kFullStrValue).value->which(), Which::str_value);
  EXPECT_EQ(Fixture(kFullListValue).value->which(), Which::list_value);
  EXPECT_FALSE(Fixture(kDefaults).note.has_value());
  EXPECT_FALSE(Fixture(kDefaults).value.has_value());
  const ::bench::Complex empty = Fixture(kEmptyContainers);
  ASSERT_TRUE(empty.note.has_value());
  EXPECT_TRUE(empty.note->empty());
  ASSERT_TRUE(empty.items.at(0).labels.has_value());
  EXPECT_TRUE(empty.items.at(0).labels->empty());
  const ::bench::Complex large = Fixture(kLarge);
  EXPECT_EQ(large.ids.size(), 10000u);
  EXPECT_EQ(large.blob.size(), size_t{1} << 20);
  EXPECT_GT(large.blob.size(), transport::LinkBuffer::kDefaultBlockSize);
}

}  // namespace
}  // namespace vireo::interop
