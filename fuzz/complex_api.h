// Vireo's generated `bench::Complex` (bench/idl/complex.thrift, through
// vireo-gen) adapted to tests/interop/complex_fixtures.h's FillComplex(), so
// that the fuzz targets and the seed writer build the same fixtures the
// interop tests use.
//
// Example:
//   bench::Complex c = vireo::fuzz::ComplexFixture(interop::kNested);
//
// Thread rules: plain functions and types; any thread.
#ifndef VIREO_FUZZ_COMPLEX_API_H_
#define VIREO_FUZZ_COMPLEX_API_H_

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "complex_types.h"
#include "tests/interop/complex_fixtures.h"
#include "vireo/codec/bytes.h"

namespace vireo::fuzz {

// The adapter FillComplex<Api>() expects (see complex_fixtures.h).
struct ComplexApi {
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
};

// Fixture `which` (interop::ComplexFixture).
inline ::bench::Complex ComplexFixture(int which) {
  ::bench::Complex c;
  interop::FillComplex<ComplexApi>(which, c);
  return c;
}

// True when a double of `c` is a NaN: such a value never compares equal to
// itself, so equality checks fall back on comparing encodings.
inline bool HasNaN(const ::bench::Complex& c) {
  auto item_has_nan = [](const ::bench::Item& it) {
    for (const ::bench::Point& p : it.path) {
      if (std::isnan(p.x) || std::isnan(p.y)) return true;
    }
    return false;
  };
  if (std::isnan(c.ratio)) return true;
  for (const ::bench::Item& it : c.items) {
    if (item_has_nan(it)) return true;
  }
  for (const auto& [id, it] : c.by_id) {
    if (item_has_nan(it)) return true;
  }
  return false;
}

}  // namespace vireo::fuzz

#endif  // VIREO_FUZZ_COMPLEX_API_H_
