// Metrics: per-method call counters and latency histograms for servers
// and clients, process gauges, and their Prometheus text exposition.
//
// Each (side, service, method) has one CallMetrics: calls started, calls
// finished by code, a latency histogram, request and reply payload bytes.
// Calls in flight are started minus finished, worked out on read. Counters
// are sharded: a thread increments its own cache-line-aligned shard with a
// relaxed atomic add, and a scrape sums the shards (as brpc's bvar does),
// so the call path takes no lock, allocates nothing and shares no cache
// line with other threads. Collect() turns everything into
// prometheus-cpp's MetricFamily values, which its TextSerializer writes.
//
// Servers (ServerOptions::metrics) and clients (ClientOptions::metrics)
// record into Metrics::Default() and add their process gauges
// (connections, loops, workers, buffers) as collectors while they run.
// Users may register their own prometheus-cpp metrics in registry(); they
// are exposed with ours.
//
// Example:
//   vireo::CallMetrics* m = vireo::Metrics::Default().Server("Echo", "echo");
//   m->Started();
//   ... m->Finished(vireo::CallCode::kOk, elapsed, 120, 80);
//   std::string page = vireo::Metrics::Default().Text();
//
// Thread rules: every method of both classes, from any thread, at once.
// A CallMetrics lives as long as its Metrics (Default(): forever).
#ifndef VIREO_CORE_METRICS_H_
#define VIREO_CORE_METRICS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "vireo/transport/mutex.h"

namespace vireo {

// The outcome of a call, as the `code` label: absl's codes by their names
// (OK, CANCELLED, ... UNAUTHENTICATED), IDL_EXCEPTION (the handler replied
// with an exception its method declares), and the TApplicationException
// types a server answers with outside the handler: UNKNOWN_METHOD,
// PROTOCOL_ERROR, LOADSHEDDING, INTERNAL_ERROR (a handler or middleware
// threw).
enum class CallCode : uint8_t {
  // 0..16: absl::StatusCode values.
  kOk = 0,
  kIdlException = 17,
  kUnknownMethod,
  kProtocolError,
  kLoadShedding,
  kInternalError,
};
inline constexpr size_t kCallCodes = 22;
std::string_view CallCodeName(CallCode code);
inline CallCode CodeOf(const absl::Status& status) {
  return static_cast<CallCode>(static_cast<int>(status.code()) <= 16 ? status.code()
                                                                     : absl::StatusCode::kUnknown);
}

// Upper bounds (seconds) of the latency histograms' buckets; +Inf follows.
inline constexpr std::array<double, 17> kLatencyBuckets = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

class CallMetrics {
 public:
  CallMetrics() = default;
  CallMetrics(const CallMetrics&) = delete;
  CallMetrics& operator=(const CallMetrics&) = delete;

  void Started() {
    bool owned;
    Shard& s = Mine(&owned);
    Add(s.started, 1, owned);
  }
  void Finished(CallCode code, absl::Duration latency, size_t request_bytes, size_t reply_bytes);

  // Sums over the shards. In flight = started - finished.
  struct Totals {
    uint64_t started = 0;
    std::array<uint64_t, kCallCodes> finished{};
    // Per bucket (not cumulative); the last is +Inf.
    std::array<uint64_t, kLatencyBuckets.size() + 1> buckets{};
    double latency_sum_seconds = 0;
    uint64_t request_bytes = 0;
    uint64_t reply_bytes = 0;
    uint64_t finished_total() const;
  };
  Totals Read() const;

 private:
  // A thread owns one of the first kShards - 1 shards while it lives
  // (shards are handed back when their thread ends); threads beyond them
  // share the last.
  static constexpr size_t kShards = 16;
  struct alignas(64) Shard {
    std::atomic<uint64_t> started{0};
    std::array<std::atomic<uint64_t>, kCallCodes> finished{};
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> latency_sum_ns{0};
    std::atomic<uint64_t> request_bytes{0};
    std::atomic<uint64_t> reply_bytes{0};
  };
  // The owner of a shard, its only writer, adds without a locked
  // instruction; threads sharing the last shard add atomically.
  static void Add(std::atomic<uint64_t>& counter, uint64_t n, bool owned) {
    if (owned) {
      counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    } else {
      counter.fetch_add(n, std::memory_order_relaxed);
    }
  }
  // The calling thread's shard; `owned` when the thread owns it.
  Shard& Mine(bool* owned);

  std::array<Shard, kShards> shards_;
};

class Metrics {
 public:
  // Adds families to a scrape; runs on the scraping thread, so it must be
  // quick and must not block on a loop.
  using Collector = std::function<void(std::vector<prometheus::MetricFamily>& out)>;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The process-wide instance servers and clients record into; never
  // destroyed.
  static Metrics& Default();

  // The entry for a server's (client's) method, made on first use. At
  // most max_methods() entries per side: further names share the entry of
  // method "other", so a peer cannot grow the table without bound.
  CallMetrics* Server(std::string_view service, std::string_view method);
  CallMetrics* Client(std::string_view service, std::string_view method);
  static constexpr size_t max_methods() { return 4096; }

  // Adds `collector` to every scrape until RemoveCollector(id).
  int AddCollector(Collector collector);
  void RemoveCollector(int id);

  // Users' own prometheus-cpp metrics, exposed with ours.
  prometheus::Registry& registry() { return *registry_; }

  // Every family: the call metrics, the collectors', the registry's.
  std::vector<prometheus::MetricFamily> Collect() const;
  // Collect() in Prometheus' text exposition format 0.0.4.
  std::string Text() const;

 private:
  // (service, method).
  using Key = std::pair<std::string, std::string>;
  using Table = absl::flat_hash_map<Key, std::unique_ptr<CallMetrics>>;
  // The entry in server_ (or client_), made on first use.
  CallMetrics* Find(bool server, std::string_view service, std::string_view method);
  static void CollectCalls(const Table& table, std::string_view side,
                           std::vector<prometheus::MetricFamily>& out);

  mutable transport::SharedMutex mu_;
  Table server_ ABSL_GUARDED_BY(mu_);
  Table client_ ABSL_GUARDED_BY(mu_);
  mutable transport::Mutex collectors_mu_;
  int next_collector_ ABSL_GUARDED_BY(collectors_mu_) = 0;
  std::vector<std::pair<int, Collector>> collectors_ ABSL_GUARDED_BY(collectors_mu_);
  std::shared_ptr<prometheus::Registry> registry_;
};

// Helpers for collectors: the index in `out` of the family `name` (added
// when absent; two servers' collectors share one), and a sample of it.
// An index, not a reference: adding a family may move the others.
size_t AddFamily(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
                 prometheus::MetricType type);
void AddSample(std::vector<prometheus::MetricFamily>& out, size_t family,
               std::vector<prometheus::ClientMetric::Label> labels, double value);

}  // namespace vireo

#endif  // VIREO_CORE_METRICS_H_
