#include "vireo/core/metrics.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <sstream>
#include <utility>

#include "prometheus/text_serializer.h"
#include "vireo/transport/block_pool.h"

namespace vireo {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr std::array<std::string_view, kCallCodes> kCodeNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
    "IDL_EXCEPTION",
    "UNKNOWN_METHOD",
    "PROTOCOL_ERROR",
    "LOADSHEDDING",
    "INTERNAL_ERROR",
};

// kLatencyBuckets in nanoseconds: the call path compares integers.
constexpr std::array<int64_t, kLatencyBuckets.size()> kBucketsNs = [] {
  std::array<int64_t, kLatencyBuckets.size()> ns{};
  for (size_t i = 0; i < ns.size(); ++i) {
    ns[i] = static_cast<int64_t>(kLatencyBuckets[i] * 1e9 + 0.5);
  }
  return ns;
}();

// Which shard each thread owns: indices 0 .. kShards - 2 are handed out
// and taken back when their thread ends; kShards - 1 is everyone else's.
class ShardIndices {
 public:
  static ShardIndices& Get() {
    static ShardIndices* const indices = new ShardIndices();
    return *indices;
  }
  size_t Take(size_t shared) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      const size_t i = free_.back();
      free_.pop_back();
      return i;
    }
    return next_ < shared ? next_++ : shared;
  }
  void Give(size_t i, size_t shared) {
    if (i == shared) return;
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(i);
  }

 private:
  std::mutex mu_;
  size_t next_ = 0;
  std::vector<size_t> free_;
};

}  // namespace

std::string_view CallCodeName(CallCode code) {
  const size_t i = static_cast<size_t>(code);
  return i < kCodeNames.size() ? kCodeNames[i] : "UNKNOWN";
}

CallMetrics::Shard& CallMetrics::Mine(bool* owned) {
  // The index a thread owns while it lives: the lock that hands it back
  // orders the last owner's writes before the next owner's.
  struct Owned {
    const size_t index = ShardIndices::Get().Take(kShards - 1);
    ~Owned() { ShardIndices::Get().Give(index, kShards - 1); }
  };
  thread_local const Owned mine;
  *owned = mine.index != kShards - 1;
  return shards_[mine.index];
}

void CallMetrics::Finished(CallCode code, absl::Duration latency, size_t request_bytes,
                           size_t reply_bytes) {
  bool owned;
  Shard& s = Mine(&owned);
  const size_t c = std::min(static_cast<size_t>(code), kCallCodes - 1);
  Add(s.finished[c], 1, owned);
  const int64_t ns = absl::ToInt64Nanoseconds(latency);
  const size_t bucket =
      std::lower_bound(kBucketsNs.begin(), kBucketsNs.end(), ns) - kBucketsNs.begin();
  Add(s.buckets[bucket], 1, owned);
  Add(s.latency_sum_ns, ns > 0 ? static_cast<uint64_t>(ns) : 0, owned);
  Add(s.request_bytes, request_bytes, owned);
  Add(s.reply_bytes, reply_bytes, owned);
}

uint64_t CallMetrics::Totals::finished_total() const {
  uint64_t n = 0;
  for (uint64_t f : finished) n += f;
  return n;
}

CallMetrics::Totals CallMetrics::Read() const {
  Totals t;
  uint64_t sum_ns = 0;
  for (const Shard& s : shards_) {
    t.started += s.started.load(std::memory_order_relaxed);
    for (size_t i = 0; i < kCallCodes; ++i)
      t.finished[i] += s.finished[i].load(std::memory_order_relaxed);
    for (size_t i = 0; i < t.buckets.size(); ++i)
      t.buckets[i] += s.buckets[i].load(std::memory_order_relaxed);
    sum_ns += s.latency_sum_ns.load(std::memory_order_relaxed);
    t.request_bytes += s.request_bytes.load(std::memory_order_relaxed);
    t.reply_bytes += s.reply_bytes.load(std::memory_order_relaxed);
  }
  t.latency_sum_seconds = static_cast<double>(sum_ns) / 1e9;
  // Shards are read one after another while calls go on: a call counted
  // as finished may not yet show as started.
  t.started = std::max(t.started, t.finished_total());
  return t;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}
Metrics::~Metrics() = default;

Metrics& Metrics::Default() {
  static Metrics* const metrics = [] {
    auto* m = new Metrics();
    // The buffers every connection's LinkBuffers come from.
    m->AddCollector([](std::vector<MetricFamily>& out) {
      const transport::BlockPool::Stats st = transport::BlockPool::Default().GetStats();
      const size_t bytes = AddFamily(
          out, "vireo_buffer_pool_bytes",
          "Bytes of the process's buffer pool: in use by buffers, or idle and kept for reuse.",
          MetricType::Gauge);
      AddSample(out, bytes, {{"state", "in_use"}}, static_cast<double>(st.live_bytes));
      AddSample(out, bytes, {{"state", "idle"}}, static_cast<double>(st.idle_bytes));
    });
    return m;
  }();
  return *metrics;
}

CallMetrics* Metrics::Server(std::string_view service, std::string_view method) {
  return Find(/*server=*/true, service, method);
}

CallMetrics* Metrics::Client(std::string_view service, std::string_view method) {
  return Find(/*server=*/false, service, method);
}

CallMetrics* Metrics::Find(bool server, std::string_view service, std::string_view method) {
  Key key(service, method);
  {
    transport::ReaderLock lock(mu_);
    const Table& table = server ? server_ : client_;
    auto it = table.find(key);
    if (it != table.end()) return it->second.get();
  }
  transport::WriterLock lock(mu_);
  Table& table = server ? server_ : client_;
  if (table.size() >= max_methods() && !table.contains(key)) key = Key(service, "other");
  std::unique_ptr<CallMetrics>& slot = table[key];
  if (slot == nullptr) slot = std::make_unique<CallMetrics>();
  return slot.get();
}

int Metrics::AddCollector(Collector collector) {
  transport::MutexLock lock(collectors_mu_);
  const int id = next_collector_++;
  collectors_.emplace_back(id, std::move(collector));
  return id;
}

void Metrics::RemoveCollector(int id) {
  transport::MutexLock lock(collectors_mu_);
  std::erase_if(collectors_, [id](const auto& c) { return c.first == id; });
}

size_t AddFamily(std::vector<MetricFamily>& out, std::string name, std::string help,
                 MetricType type) {
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].name == name) return i;
  }
  MetricFamily& f = out.emplace_back();
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return out.size() - 1;
}

void AddSample(std::vector<MetricFamily>& out, size_t family,
               std::vector<ClientMetric::Label> labels, double value) {
  MetricFamily& f = out[family];
  ClientMetric& m = f.metric.emplace_back();
  m.label = std::move(labels);
  if (f.type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
}

void Metrics::CollectCalls(const Table& table, std::string_view side,
                           std::vector<MetricFamily>& out) {
  const std::string p = "vireo_" + std::string(side) + "_";
  const bool server = side == "server";
  const size_t started = AddFamily(
      out, p + "started_total",
      server ? "Calls the server dispatched." : "Calls the client started.", MetricType::Counter);
  const size_t handled =
      AddFamily(out, p + "handled_total", "Calls finished, by outcome code.", MetricType::Counter);
  const size_t in_flight =
      AddFamily(out, p + "in_flight", "Calls started and not yet finished.", MetricType::Gauge);
  const size_t latency = AddFamily(
      out, p + "handling_seconds",
      server ? "From the request's bytes read to its reply written (oneway: the handler finished)."
             : "From Call() to the reply read, retries and backup requests included.",
      MetricType::Histogram);
  const size_t request_bytes =
      AddFamily(out, p + "request_bytes_total", "Request payload bytes (the Thrift message).",
                MetricType::Counter);
  const size_t reply_bytes = AddFamily(
      out, p + "reply_bytes_total",
      server ? "Reply bytes written (the frame)." : "Reply payload bytes (the result struct).",
      MetricType::Counter);
  for (const auto& [key, metrics] : table) {
    const CallMetrics::Totals t = metrics->Read();
    std::vector<ClientMetric::Label> labels = {{"method", key.second}, {"service", key.first}};
    AddSample(out, started, labels, static_cast<double>(t.started));
    AddSample(out, in_flight, labels, static_cast<double>(t.started - t.finished_total()));
    AddSample(out, request_bytes, labels, static_cast<double>(t.request_bytes));
    AddSample(out, reply_bytes, labels, static_cast<double>(t.reply_bytes));
    for (size_t c = 0; c < kCallCodes; ++c) {
      // OK always, other codes once seen.
      if (c != 0 && t.finished[c] == 0) continue;
      std::vector<ClientMetric::Label> with_code = {
          {"code", std::string(kCodeNames[c])}, {"method", key.second}, {"service", key.first}};
      AddSample(out, handled, std::move(with_code), static_cast<double>(t.finished[c]));
    }
    ClientMetric& h = out[latency].metric.emplace_back();
    h.label = labels;
    uint64_t cumulative = 0;
    for (size_t b = 0; b < t.buckets.size(); ++b) {
      cumulative += t.buckets[b];
      ClientMetric::Bucket& bucket = h.histogram.bucket.emplace_back();
      bucket.cumulative_count = cumulative;
      bucket.upper_bound =
          b < kLatencyBuckets.size() ? kLatencyBuckets[b] : std::numeric_limits<double>::infinity();
    }
    h.histogram.sample_count = cumulative;
    h.histogram.sample_sum = t.latency_sum_seconds;
  }
}

std::vector<MetricFamily> Metrics::Collect() const {
  std::vector<MetricFamily> out;
  {
    transport::ReaderLock lock(mu_);
    CollectCalls(server_, "server", out);
    CollectCalls(client_, "client", out);
  }
  {
    transport::MutexLock lock(collectors_mu_);
    for (const auto& [id, collect] : collectors_) collect(out);
  }
  std::vector<MetricFamily> users = registry_->Collect();
  out.insert(out.end(), std::make_move_iterator(users.begin()),
             std::make_move_iterator(users.end()));
  // Empty families say nothing; Prometheus would still list their HELP.
  std::erase_if(out, [](const MetricFamily& f) { return f.metric.empty(); });
  return out;
}

std::string Metrics::Text() const {
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, Collect());
  return std::move(text).str();
}

}  // namespace vireo
