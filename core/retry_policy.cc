#include "vireo/core/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "vireo/core/internal/str_cat.h"

namespace vireo {

absl::Status RetryPolicy::Validate() const {
  if (max_retries < 0 || max_retries > kMaxRetries) {
    return absl::InvalidArgumentError(
        internal::Cat("retry: max_retries must be in [0, ", kMaxRetries, "], not ", max_retries));
  }
  if (max_duration < absl::ZeroDuration() || attempt_timeout < absl::ZeroDuration() ||
      backup_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "retry: max_duration, attempt_timeout and backup_delay must be >= 0");
  }
  if (backoff_base < absl::ZeroDuration() || backoff_max < backoff_base) {
    return absl::InvalidArgumentError("retry: need 0 <= backoff_base <= backoff_max");
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    return absl::InvalidArgumentError("retry: jitter must be in [0, 1]");
  }
  if (!(budget_ratio >= 0) || budget_window < absl::Seconds(1) || budget_min_samples < 0) {
    return absl::InvalidArgumentError(
        "retry: budget_ratio must be >= 0, budget_window >= 1 s, budget_min_samples >= 0");
  }
  return absl::OkStatus();
}

bool RetryPolicy::RetriesOn(absl::StatusCode code) const {
  return std::find(retry_on.begin(), retry_on.end(), code) != retry_on.end();
}

absl::Duration RetryPolicy::Backoff(int retry, double random) const {
  switch (backoff) {
    case BackoffKind::kNone:
      return absl::ZeroDuration();
    case BackoffKind::kFixed:
      return backoff_base;
    case BackoffKind::kRandom:
      return backoff_base + (backoff_max - backoff_base) * random;
    case BackoffKind::kExponential: {
      const int shift = std::clamp(retry - 1, 0, 30);
      absl::Duration d = std::min(backoff_base * static_cast<int64_t>(int64_t{1} << shift),
                                  backoff_max);
      d = d * (1.0 - jitter + 2.0 * jitter * random);
      return std::min(d, backoff_max);
    }
  }
  return absl::ZeroDuration();
}

RetryBudget::RetryBudget(double ratio, absl::Duration window, int64_t min_samples)
    : ratio_(ratio),
      min_samples_(min_samples),
      ring_(absl::ToInt64Nanoseconds(absl::Seconds(1)),
            std::clamp<int64_t>(absl::ToInt64Seconds(window), 1, 3600)),
      buckets_(new Bucket[ring_.slots()]) {}

RetryBudget::Bucket& RetryBudget::AtLocked(int64_t now_ns) {
  const int64_t index = ring_.Index(now_ns);
  Bucket& b = buckets_[ring_.Slot(index)];
  if (b.index.load(std::memory_order_relaxed) != index) {
    b.calls.store(0, std::memory_order_relaxed);
    b.retries.store(0, std::memory_order_relaxed);
    b.index.store(index, std::memory_order_release);
  }
  return b;
}

void RetryBudget::AddCall(int64_t now_ns) {
  const int64_t index = ring_.Index(now_ns);
  Bucket& b = buckets_[ring_.Slot(index)];
  if (b.index.load(std::memory_order_acquire) == index) {
    b.calls.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  transport::MutexLock lock(mu_);
  AtLocked(now_ns).calls.fetch_add(1, std::memory_order_relaxed);
}

bool RetryBudget::TryRetry(int64_t now_ns) {
  transport::MutexLock lock(mu_);
  const int64_t current = ring_.Index(now_ns);
  int64_t calls = 0;
  int64_t retries = 0;
  for (size_t i = 0; i < ring_.slots(); ++i) {
    const Bucket& b = buckets_[i];
    if (ring_.InWindow(b.index.load(std::memory_order_acquire), current)) {
      calls += b.calls.load(std::memory_order_relaxed);
      retries += b.retries.load(std::memory_order_relaxed);
    }
  }
  if (calls >= min_samples_ &&
      static_cast<double>(retries + 1) > ratio_ * static_cast<double>(calls)) {
    return false;
  }
  AtLocked(now_ns).retries.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace vireo
