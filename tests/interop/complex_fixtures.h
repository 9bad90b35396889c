// Fixtures of bench/idl/complex.thrift's `Complex` for the round trips
// between Vireo's generated code and Apache Thrift's (`thrift --gen cpp`).
//
// Both generators put the IDL's types in `namespace bench`. The two sides
// therefore never meet in one translation unit: complex_fixtures_apache.cc
// holds Apache's types (compiled with their namespace renamed, see
// codegen.cmake) and offers the bytes-only functions declared here; the test
// holds Vireo's types. Both sides build a fixture with the one template
// FillComplex<Api>(), so the two objects hold the same values by
// construction and their encodings can be compared byte for byte.
//
// Example:
//   std::string apache = ApacheEncodeComplex(kFullIntValue, WireProtocol::kBinary);
//   bench::Complex mine;
//   FillComplex<VireoApi>(kFullIntValue, mine);   // VireoApi: see the test
//   // ... encode `mine` with Vireo and compare with `apache` ...
//   absl::Status s = ApacheDecodeAndCompare(kFullIntValue, WireProtocol::kBinary, vireo_bytes);
//
// Thread rules: every function is thread compatible; none keeps state.
#ifndef VIREO_TESTS_INTEROP_COMPLEX_FIXTURES_H_
#define VIREO_TESTS_INTEROP_COMPLEX_FIXTURES_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace vireo::interop {

enum class WireProtocol { kBinary, kCompact };

// The fixtures. Together they set every field (optional ones included), the
// union to each of its three alternatives, non-ASCII UTF-8 text, empty and
// large containers and nested structs.
enum ComplexFixture : int {
  // Every field set; the union holds int_value; extreme scalars.
  kFullIntValue = 0,
  // Every field set; the union holds str_value; non-ASCII text everywhere.
  kFullStrValue,
  // Every field set; the union holds list_value (with an empty element).
  kFullListValue,
  // Every container and string empty; optional fields present but empty.
  kEmptyContainers,
  // A default-constructed Complex: optional fields absent, defaults kept.
  kDefaults,
  // 10,000 ids, a 1 MiB blob, thousands of strings and map entries: larger
  // than any LinkBuffer block, so every kind of value straddles blocks.
  kLarge,
  // Items with paths and labels, in a list and in a map; a jagged matrix.
  kNested,
  kComplexFixtureCount,
};

// A name for test output, e.g. "FullIntValue".
inline const char* ComplexFixtureName(int which) {
  switch (which) {
    case kFullIntValue:
      return "FullIntValue";
    case kFullStrValue:
      return "FullStrValue";
    case kFullListValue:
      return "FullListValue";
    case kEmptyContainers:
      return "EmptyContainers";
    case kDefaults:
      return "Defaults";
    case kLarge:
      return "Large";
    case kNested:
      return "Nested";
    default:
      return "Unknown";
  }
}

// Apache's encoding of fixture `which` (Complex.write() through
// TBinaryProtocol or TCompactProtocol over a TMemoryBuffer).
std::string ApacheEncodeComplex(int which, WireProtocol protocol);

// Reads `bytes` with Apache's generated Complex.read(). OK when the read
// consumes every byte and yields an object equal to Apache's fixture
// `which`; otherwise an error naming the first field that differs, the
// exception Apache threw, or the bytes left over.
absl::Status ApacheDecodeAndCompare(int which, WireProtocol protocol, std::string_view bytes);

// ---- Fixture data, shared by both sides ----

namespace fixture_internal {

// Deterministic pseudo-random numbers (SplitMix64), so both sides draw the
// same values.
inline uint64_t Next(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// Non-ASCII UTF-8 of 2-, 3- and 4-byte sequences, and an embedded NUL.
inline constexpr std::string_view kUtf8Samples[] = {
    "Gr\xC3\xBC\xC3\x9F Gott, \xC3\xA9t\xC3\xA9",                    // German, French: 2-byte
    "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C",  // Chinese: 3-byte
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",              // Russian
    "\xF0\x9F\x9A\x80 \xF0\x9F\x90\xA6",                             // emoji: 4-byte
    "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",                              // Arabic
    std::string_view("nul\0inside", 10),
};

inline std::string Utf8(int i) {
  return std::string(kUtf8Samples[static_cast<size_t>(i) % std::size(kUtf8Samples)]);
}

// `n` bytes covering every byte value.
inline std::string BinaryPattern(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<char>(i < 256 ? i : Next(&seed) & 0xFF);
  }
  return out;
}

}  // namespace fixture_internal

// Fills `c` (default-constructed) with fixture `which`. `Api` adapts one
// side's generated types; it provides the types Complex, Item and Point and
// the static functions
//   SetBinary(field&, std::string)          binary fields
//   SetStatus(Complex&, int32_t)            the enum field
//   SetNote(Complex&, std::string)          optional string
//   SetLabels(Item&, std::map<string,string>)  optional map
//   SetIntValue / SetStrValue / SetListValue(Complex&, ...)  optional union
// Every other field has the same name and a std:: type on both sides.
template <class Api>
void FillComplex(int which, typename Api::Complex& c) {
  using Item = typename Api::Item;
  using Point = typename Api::Point;
  using fixture_internal::Utf8;
  auto point = [](double x, double y) {
    Point p;
    p.x = x;
    p.y = y;
    return p;
  };
  // An item with `points` path points and, when `labels` > 0, that many
  // labels.
  auto item = [&](int64_t id, int points, int labels, bool non_ascii) {
    Item it;
    it.id = id;
    it.title = non_ascii ? Utf8(static_cast<int>(id)) + " #" + std::to_string(id)
                         : "item " + std::to_string(id);
    Api::SetBinary(it.payload, fixture_internal::BinaryPattern(static_cast<size_t>(id % 300),
                                                               static_cast<uint64_t>(id)));
    for (int i = 0; i < points; ++i) {
      it.path.push_back(point(i * 0.5 - 3.25, -i * 1e-3));
    }
    if (labels > 0) {
      std::map<std::string, std::string> l;
      for (int i = 0; i < labels; ++i) {
        l["k" + std::to_string(i) + (non_ascii ? Utf8(i) : "")] = non_ascii ? Utf8(i + 1) : "v";
      }
      Api::SetLabels(it, std::move(l));
    }
    return it;
  };

  using L8 = std::numeric_limits<int8_t>;
  using L16 = std::numeric_limits<int16_t>;
  using L32 = std::numeric_limits<int32_t>;
  using L64 = std::numeric_limits<int64_t>;
  switch (which) {
    case kFullIntValue:
    case kFullStrValue:
    case kFullListValue: {
      const bool non_ascii = which == kFullStrValue;
      c.flag = which != kFullStrValue;
      c.tiny = which == kFullIntValue ? L8::min() : L8::max();
      c.small = which == kFullIntValue ? L16::max() : L16::min();
      c.medium = which == kFullIntValue ? L32::min() : -123456;
      c.user = which == kFullIntValue ? L64::max() : L64::min();
      c.ratio = which == kFullIntValue ? -1.5e300 : std::numeric_limits<double>::denorm_min();
      c.name = non_ascii ? Utf8(0) + Utf8(1) + Utf8(3) : "complex";
      Api::SetBinary(c.blob, fixture_internal::BinaryPattern(300, 7));
      c.ids = {0, 1, -1, 127, 128, -129, L32::max(), L64::min(), L64::max()};
      c.tags = {"alpha", "", non_ascii ? Utf8(2) : "gamma"};
      c.codes = {L32::min(), -1, 0, 1, 404, L32::max()};
      c.counters = {{"", 0}, {"hits", 1234567890123}, {non_ascii ? Utf8(4) : "misses", -5}};
      c.items = {item(1, 3, 2, non_ascii), item(2, 0, 0, non_ascii)};
      c.by_id = {{-7, item(7, 1, 1, non_ascii)}, {42, item(42, 2, 0, non_ascii)}};
      Api::SetNote(c, non_ascii ? Utf8(5) : "a note");
      Api::SetStatus(c, which == kFullIntValue ? 2 : which == kFullStrValue ? 7 : 0);
      if (which == kFullIntValue) {
        Api::SetIntValue(c, L64::min());
      } else if (which == kFullStrValue) {
        Api::SetStrValue(c, Utf8(1) + Utf8(3));
      } else {
        Api::SetListValue(c, {"x", "", Utf8(0), Utf8(5)});
      }
      c.matrix = {{1, 2, 3}, {}, {L32::min(), L32::max()}};
      c.region = non_ascii ? Utf8(2) : "eu-west";
      break;
    }
    case kEmptyContainers: {
      Item empty_item;
      Api::SetLabels(empty_item, {});
      c.items = {empty_item};
      c.by_id = {{0, Item()}};
      Api::SetNote(c, "");
      Api::SetListValue(c, {});
      c.matrix = {{}, {}};
      c.region = "";
      break;
    }
    case kDefaults:
      break;
    case kLarge: {
      uint64_t seed = 1;
      c.flag = true;
      c.user = 1 << 20;
      c.ratio = 2.5;
      for (int i = 0; i < 4000; ++i) c.name += Utf8(i);  // about 50 KiB
      Api::SetBinary(c.blob, fixture_internal::BinaryPattern(1 << 20, 99));
      for (int i = 0; i < 10000; ++i) {
        // Every varint length, both signs.
        c.ids.push_back(static_cast<int64_t>(fixture_internal::Next(&seed)) >> (i % 64));
      }
      for (int i = 0; i < 2000; ++i) c.tags.push_back(Utf8(i) + std::to_string(i));
      for (int i = 0; i < 3000; ++i) {
        c.codes.insert(static_cast<int32_t>(fixture_internal::Next(&seed)));
      }
      for (int i = 0; i < 1000; ++i) {
        c.counters["counter-" + std::to_string(i)] = static_cast<int64_t>(i) * 1000003 - 500000;
      }
      for (int i = 0; i < 300; ++i) c.items.push_back(item(i, 20, 3, i % 2 == 0));
      for (int i = 0; i < 200; ++i) c.by_id[i * 3 - 100] = item(1000 + i, 5, 1, false);
      Api::SetNote(c, std::string(70000, 'n'));
      Api::SetStatus(c, 1);
      std::vector<std::string> list;
      for (int i = 0; i < 5000; ++i) list.push_back(std::to_string(i));
      Api::SetListValue(c, std::move(list));
      c.matrix.resize(300);
      for (int i = 0; i < 300; ++i) {
        for (int j = 0; j < 100; ++j) c.matrix[static_cast<size_t>(i)].push_back(i * j - 5000);
      }
      break;
    }
    case kNested: {
      c.name = "nested";
      for (int i = 0; i < 5; ++i) c.items.push_back(item(100 + i, i * 3, i, i % 2 == 1));
      for (int i = 0; i < 4; ++i) c.by_id[-i] = item(200 + i, 4 - i, 4 - i, i % 2 == 0);
      Api::SetStrValue(c, "nested value");
      c.matrix = {{1}, {1, 2}, {}, {1, 2, 3}, {-1, -2, -3, -4}};
      // -0.0 and infinities: equal as doubles to other values, so only the
      // byte comparison sees them survive.
      c.items.back().path.push_back(point(-0.0, std::numeric_limits<double>::infinity()));
      c.items.back().path.push_back(point(-std::numeric_limits<double>::infinity(), 0.0));
      break;
    }
    default:
      break;
  }
}

// The name of the first field of `a` that differs from `b`, for messages
// that must not print megabytes of fixture; empty when none differs.
// `Api::SameOptionals(a, b)` returns the name of the first differing
// optional field (note, value) or "".
template <class Api>
std::string FirstDifference(const typename Api::Complex& a, const typename Api::Complex& b) {
#define VIREO_INTEROP_COMPARE(field) \
  if (!(a.field == b.field)) return #field
  VIREO_INTEROP_COMPARE(flag);
  VIREO_INTEROP_COMPARE(tiny);
  VIREO_INTEROP_COMPARE(small);
  VIREO_INTEROP_COMPARE(medium);
  VIREO_INTEROP_COMPARE(user);
  VIREO_INTEROP_COMPARE(ratio);
  VIREO_INTEROP_COMPARE(name);
  VIREO_INTEROP_COMPARE(blob);
  VIREO_INTEROP_COMPARE(ids);
  VIREO_INTEROP_COMPARE(tags);
  VIREO_INTEROP_COMPARE(codes);
  VIREO_INTEROP_COMPARE(counters);
  if (a.items.size() != b.items.size()) return "items (size)";
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!(a.items[i] == b.items[i])) return "items[" + std::to_string(i) + "]";
  }
  VIREO_INTEROP_COMPARE(by_id);
  VIREO_INTEROP_COMPARE(status);
  VIREO_INTEROP_COMPARE(matrix);
  VIREO_INTEROP_COMPARE(region);
#undef VIREO_INTEROP_COMPARE
  return Api::SameOptionals(a, b);
}

}  // namespace vireo::interop

#endif  // VIREO_TESTS_INTEROP_COMPLEX_FIXTURES_H_
