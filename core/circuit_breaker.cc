#include "vireo/core/circuit_breaker.h"

#include <algorithm>

#include "vireo/core/internal/str_cat.h"

namespace vireo {

namespace {

constexpr int64_t kMaxBuckets = 1000;

int64_t Nanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

}  // namespace

absl::Status BreakerOptions::Validate() const {
  if (bucket <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("breaker: bucket must be above 0");
  }
  if (window < bucket) {
    return absl::InvalidArgumentError("breaker: window must be at least one bucket");
  }
  if (!(error_rate > 0 && error_rate <= 1)) {
    return absl::InvalidArgumentError("breaker: error_rate must be in (0, 1]");
  }
  if (min_samples < 1) return absl::InvalidArgumentError("breaker: min_samples must be >= 1");
  if (cooldown < absl::ZeroDuration() || probe_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("breaker: cooldown and probe_interval must be >= 0");
  }
  if (consecutive_failures < 0) {
    return absl::InvalidArgumentError("breaker: consecutive_failures must be >= 0");
  }
  if (successes_to_close < 1) {
    return absl::InvalidArgumentError("breaker: successes_to_close must be >= 1");
  }
  return absl::OkStatus();
}

CircuitBreaker::CircuitBreaker(const BreakerOptions& options)
    : options_(options),
      ring_(std::max<int64_t>(Nanos(options.bucket), 1),
            std::clamp<int64_t>(Nanos(options.window) / std::max<int64_t>(Nanos(options.bucket), 1),
                                1, kMaxBuckets)),
      cooldown_ns_(Nanos(options.cooldown)),
      probe_ns_(Nanos(options.probe_interval)),
      buckets_(new Bucket[ring_.slots()]) {}

void CircuitBreaker::AdvanceLocked(int64_t now_ns) {
  if (state_.load(std::memory_order_relaxed) == State::kOpen &&
      now_ns - opened_ns_ >= cooldown_ns_) {
    state_.store(State::kHalfOpen, std::memory_order_release);
    successes_ = 0;
    probed_ = false;
  }
}

void CircuitBreaker::SumLocked(int64_t now_ns, int64_t* calls, int64_t* failures) {
  const int64_t current = ring_.Index(now_ns);
  *calls = 0;
  *failures = 0;
  for (size_t i = 0; i < ring_.slots(); ++i) {
    const Bucket& b = buckets_[i];
    if (ring_.InWindow(b.index.load(std::memory_order_acquire), current)) {
      *calls += b.calls.load(std::memory_order_relaxed);
      *failures += b.failures.load(std::memory_order_relaxed);
    }
  }
}

void CircuitBreaker::OpenLocked(int64_t now_ns) {
  state_.store(State::kOpen, std::memory_order_release);
  opened_ns_ = now_ns;
  ++opens_;
}

bool CircuitBreaker::Allow(int64_t now_ns) {
  if (state_.load(std::memory_order_acquire) == State::kClosed) return true;
  transport::MutexLock lock(mu_);
  AdvanceLocked(now_ns);
  switch (state_.load(std::memory_order_relaxed)) {
    case State::kClosed:
      return true;
    case State::kOpen:
      return false;
    case State::kHalfOpen:
      if (probed_ && now_ns - last_probe_ns_ < probe_ns_) return false;
      probed_ = true;
      last_probe_ns_ = now_ns;
      return true;
  }
  return true;
}

bool CircuitBreaker::WouldAllow(int64_t now_ns) {
  if (state_.load(std::memory_order_acquire) == State::kClosed) return true;
  transport::MutexLock lock(mu_);
  AdvanceLocked(now_ns);
  const State state = state_.load(std::memory_order_relaxed);
  if (state == State::kClosed) return true;
  if (state == State::kOpen) return false;
  return !probed_ || now_ns - last_probe_ns_ >= probe_ns_;
}

void CircuitBreaker::Record(bool failure, int64_t now_ns) {
  const int64_t index = ring_.Index(now_ns);
  Bucket& b = buckets_[ring_.Slot(index)];
  if (!failure && state_.load(std::memory_order_acquire) == State::kClosed &&
      b.index.load(std::memory_order_acquire) == index) {
    // The common case: a success while closed, in a bucket already begun.
    b.calls.fetch_add(1, std::memory_order_relaxed);
    if (failures_in_a_row_.load(std::memory_order_relaxed) != 0) {
      failures_in_a_row_.store(0, std::memory_order_relaxed);
    }
    return;
  }
  transport::MutexLock lock(mu_);
  AdvanceLocked(now_ns);
  switch (state_.load(std::memory_order_relaxed)) {
    case State::kOpen:
      // A call that went out before it opened: already counted in.
      return;
    case State::kHalfOpen:
      if (failure) {
        OpenLocked(now_ns);
        return;
      }
      if (++successes_ >= options_.successes_to_close) {
        failures_in_a_row_.store(0, std::memory_order_relaxed);
        for (size_t i = 0; i < ring_.slots(); ++i) {
          Bucket& old = buckets_[i];
          old.calls.store(0, std::memory_order_relaxed);
          old.failures.store(0, std::memory_order_relaxed);
          old.index.store(-1, std::memory_order_release);
        }
        state_.store(State::kClosed, std::memory_order_release);
      }
      return;
    case State::kClosed:
      break;
  }
  if (b.index.load(std::memory_order_relaxed) != index) {
    b.calls.store(0, std::memory_order_relaxed);
    b.failures.store(0, std::memory_order_relaxed);
    b.index.store(index, std::memory_order_release);
  }
  b.calls.fetch_add(1, std::memory_order_relaxed);
  if (!failure) {
    failures_in_a_row_.store(0, std::memory_order_relaxed);
    return;
  }
  b.failures.fetch_add(1, std::memory_order_relaxed);
  const int64_t run = failures_in_a_row_.fetch_add(1, std::memory_order_relaxed) + 1;
  int64_t calls = 0;
  int64_t failures = 0;
  SumLocked(now_ns, &calls, &failures);
  const bool in_a_row = options_.consecutive_failures > 0 && run >= options_.consecutive_failures;
  if (in_a_row || (calls >= options_.min_samples && static_cast<double>(failures) >=
                                                  options_.error_rate * static_cast<double>(calls))) {
    open_calls_ = calls;
    open_failures_ = failures;
    open_run_ = in_a_row ? run : 0;
    failures_in_a_row_.store(0, std::memory_order_relaxed);
    OpenLocked(now_ns);
  }
}

CircuitBreaker::State CircuitBreaker::state(int64_t now_ns) {
  transport::MutexLock lock(mu_);
  AdvanceLocked(now_ns);
  return state_.load(std::memory_order_relaxed);
}

uint64_t CircuitBreaker::opens() {
  transport::MutexLock lock(mu_);
  return opens_;
}

std::string CircuitBreaker::Describe(int64_t now_ns) {
  transport::MutexLock lock(mu_);
  AdvanceLocked(now_ns);
  const int64_t pct = open_calls_ > 0 ? open_failures_ * 100 / open_calls_ : 0;
  switch (state_.load(std::memory_order_relaxed)) {
    case State::kClosed:
      return "closed";
    case State::kOpen:
      if (open_run_ > 0) {
        return internal::Cat("open (", open_run_, " calls in a row failed; next probe in ",
                             std::max<int64_t>(0, (opened_ns_ + cooldown_ns_ - now_ns) / 1000000),
                             " ms)");
      }
      return internal::Cat("open (", pct, "% of ", open_calls_, " calls failed; next probe in ",
                           std::max<int64_t>(0, (opened_ns_ + cooldown_ns_ - now_ns) / 1000000),
                           " ms)");
    case State::kHalfOpen:
      return internal::Cat("half-open (probing; ", successes_, " of ",
                           options_.successes_to_close, " successes to close)");
  }
  return "unknown";
}

}  // namespace vireo
