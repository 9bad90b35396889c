#include "bench/load/load_run.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "bench/load/alloc_count.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Server address.");
ABSL_FLAG(int, port, 0, "Server port.");
ABSL_FLAG(int, conns, 1, "Connections.");
ABSL_FLAG(int, concurrency, 1, "Calls in flight in total.");
ABSL_FLAG(int64_t, payload, 1024, "Bytes of the echoed message.");
ABSL_FLAG(double, duration, 5, "Seconds measured, after the warm-up.");
ABSL_FLAG(double, warmup, 1, "Seconds run before measuring.");

namespace vireo::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "load generator: %s\n", what.c_str());
  std::exit(2);
}

}  // namespace

LoadConfig LoadConfigFromFlags(bool need_port) {
  LoadConfig c;
  c.host = absl::GetFlag(FLAGS_host);
  c.port = absl::GetFlag(FLAGS_port);
  c.conns = absl::GetFlag(FLAGS_conns);
  c.concurrency = absl::GetFlag(FLAGS_concurrency);
  const int64_t payload = absl::GetFlag(FLAGS_payload);
  c.duration_s = absl::GetFlag(FLAGS_duration);
  c.warmup_s = absl::GetFlag(FLAGS_warmup);
  if ((need_port || c.port != 0) && (c.port <= 0 || c.port > 65535)) {
    Die("--port must be 1..65535");
  }
  if (c.conns < 1) Die("--conns must be at least 1");
  if (c.concurrency < 1) Die("--concurrency must be at least 1");
  if (payload < 0) Die("--payload must not be negative");
  if (c.duration_s <= 0) Die("--duration must be positive");
  if (c.warmup_s < 0) Die("--warmup must not be negative");
  c.payload = static_cast<size_t>(payload);
  return c;
}

std::string MakePayload(size_t n, int slot) {
  std::string s(n, '\0');
  uint32_t x = 2654435761u * static_cast<uint32_t>(slot + 1);
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    s[i] = static_cast<char>('a' + (x >> 24) % 26);
  }
  return s;
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

LoadRun::LoadRun(LoadConfig config)
    : config_(std::move(config)), slots_(static_cast<size_t>(config_.concurrency)) {}

void LoadRun::Start() {
  allocations_at_start_ = HeapAllocations();
  running_.store(config_.concurrency, std::memory_order_relaxed);
  const int64_t now = NowNs();
  warm_ns_ = now + static_cast<int64_t>(config_.warmup_s * 1e9);
  end_ns_ = warm_ns_ + static_cast<int64_t>(config_.duration_s * 1e9);
}

bool LoadRun::Finish(int slot, int64_t start_ns, bool ok) {
  Slot& s = slots_[static_cast<size_t>(slot)];
  const int64_t now = NowNs();
  ++s.total_calls;
  if (!ok) {
    ++s.errors;
    if (start_ns >= warm_ns_ && now <= end_ns_) s.error_histogram.Record(now - start_ns);
  } else if (start_ns >= warm_ns_ && now <= end_ns_) {
    s.histogram.Record(now - start_ns);
    ++s.calls;
  }
  if (now < end_ns_) return true;
  SlotFinished();
  return false;
}

void LoadRun::Abandon(int /*slot*/) { SlotFinished(); }

void LoadRun::SlotFinished() {
  if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
}

bool LoadRun::Wait(double grace_s) {
  const auto until =
      std::chrono::steady_clock::time_point(std::chrono::nanoseconds(end_ns_)) +
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(grace_s));
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, until, [&] { return running_.load(std::memory_order_acquire) == 0; });
}

std::string LoadRun::Json(std::string_view framework, std::string_view mode) const {
  LatencyHistogram merged;
  LatencyHistogram failed;
  uint64_t calls = 0, total = 0, errors = 0;
  for (const Slot& s : slots_) {
    merged.Merge(s.histogram);
    failed.Merge(s.error_histogram);
    calls += s.calls;
    total += s.total_calls;
    errors += s.errors;
  }
  const double qps = static_cast<double>(calls) / config_.duration_s;
  // The latency distribution, for CDF charts.
  std::string cdf;
  for (double q : {0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995,
                   0.998, 0.999, 0.9995, 0.9999}) {
    absl::StrAppendFormat(&cdf, "%s[%g,%.1f]", cdf.empty() ? "" : ",", q, merged.Quantile(q) / 1e3);
  }
  std::string error_latency;
  if (errors > 0) {
    error_latency = absl::StrFormat(",\"error_p50_us\":%.1f,\"error_p99_us\":%.1f",
                                    failed.Quantile(0.5) / 1e3, failed.Quantile(0.99) / 1e3);
  }
  // Every heap allocation of the process from Start() to now (warm-up
  // included) per call completed in that time.
  const double allocs_per_call = static_cast<double>(HeapAllocations() - allocations_at_start_) /
                                 static_cast<double>(std::max<uint64_t>(total, 1));
  return absl::StrFormat(
      "{\"framework\":\"%s\",\"mode\":\"%s\",\"conns\":%d,\"concurrency\":%d,\"payload\":%d,"
      "\"qps\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"errors\":%d,"
      "\"calls\":%d,\"total_calls\":%d,\"duration_s\":%.2f,\"allocs_per_call\":%.2f,"
      "\"cdf_us\":[%s]%s}",
      framework, mode, config_.conns, config_.concurrency, config_.payload, qps,
      merged.Quantile(0.5) / 1e3, merged.Quantile(0.99) / 1e3, merged.Quantile(0.999) / 1e3, errors,
      calls, total, config_.duration_s, allocs_per_call, cdf, error_latency);
}

void RunBlockingSlots(LoadRun& run, absl::FunctionRef<bool(int slot)> call) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(run.config().concurrency));
  run.Start();
  for (int slot = 0; slot < run.config().concurrency; ++slot) {
    threads.emplace_back([&run, call, slot] {
      for (;;) {
        const int64_t start = NowNs();
        const bool ok = call(slot);
        if (!run.Finish(slot, start, ok)) return;
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace vireo::bench
