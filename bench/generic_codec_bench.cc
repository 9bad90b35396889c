// vireo_generic_codec_bench: what the JSON codec of generic calls
// (core/generic/json_codec.h) costs against the generated code it stands in
// for, on the same objects as vireo_codegen_bench: complex.thrift's Complex
// (FillComplex, codegen_bench.h) and echo.thrift's Request (1 KiB msg), in
// Binary and Compact.
//
// Benchmarks (generic/<struct>/<protocol>/<what>):
//   json_encode     JsonToThrift of the object's JSON into one LinkBuffer,
//                   then Flush, Skip and Release so that it does not grow
//   json_decode     refill the encoded bytes + ThriftToJson into a reused
//                   std::string
//   json_roundtrip  JsonToThrift then ThriftToJson through one LinkBuffer:
//                   what a generic call costs its caller per request and
//                   reply of this shape, and the figure of the 200 MB/s goal
//   typed_encode, typed_decode, typed_roundtrip
//                   the generated Encode / Decode (into a reused object) of
//                   the same object, for scale
//   refill          the copy json_decode and typed_decode make to put the
//                   bytes back into the buffer (to subtract)
//
// Every benchmark reports "ns/op" and "allocs/op" (heap allocations per op,
// counted by the replaced global operator new below); the json_* ones also
// report "bytes_per_second": bytes of JSON text per second (the JSON is the
// Decoder's one-line output, the same text the encoder is fed).
//
// The JSON text is made by decoding the typed encoding of the object; before
// timing, the bench checks that encoding that JSON gives back the typed
// encoding byte for byte, in both protocols, and that decoding gives the
// same JSON.
//
// After the runs it prints one summary line per protocol:
//   summary: Complex JSON encode+decode, binary: 123.4 MB/s of JSON (median of 5) ...
//
// Usage: vireo_generic_codec_bench [--benchmark_filter=complex]
//            [--benchmark_repetitions=5] [Google Benchmark flags]
// (--benchmark_color is not read: the table is in colour on a terminal.)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/codegen_bench.h"
#include "bench/codegen_bench_vireo.h"
#include "complex_types.h"
#include "echo_types.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/generic/json_codec.h"
#include "vireo/core/generic/schema.h"
#include "vireo/transport/link_buffer.h"

namespace bench {
thread_local uint64_t t_allocations = 0;
void CountAllocation() { ++t_allocations; }
}  // namespace bench

#include "bench/counting_new.h"

namespace vireo::codegen_bench {

uint64_t ThreadAllocations() { return ::bench::t_allocations; }

namespace {

using codec::ProtocolId;


[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "vireo_generic_codec_bench: %s\n", what.c_str());
  std::exit(2);
}

const char* ProtocolName(ProtocolId p) { return p == ProtocolId::kCompact ? "compact" : "binary"; }

template <class T>
std::string Encoded(const T& obj, ProtocolId protocol) {
  transport::LinkBuffer buf;
  codec::Encode(obj, protocol, buf);
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

// One object in one protocol: the typed object, its bytes, its JSON and the
// schema's struct, checked against each other.
template <class T>
struct Case {
  T obj;
  ProtocolId protocol = ProtocolId::kBinary;
  const generic::StructType* type = nullptr;
  std::string bytes;
  std::string json;
};

template <class T>
std::shared_ptr<const Case<T>> MakeCase(const generic::Schema& schema, const char* struct_name,
                                        T obj, ProtocolId protocol) {
  auto c = std::make_shared<Case<T>>();
  c->obj = std::move(obj);
  c->protocol = protocol;
  c->type = schema.FindStruct(struct_name);
  if (c->type == nullptr) Die(std::string("no struct ") + struct_name + " in the schema");
  c->bytes = Encoded(c->obj, protocol);
  const generic::JsonOptions options;
  transport::LinkBuffer in;
  in.Write(c->bytes);
  in.Flush();
  if (absl::Status s = generic::ThriftToJson(*c->type, in, protocol, &c->json, options); !s.ok()) {
    Die(std::string("ThriftToJson: ") + std::string(s.message()));
  }
  transport::LinkBuffer out;
  if (absl::Status s = generic::JsonToThrift(*c->type, c->json, protocol, out, options); !s.ok()) {
    Die(std::string("JsonToThrift: ") + std::string(s.message()));
  }
  out.Flush();
  if (*out.ReadString(out.Len()) != c->bytes) {
    Die(std::string(struct_name) + ", " + ProtocolName(protocol) +
        ": the JSON codec's bytes differ from the generated code's");
  }
  return c;
}

void SetJsonBytes(benchmark::State& state, size_t json_bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(json_bytes));
}

template <class T>
void JsonEncodeBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  const generic::JsonOptions options;
  transport::LinkBuffer buf;
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    if (!generic::JsonToThrift(*c->type, c->json, c->protocol, buf, options).ok()) std::abort();
    buf.Flush();
    (void)buf.Skip(buf.Len());
    buf.Release();
  }
  SetCounters(state, ThreadAllocations() - before);
  SetJsonBytes(state, c->json.size());
}

template <class T>
void JsonDecodeBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  const generic::JsonOptions options;
  transport::LinkBuffer in;
  std::string json;
  json.reserve(c->json.size());
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    in.Write(c->bytes);
    in.Flush();
    json.clear();
    if (!generic::ThriftToJson(*c->type, in, c->protocol, &json, options).ok()) std::abort();
    in.Release();
    benchmark::DoNotOptimize(json.data());
  }
  SetCounters(state, ThreadAllocations() - before);
  SetJsonBytes(state, c->json.size());
}

template <class T>
void JsonRoundTripBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  const generic::JsonOptions options;
  transport::LinkBuffer buf;
  std::string json;
  json.reserve(c->json.size());
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    if (!generic::JsonToThrift(*c->type, c->json, c->protocol, buf, options).ok()) std::abort();
    buf.Flush();
    json.clear();
    if (!generic::ThriftToJson(*c->type, buf, c->protocol, &json, options).ok()) std::abort();
    buf.Release();
    benchmark::DoNotOptimize(json.data());
  }
  SetCounters(state, ThreadAllocations() - before);
  SetJsonBytes(state, c->json.size());
}

template <class T>
void TypedEncodeBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  transport::LinkBuffer buf;
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    codec::Encode(c->obj, c->protocol, buf);
    buf.Flush();
    (void)buf.Skip(buf.Len());
    buf.Release();
  }
  SetCounters(state, ThreadAllocations() - before);
}

template <class T>
void TypedDecodeBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  transport::LinkBuffer in;
  T obj;
  // Sizes the reused object once, outside the loop.
  in.Write(c->bytes);
  in.Flush();
  if (!codec::Decode(in, c->protocol, &obj).ok() || !(obj == c->obj)) {
    state.SkipWithError("the generated code read back a different object");
    return;
  }
  in.Release();
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    in.Write(c->bytes);
    in.Flush();
    if (!codec::Decode(in, c->protocol, &obj).ok()) std::abort();
    in.Release();
  }
  SetCounters(state, ThreadAllocations() - before);
}

template <class T>
void TypedRoundTripBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  transport::LinkBuffer buf;
  T obj = c->obj;
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    codec::Encode(c->obj, c->protocol, buf);
    buf.Flush();
    if (!codec::Decode(buf, c->protocol, &obj).ok()) std::abort();
    buf.Release();
  }
  SetCounters(state, ThreadAllocations() - before);
}

template <class T>
void RefillBench(benchmark::State& state, std::shared_ptr<const Case<T>> c) {
  transport::LinkBuffer in;
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    in.Write(c->bytes);
    in.Flush();
    (void)in.Skip(in.Len());
    in.Release();
  }
  SetCounters(state, ThreadAllocations() - before);
}

template <class T>
void Register(const std::string& prefix, std::shared_ptr<const Case<T>> c) {
  std::printf("%s: %zu bytes of JSON, %zu bytes encoded\n", prefix.c_str(), c->json.size(),
              c->bytes.size());
  benchmark::RegisterBenchmark((prefix + "/json_encode").c_str(), JsonEncodeBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/json_decode").c_str(), JsonDecodeBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/json_roundtrip").c_str(), JsonRoundTripBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/typed_encode").c_str(), TypedEncodeBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/typed_decode").c_str(), TypedDecodeBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/typed_roundtrip").c_str(), TypedRoundTripBench<T>, c);
  benchmark::RegisterBenchmark((prefix + "/refill").c_str(), RefillBench<T>, c);
}

// The console output as usual (in colour only on a terminal), and the JSON
// throughput of every json_roundtrip run kept for the summary line.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  SummaryReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::string name = run.run_name.function_name;
      const size_t at = name.find("/json_roundtrip");
      auto bps = run.counters.find("bytes_per_second");
      if (run.error_occurred || at == std::string::npos || bps == run.counters.end()) continue;
      Rates& r = rates_[name.substr(0, at)];
      if (run.run_type == Run::RT_Iteration) {
        r.each.push_back(bps->second.value);
      } else if (run.aggregate_name == "median") {
        r.median = bps->second.value;
        r.repetitions = static_cast<size_t>(run.repetitions);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  struct Rates {
    std::vector<double> each;  // bytes/s of each repetition, when reported
    double median = -1;        // Google Benchmark's median, with repetitions
    size_t repetitions = 0;
  };
  // {"generic/complex/binary": its rates, ...}
  const std::map<std::string, Rates>& rates() const { return rates_; }

 private:
  std::map<std::string, Rates> rates_;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace
}  // namespace vireo::codegen_bench

int main(int argc, char** argv) {
  using namespace vireo::codegen_bench;
  absl::StatusOr<std::shared_ptr<const vireo::generic::Schema>> schema =
      vireo::generic::Schema::Load({std::string(VIREO_BENCH_IDL_DIR) + "/complex.thrift",
                                    std::string(VIREO_BENCH_IDL_DIR) + "/echo.thrift"});
  if (!schema.ok()) Die(schema.status().ToString());
  ::bench::Complex complex;
  FillComplex<VireoApi>(complex);
  ::bench::Request request;
  FillRequest(request);
  for (ProtocolId p : {ProtocolId::kBinary, ProtocolId::kCompact}) {
    Register(std::string("generic/complex/") + ProtocolName(p),
             MakeCase(**schema, "Complex", complex, p));
    Register(std::string("generic/request/") + ProtocolName(p),
             MakeCase(**schema, "Request", request, p));
  }
  std::fflush(stdout);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const auto& [prefix, rates] : reporter.rates()) {
    if (prefix.find("/complex/") == std::string::npos) continue;
    double mbps = rates.median / 1e6;
    size_t n = rates.repetitions;
    if (rates.median < 0) {
      if (rates.each.empty()) continue;
      mbps = Median(rates.each) / 1e6;
      n = rates.each.size();
    }
    std::printf(
        "summary: Complex JSON encode+decode, %s: %.1f MB/s of JSON (median of %zu); "
        "goal >= 200 MB/s: %s\n",
        prefix.substr(prefix.rfind('/') + 1).c_str(), mbps, n, mbps >= 200 ? "met" : "missed");
  }
  return 0;
}
