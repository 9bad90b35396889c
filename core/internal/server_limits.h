// ServerLimits: the server's QPS and concurrency limits, checked when a
// call is dispatched (ServerOptions::qps_limit, max_in_flight,
// max_in_flight_per_method).
//
// A call over a limit is answered at once, without running, with
// TApplicationException INTERNAL_ERROR "RESOURCE_EXHAUSTED: request over
// limit (...)": Kitex answers over-limit calls with type 6 and "request
// over limit" too, and a Vireo client turns the prefix back into
// RESOURCE_EXHAUSTED. Nothing is queued.
//
// The QPS limit is a token bucket in GCRA form (one atomic "theoretical
// arrival time"): tokens come back continuously at `qps` per second, and up
// to a tenth of a second's worth (at least 1) may be spent at once.
//
// Example:
//   ServerLimits limits(options);
//   if (limits.active()) s = limits.Admit("echo", in_flight, &slot);
//   ...                                   // the call ends:
//   ServerLimits::Release(slot);
//
// Thread rules: Admit and Release from any thread, concurrently.
#ifndef VIREO_CORE_INTERNAL_SERVER_LIMITS_H_
#define VIREO_CORE_INTERNAL_SERVER_LIMITS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "vireo/core/server_options.h"

namespace vireo::internal {

// A token bucket on a caller-given clock (nanoseconds).
class TokenBucket {
 public:
  // `rate` tokens per second, at most `burst` (>= 1) taken at once.
  TokenBucket(double rate, double burst);
  // Takes a token at `now_ns`; false when none is left.
  bool TryTake(int64_t now_ns);

 private:
  const int64_t interval_ns_;  // between tokens
  const int64_t burst_ns_;     // how early a call may come: (burst - 1) intervals
  std::atomic<int64_t> tat_ns_{0};
};

class ServerLimits {
 public:
  explicit ServerLimits(const ServerOptions& options);

  // False when no limit is set: the caller skips Admit (and its clock
  // read) altogether.
  bool active() const { return max_in_flight_ > 0 || qps_ != nullptr || !methods_.empty(); }
  // Whether a call of `method` may run, with `in_flight` calls in flight on
  // the server counting it. On success, *slot is the method's counter to
  // Release when the call ends (null when the method has no limit).
  absl::Status Admit(std::string_view method, int64_t in_flight, std::atomic<int64_t>** slot);
  static void Release(std::atomic<int64_t>* slot) {
    if (slot != nullptr) slot->fetch_sub(1, std::memory_order_acq_rel);
  }
  // Calls refused so far.
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  struct MethodLimit {
    int64_t max = 0;
    std::atomic<int64_t> in_flight{0};
  };

  const int64_t max_in_flight_;
  std::unique_ptr<TokenBucket> qps_;
  const double qps_limit_;
  // Built once; read without a lock.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodLimit>> methods_;
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_SERVER_LIMITS_H_
