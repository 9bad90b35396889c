// RetryPolicy: when a client call tries again (failure retry) or hedges
// (backup request), and RetryBudget, which keeps retries from multiplying
// an outage.
//
// Failure retry: an attempt that fails with a code in `retry_on` is tried
// again, on another instance unless `retry_same_node`, after a backoff,
// while attempts, the total duration and the budget allow. A call the
// server may have executed (sent, then timed out or cut off) is retried
// only when the method is idempotent: `idempotent` here, the IDL
// annotation `(vireo.idempotent = "true")` on the method, or a listing in
// ClientOptions::idempotent_methods. A call that provably did not run (the
// connection never came up, the server was going away, a server limit
// refused it) is safe to retry whatever the method.
//
// Backup request: when `backup_delay` passes with no reply, one more
// attempt goes to another instance; the first reply wins and the others'
// late replies are dropped (ClientStats::abandoned_replies counts them).
// Backups and failure retries share `max_retries`.
//
// The retry budget counts the retries of calls that reached a server (and
// backups); a call that never left the client (no connection, a server
// that refused it unrun) is redirected without taking budget, as it adds
// no load anywhere.
//
// Every extra attempt carries the string header `RPC_PERSIST_RetryReq` =
// its index (1, 2, ...), on TTHeader and THeader, as Kitex sends it. A
// client call made while serving such a call does not retry or hedge
// (`chain_stop`), so retries do not multiply down a call chain.
//
// The call's deadline covers every attempt; each attempt's deadline (and
// the timeout sent downstream) is what is left, or `attempt_timeout` when
// that is shorter.
//
// Example:
//   vireo::ClientOptions o;
//   o.retry.enabled = true;                          // 2 retries, defaults
//   o.retry.backoff = vireo::BackoffKind::kExponential;
//   o.method_retry["get"] = o.retry;                 // per method
//   o.method_retry["get"].idempotent = true;
//
// Thread rules: RetryPolicy is a value. RetryBudget's methods are thread
// safe.
#ifndef VIREO_CORE_RETRY_POLICY_H_
#define VIREO_CORE_RETRY_POLICY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/core/internal/bucket_ring.h"
#include "vireo/transport/mutex.h"

namespace vireo {

// The header key that marks an extra attempt (value: the attempt index).
inline constexpr std::string_view kRetryHeader = "RPC_PERSIST_RetryReq";
// The largest max_retries accepted.
inline constexpr int kMaxRetries = 5;

enum class BackoffKind {
  kNone,         // retry at once
  kFixed,        // wait backoff_base
  kRandom,       // wait uniformly in [backoff_base, backoff_max]
  kExponential,  // backoff_base * 2^(retry-1), capped at backoff_max, with jitter
};

struct RetryPolicy {
  // User-declared (so not an aggregate): see CallOptions in client.h.
  RetryPolicy() {}

  // Failure retry and backups are on. Default: false.
  bool enabled = false;
  // Extra attempts after the first, backups included. Default: 2. At most
  // kMaxRetries.
  int max_retries = 2;
  // All attempts together, from the call's start. Default: 0, only the
  // call's deadline.
  absl::Duration max_duration = absl::ZeroDuration();
  // One attempt's time limit. Default: 0, what is left of the call's.
  absl::Duration attempt_timeout = absl::ZeroDuration();
  // The wait before a retry. Default: kNone.
  BackoffKind backoff = BackoffKind::kNone;
  // Default: 10 ms and 1 s.
  absl::Duration backoff_base = absl::Milliseconds(10);
  absl::Duration backoff_max = absl::Seconds(1);
  // kExponential: the wait is scaled by a random factor in
  // [1 - jitter, 1 + jitter]. Default: 0.2.
  double jitter = 0.2;
  // Codes that retry. Default: DEADLINE_EXCEEDED (an attempt's timeout),
  // UNAVAILABLE (connection failures, a server going away),
  // RESOURCE_EXHAUSTED (a server limit, or a full connection).
  std::vector<absl::StatusCode> retry_on = {absl::StatusCode::kDeadlineExceeded,
                                            absl::StatusCode::kUnavailable,
                                            absl::StatusCode::kResourceExhausted};
  // Retry calls the server may have executed. Default: false.
  bool idempotent = false;
  // Allow a retry on the instance that just failed. Default: false.
  bool retry_same_node = false;
  // No retries or backups for a call made while serving a retried call.
  // Default: true.
  bool chain_stop = true;
  // Backup request after this long without a reply. Default: 0, none.
  absl::Duration backup_delay = absl::ZeroDuration();
  // The retry budget, per method: retries may be at most `budget_ratio` of
  // the method's calls over `budget_window`, once the window holds
  // `budget_min_samples` calls. Default: 0.1 over 10 s, 10 samples (Kitex).
  double budget_ratio = 0.1;
  absl::Duration budget_window = absl::Seconds(10);
  int64_t budget_min_samples = 10;

  // InvalidArgument naming the field that is out of range.
  absl::Status Validate() const;
  // Whether `code` is in retry_on.
  bool RetriesOn(absl::StatusCode code) const;
  // The wait before retry number `retry` (1-based); `random` is uniform
  // in [0, 1).
  absl::Duration Backoff(int retry, double random) const;
};

// Counts a method's calls and retries over a sliding window (1 s buckets).
// AddCall is one atomic add but when a bucket turns over (then a mutex).
class RetryBudget {
 public:
  RetryBudget(double ratio, absl::Duration window, int64_t min_samples);
  // A call started (its first attempt).
  void AddCall(int64_t now_ns);
  // Takes budget for one retry or backup: false when retries would exceed
  // the ratio (while the window holds fewer than min_samples calls, always
  // true).
  bool TryRetry(int64_t now_ns);

 private:
  struct Bucket {
    std::atomic<int64_t> index{-1};
    std::atomic<int64_t> calls{0};
    std::atomic<int64_t> retries{0};
  };
  // The bucket of `now_ns`, begun (its counts reset) if it held another's.
  Bucket& AtLocked(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const double ratio_;
  const int64_t min_samples_;
  const internal::BucketRing ring_;
  // Begun under mu_; counted without it.
  std::unique_ptr<Bucket[]> buckets_;
  transport::Mutex mu_;
};

}  // namespace vireo

#endif  // VIREO_CORE_RETRY_POLICY_H_
