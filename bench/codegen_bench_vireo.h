// The Vireo side of the codegen benchmarks' fixture: the adapter that
// FillComplex<Api>() (codegen_bench.h) takes to fill vireo-gen's
// bench::Complex. Included by the programs that hold Vireo's generated
// types (never with Apache's, which share `namespace bench`).
//
// Thread rules: stateless.
#ifndef VIREO_BENCH_CODEGEN_BENCH_VIREO_H_
#define VIREO_BENCH_CODEGEN_BENCH_VIREO_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "complex_types.h"
#include "vireo/codec/bytes.h"

namespace vireo::codegen_bench {

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
  static void SetStrValue(Complex& c, std::string v) {
    c.value.emplace().set_str_value(std::move(v));
  }
};

}  // namespace vireo::codegen_bench

#endif  // VIREO_BENCH_CODEGEN_BENCH_VIREO_H_
