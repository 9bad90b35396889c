// CircuitBreaker: stops calls to a method or an instance that keeps
// failing, and lets them through again once it recovers.
//
// A breaker counts outcomes in a sliding window (default 10 s in 100 ms
// buckets). Closed, it lets every call through; when the window holds at
// least `min_samples` outcomes and the share of failures reaches
// `error_rate`, or when `consecutive_failures` outcomes in a row failed, it
// opens: calls fail fast (the client says UNAVAILABLE and
// names the breaker). After `cooldown` it is half-open: one probe call
// per `probe_interval` goes through; `successes_to_close` successes in a
// row close it (with a fresh window), one failure opens it again. These
// are Kitex's defaults, but for the run of failures: the rate alone lags
// behind a busy instance's history (after 10 s at 75,000 calls/s it took
// 2 s of failures to reach 50%), so 20 failures in a row open an
// instance breaker too.
//
// The client keeps one breaker per method (every error and timeout counts
// as a failure; a declared IDL exception or a biz status is a working
// service's answer and counts as a success) and one per instance (only
// connection failures count; the balancer skips an open instance). Both
// are off until ClientOptions::breaker.enabled (YAML `breaker.enabled`).
//
// Time is the caller's, in nanoseconds on any monotonic clock, so tests
// drive it by hand.
//
// Cost: while closed, Allow is one atomic load and a success is recorded
// with one atomic add (a failure, or a bucket's first outcome, takes a
// mutex). A success recorded as its bucket turns over may land in the
// next bucket: the counts are that approximate.
//
// Example:
//   CircuitBreaker b(BreakerOptions{.enabled = true});
//   if (!b.Allow(now_ns)) return absl::UnavailableError("breaker open");
//   ...                                            // the call ends:
//   b.Record(/*failure=*/!status.ok(), now_ns);
//
// Thread rules: every method is thread safe.
#ifndef VIREO_CORE_CIRCUIT_BREAKER_H_
#define VIREO_CORE_CIRCUIT_BREAKER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/core/internal/bucket_ring.h"
#include "vireo/transport/mutex.h"

namespace vireo {

struct BreakerOptions {
  // Turns both the method and the instance breakers on. Default: false.
  bool enabled = false;
  // The sliding window and its bucket. Default: 10 s in 100 ms buckets
  // (the window is rounded to whole buckets, at most 1000).
  absl::Duration window = absl::Seconds(10);
  absl::Duration bucket = absl::Milliseconds(100);
  // The failure share that opens the breaker. Default: 0.5.
  double error_rate = 0.5;
  // Outcomes the window must hold before it may open. Default: 200.
  int64_t min_samples = 200;
  // Failures in a row that open it whatever the window holds; 0 = only
  // the rate. The client's instance breakers use it; its method breakers
  // do not (a dying instance fails its calls in flight in a burst that
  // says nothing of the method). Default: 20.
  int64_t consecutive_failures = 20;
  // Open for this long before the first probe. Default: 5 s.
  absl::Duration cooldown = absl::Seconds(5);
  // Half-open: one probe per interval. Default: 200 ms.
  absl::Duration probe_interval = absl::Milliseconds(200);
  // Half-open: successes in a row that close it. Default: 2.
  int successes_to_close = 2;

  // InvalidArgument naming the field that is out of range.
  absl::Status Validate() const;
};

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  explicit CircuitBreaker(const BreakerOptions& options);

  // Whether a call may go now. Half-open, true for one probe per interval
  // (the caller must then Record its outcome).
  bool Allow(int64_t now_ns);
  // Whether Allow would let a call through now, without taking a probe.
  bool WouldAllow(int64_t now_ns);
  // A call's outcome.
  void Record(bool failure, int64_t now_ns);
  State state(int64_t now_ns);
  // Times it has opened.
  uint64_t opens();
  // "open: 63% of 412 calls failed" and the like, for error messages.
  std::string Describe(int64_t now_ns);

 private:
  struct Bucket {
    std::atomic<int64_t> index{-1};  // the bucket number it holds counts for
    std::atomic<int64_t> calls{0};
    std::atomic<int64_t> failures{0};
  };

  void AdvanceLocked(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SumLocked(int64_t now_ns, int64_t* calls, int64_t* failures)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OpenLocked(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const BreakerOptions options_;
  const internal::BucketRing ring_;
  const int64_t cooldown_ns_;
  const int64_t probe_ns_;
  // Written under mu_; read without it on the fast paths.
  std::unique_ptr<Bucket[]> buckets_;
  std::atomic<State> state_{State::kClosed};
  std::atomic<int64_t> failures_in_a_row_{0};
  transport::Mutex mu_;
  int64_t opened_ns_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_probe_ns_ ABSL_GUARDED_BY(mu_) = 0;
  bool probed_ ABSL_GUARDED_BY(mu_) = false;
  int successes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t opens_ ABSL_GUARDED_BY(mu_) = 0;
  // What opened it last, for Describe.
  int64_t open_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t open_failures_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t open_run_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace vireo

#endif  // VIREO_CORE_CIRCUIT_BREAKER_H_
