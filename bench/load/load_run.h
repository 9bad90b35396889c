// The load generator's common half: flags, the timed window, per-caller
// latency histograms and the one JSON line every RPC benchmark client
// prints, so that every framework is driven and reported the same way.
//
// A run has `concurrency` callers ("slots"). Each keeps one call in flight:
// it starts a call, and when the reply arrives (checked against the
// request) it reports it and starts the next, until the run ends. Calls
// that complete during the warm-up are counted in `total_calls` only;
// those that complete inside the measured window go into the slot's
// histogram and `calls`.
//
// Example (a blocking client, one thread per slot):
//   vireo::bench::LoadConfig config = vireo::bench::LoadConfigFromFlags();
//   vireo::bench::LoadRun run(config);
//   vireo::bench::RunBlockingSlots(run, [&](int slot) { return Echo(slot); });
//   std::puts(run.Json("apache", "threaded").c_str());
//
// Flags (defined once here, read by LoadConfigFromFlags):
//   --host --port --conns --concurrency --payload --duration --warmup
//
// Thread rules: a slot is used by one thread at a time (its calls are
// sequential); Start, Wait and Json from the thread that drives the run.
#ifndef VIREO_BENCH_LOAD_LOAD_RUN_H_
#define VIREO_BENCH_LOAD_LOAD_RUN_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "bench/latency_histogram.h"

namespace vireo::bench {

struct LoadConfig {
  std::string host = "127.0.0.1";
  int port = 0;
  // Connections; a client may require conns == concurrency (one call in
  // flight per connection) and says so when it does.
  int conns = 1;
  // Calls in flight in total.
  int concurrency = 1;
  // Bytes of the echoed message (Request.msg).
  size_t payload = 1024;
  double duration_s = 5;
  double warmup_s = 1;
};

// Reads the flags above; exits with a message when one is out of range.
// `need_port`: --port must be given (false for a generator that takes its
// servers from another flag, such as vireo's --targets).
LoadConfig LoadConfigFromFlags(bool need_port = true);

// `n` bytes of printable text that differ from slot to slot, so a reply
// routed to the wrong caller is caught.
std::string MakePayload(size_t n, int slot);

// Monotonic clock in nanoseconds.
int64_t NowNs();

class LoadRun {
 public:
  explicit LoadRun(LoadConfig config);

  const LoadConfig& config() const { return config_; }

  // Starts the clock: the warm-up runs from now, the window after it.
  void Start();

  // Reports a call of `slot` that started at `start_ns` and has just ended;
  // `ok` is false for a failed call or a reply that did not match. Returns
  // whether the slot should start another call. When it returns false the
  // slot is finished and must not report again.
  bool Finish(int slot, int64_t start_ns, bool ok);

  // Whether the run's time is up (a slot that cannot call, e.g. one that
  // lost its connection, polls this and then calls Abandon).
  bool Over() const { return NowNs() >= end_ns_; }
  // Marks `slot` finished without reporting a call.
  void Abandon(int slot);

  // Blocks until every slot has finished, or until `grace_s` seconds past
  // the end of the window; returns false on the latter (slots stuck).
  bool Wait(double grace_s = 10);

  // The run's JSON line (no trailing newline):
  //   {"framework","mode","conns","concurrency","payload","qps","p50_us",
  //    "p99_us","p999_us","errors","calls","total_calls","duration_s",
  //    "allocs_per_call" (the process's heap allocations from Start() on,
  //    warm-up included, per call completed: bench/load/alloc_count.h),
  //    "cdf_us":[[quantile,us],...]}, and "error_p50_us", "error_p99_us"
  //    (failed calls in the window) when any call failed.
  std::string Json(std::string_view framework, std::string_view mode) const;

 private:
  struct alignas(64) Slot {
    LatencyHistogram histogram;
    LatencyHistogram error_histogram;  // failed calls in the window
    uint64_t calls = 0;                // completed in the window
    uint64_t total_calls = 0;          // completed at any time
    uint64_t errors = 0;
  };
  void SlotFinished();

  LoadConfig config_;
  std::vector<Slot> slots_;
  uint64_t allocations_at_start_ = 0;
  int64_t warm_ns_ = 0;
  int64_t end_ns_ = 0;
  std::atomic<int> running_{0};
  std::mutex mu_;
  std::condition_variable cv_;
};

// Runs one thread per slot; thread `slot` calls `call(slot)` (a blocking
// call that returns whether the reply matched) until the run ends. Calls
// Start() first and returns once every thread has finished (so a Wait()
// after it returns true at once).
void RunBlockingSlots(LoadRun& run, absl::FunctionRef<bool(int slot)> call);

}  // namespace vireo::bench

#endif  // VIREO_BENCH_LOAD_LOAD_RUN_H_
