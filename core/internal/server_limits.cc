#include "vireo/core/internal/server_limits.h"

#include <algorithm>
#include <cmath>

#include "vireo/core/internal/str_cat.h"
#include "vireo/transport/event_loop.h"

namespace vireo::internal {

TokenBucket::TokenBucket(double rate, double burst)
    : interval_ns_(std::max<int64_t>(1, static_cast<int64_t>(1e9 / rate))),
      burst_ns_(static_cast<int64_t>(std::max(std::floor(burst), 1.0) - 1) * interval_ns_) {}

bool TokenBucket::TryTake(int64_t now_ns) {
  // GCRA: `tat` is when the bucket would be full again. A call may come up
  // to a burst's worth of intervals early.
  int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  for (;;) {
    const int64_t base = std::max(tat, now_ns);
    if (base - now_ns > burst_ns_) return false;
    if (tat_ns_.compare_exchange_weak(tat, base + interval_ns_, std::memory_order_relaxed)) {
      return true;
    }
  }
}

ServerLimits::ServerLimits(const ServerOptions& options)
    : max_in_flight_(static_cast<int64_t>(options.max_in_flight)),
      qps_limit_(options.qps_limit) {
  if (options.qps_limit > 0) {
    qps_ = std::make_unique<TokenBucket>(options.qps_limit,
                                         std::max(1.0, std::floor(options.qps_limit / 10)));
  }
  for (const auto& [method, max] : options.max_in_flight_per_method) {
    if (max == 0) continue;
    auto limit = std::make_unique<MethodLimit>();
    limit->max = static_cast<int64_t>(max);
    methods_[method] = std::move(limit);
  }
}

absl::Status ServerLimits::Admit(std::string_view method, int64_t in_flight,
                                 std::atomic<int64_t>** slot) {
  *slot = nullptr;
  if (max_in_flight_ > 0 && in_flight > max_in_flight_) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return absl::ResourceExhaustedError(
        Cat("request over limit (max_in_flight ", max_in_flight_, " calls on the server)"));
  }
  if (!methods_.empty()) {
    auto it = methods_.find(absl::string_view(method.data(), method.size()));
    if (it != methods_.end()) {
      MethodLimit& m = *it->second;
      if (m.in_flight.fetch_add(1, std::memory_order_acq_rel) >= m.max) {
        m.in_flight.fetch_sub(1, std::memory_order_acq_rel);
        rejected_.fetch_add(1, std::memory_order_relaxed);
        return absl::ResourceExhaustedError(Cat("request over limit (max_in_flight_per_method ",
                                                method, ": ", m.max, ")"));
      }
      *slot = &m.in_flight;
    }
  }
  if (qps_ != nullptr && !qps_->TryTake(transport::EventLoop::NowNs())) {
    Release(*slot);
    *slot = nullptr;
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return absl::ResourceExhaustedError(Cat("request over limit (qps_limit ", qps_limit_, ")"));
  }
  return absl::OkStatus();
}

}  // namespace vireo::internal
