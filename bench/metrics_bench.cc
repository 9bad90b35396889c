// vireo_metrics_bench: what metrics cost a call, piece by piece, in
// nanoseconds: the server's and the client's per-call work (counters,
// histogram, the one clock read each side makes), the clocks to choose
// from, and a scrape of many methods. bench/run.sh's QPS comparison
// (metrics on and off) is the end-to-end figure; this one is its
// low-noise breakdown.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/time/clock.h"
#include "vireo/core/metrics.h"
#include "vireo/transport/event_loop.h"

namespace {

// What a server adds per call with metrics on: Started at dispatch; at
// the reply, one clock read and Finished.
void BM_ServerCallMetrics(benchmark::State& state) {
  vireo::Metrics metrics;
  vireo::CallMetrics* m = metrics.Server("EchoService", "echo");
  const int64_t start = vireo::transport::EventLoop::NowNs();
  for (auto _ : state) {
    m->Started();
    const int64_t now = vireo::transport::EventLoop::NowNs();
    m->Finished(vireo::CallCode::kOk, absl::Nanoseconds(now - start), 1100, 1100);
  }
}
BENCHMARK(BM_ServerCallMetrics);

// The counters alone, without the clock.
void BM_CountersOnly(benchmark::State& state) {
  vireo::Metrics metrics;
  vireo::CallMetrics* m = metrics.Server("EchoService", "echo");
  for (auto _ : state) {
    m->Started();
    m->Finished(vireo::CallCode::kOk, absl::Microseconds(120), 1100, 1100);
  }
}
BENCHMARK(BM_CountersOnly);
BENCHMARK(BM_CountersOnly)->Threads(2);

void BM_SteadyClock(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vireo::transport::EventLoop::NowNs());
}
BENCHMARK(BM_SteadyClock);

void BM_AbslNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(absl::Now());
}
BENCHMARK(BM_AbslNow);

// A scrape's text for state.range(0) methods on each side.
void BM_ScrapeText(benchmark::State& state) {
  vireo::Metrics metrics;
  for (int i = 0; i < state.range(0); ++i) {
    metrics.Server("S", "m" + std::to_string(i))->Started();
    metrics.Client("S", "m" + std::to_string(i))->Started();
  }
  size_t bytes = 0;
  for (auto _ : state) bytes = metrics.Text().size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ScrapeText)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
