// Shared by the two translation units of vireo_codegen_bench: the one with
// Vireo's generated types (codegen_bench.cc) and the one with Apache
// Thrift's (codegen_bench_apache.cc). Both generators put the benchmark
// IDLs' types in `namespace bench`, so the two never meet in one unit; this
// header holds no generated type, only what both sides need to measure the
// same work: the allocation counter, the counters every benchmark reports,
// and the one template that fills both sides' Complex with the same values.
//
// Example (in either unit):
//   bench::Complex c;
//   FillComplex<MyApi>(c);
//   const uint64_t before = ThreadAllocations();
//   for (auto _ : state) { ... }
//   SetCounters(state, ThreadAllocations() - before);
//
// Thread rules: ThreadAllocations() counts the calling thread only; the
// rest is thread compatible.
#ifndef VIREO_BENCH_CODEGEN_BENCH_H_
#define VIREO_BENCH_CODEGEN_BENCH_H_

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vireo::codegen_bench {

// Heap allocations (operator new, any form) made by the calling thread
// since it started. codegen_bench.cc replaces the global operator new.
uint64_t ThreadAllocations();

// Sets the "ns/op" and "allocs/op" counters of a finished benchmark loop
// that made `allocations` heap allocations in all.
inline void SetCounters(benchmark::State& state, uint64_t allocations) {
  state.counters["ns/op"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs/op"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
}

// echo.thrift's Request: a short action and a 1 KiB message.
inline constexpr size_t kRequestMsgSize = 1024;

template <class Request>
void FillRequest(Request& r) {
  r.action = "echo";
  r.msg.resize(kRequestMsgSize);
  for (size_t i = 0; i < kRequestMsgSize; ++i) r.msg[i] = static_cast<char>('a' + i % 26);
}

// A Complex of the shape a service passes around (about 1.5 KiB in Binary):
// every field set, a few items with paths and labels, short strings and
// binaries. `Api` adapts one side's generated types: the types Complex,
// Item, Point and the static functions SetBinary(field&, std::string),
// SetStatus(Complex&, int32_t), SetNote(Complex&, std::string),
// SetLabels(Item&, std::map<std::string, std::string>),
// SetStrValue(Complex&, std::string). Other fields have the same names and
// std:: types on both sides.
template <class Api>
void FillComplex(typename Api::Complex& c) {
  using Item = typename Api::Item;
  using Point = typename Api::Point;
  auto item = [](int64_t id, int points, int labels) {
    Item it;
    it.id = id;
    it.title = "item title " + std::to_string(id);
    Api::SetBinary(it.payload, std::string(64, static_cast<char>('A' + id % 26)));
    for (int i = 0; i < points; ++i) {
      Point p;
      p.x = i * 1.5;
      p.y = -i * 0.25;
      it.path.push_back(p);
    }
    if (labels > 0) {
      std::map<std::string, std::string> l;
      for (int i = 0; i < labels; ++i) l["label" + std::to_string(i)] = "value" + std::to_string(i);
      Api::SetLabels(it, std::move(l));
    }
    return it;
  };
  c.flag = true;
  c.tiny = 7;
  c.small = -300;
  c.medium = 123456;
  c.user = 9876543210;
  c.ratio = 0.75;
  c.name = "complex-benchmark-object";
  Api::SetBinary(c.blob, std::string(128, '\x5a'));
  for (int i = 0; i < 32; ++i) c.ids.push_back(int64_t{1} << (i * 2 % 62));
  for (int i = 0; i < 8; ++i) c.tags.push_back("tag-" + std::to_string(i * 1111));
  for (int i = 0; i < 16; ++i) c.codes.insert(i * 37 - 100);
  for (int i = 0; i < 8; ++i) c.counters["counter-" + std::to_string(i)] = i * 1000;
  for (int i = 0; i < 4; ++i) c.items.push_back(item(i, 4, 2));
  for (int i = 0; i < 4; ++i) c.by_id[i * 10] = item(100 + i, 2, 0);
  Api::SetNote(c, "a note for the benchmark");
  Api::SetStatus(c, 2);
  Api::SetStrValue(c, "union value");
  c.matrix.resize(4);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 8; ++j) c.matrix[static_cast<size_t>(i)].push_back(i * j);
  }
}

// ---- The Apache side (codegen_bench_apache.cc) ----

// Apache's Binary encodings of FillComplex's Complex and FillRequest's
// Request, to check that both sides measure the same bytes.
std::string ApacheEncodedComplex();
std::string ApacheEncodedRequest();

// Registers the Apache benchmarks: codegen/{complex,request}/{encode,decode}/
// apache_binary (through the virtual TBinaryProtocol, what generated code
// gets by default) and apache_binary_t (TBinaryProtocolT<TMemoryBuffer>).
void RegisterApacheBenchmarks();

}  // namespace vireo::codegen_bench

#endif  // VIREO_BENCH_CODEGEN_BENCH_H_
