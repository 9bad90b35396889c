// Unit tests of the governance policies on a hand-driven clock: circuit
// breaker states, retry budget, backoff, validation.
#include <cstdint>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "vireo/core/circuit_breaker.h"
#include "vireo/core/retry_policy.h"

namespace vireo {
namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kSec = 1000 * kMs;

using State = CircuitBreaker::State;

// The rate rule alone.
BreakerOptions On() {
  BreakerOptions o;
  o.enabled = true;
  o.consecutive_failures = 0;
  return o;
}

TEST(CircuitBreaker, StaysClosedBelowMinSamples) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  for (int i = 0; i < 199; ++i) b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kClosed);
  EXPECT_TRUE(b.Allow(now));
  b.Record(true, now);  // the 200th sample, all failures
  EXPECT_EQ(b.state(now), State::kOpen);
  EXPECT_FALSE(b.Allow(now));
  EXPECT_EQ(b.opens(), 1u);
}

TEST(CircuitBreaker, OpensAtTheErrorRateNotBelow) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  // 49% failures, spread evenly, over 400 calls: closed.
  for (int i = 0; i < 400; ++i) b.Record((i + 1) * 49 / 100 > i * 49 / 100, now);
  EXPECT_EQ(b.state(now), State::kClosed);
  // A few more failures push it to 50%.
  for (int i = 0; i < 8; ++i) b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kOpen);
  EXPECT_NE(b.Describe(now).find("open"), std::string::npos);
}

TEST(CircuitBreaker, OldBucketsLeaveTheWindow) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  for (int i = 0; i < 150; ++i) b.Record(true, now);
  // 10 s later the failures have left the window: 150 new ones are not
  // enough samples on their own, and the window holds no more.
  now += 10 * kSec;
  for (int i = 0; i < 150; ++i) b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kClosed);
  // Within the window they add up.
  now += 5 * kSec;
  for (int i = 0; i < 50; ++i) b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kOpen);
}

TEST(CircuitBreaker, HalfOpenProbesThenCloses) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  for (int i = 0; i < 200; ++i) b.Record(true, now);
  ASSERT_EQ(b.state(now), State::kOpen);
  now += 5 * kSec - 1;
  EXPECT_FALSE(b.Allow(now));
  now += 1;  // cool-down over
  EXPECT_EQ(b.state(now), State::kHalfOpen);
  EXPECT_TRUE(b.WouldAllow(now));
  EXPECT_TRUE(b.Allow(now));    // the probe
  EXPECT_FALSE(b.Allow(now));   // one per interval
  EXPECT_FALSE(b.WouldAllow(now + 199 * kMs));
  b.Record(false, now + 10 * kMs);
  EXPECT_EQ(b.state(now + 10 * kMs), State::kHalfOpen);  // 1 of 2
  now += 200 * kMs;
  EXPECT_TRUE(b.Allow(now));
  b.Record(false, now);
  EXPECT_EQ(b.state(now), State::kClosed);
  // A fresh window: the old failures are forgotten.
  b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kClosed);
}

TEST(CircuitBreaker, FailedProbeOpensAgain) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  for (int i = 0; i < 200; ++i) b.Record(true, now);
  now += 5 * kSec;
  ASSERT_TRUE(b.Allow(now));
  b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kOpen);
  EXPECT_EQ(b.opens(), 2u);
  EXPECT_FALSE(b.Allow(now + 4 * kSec));
  EXPECT_TRUE(b.Allow(now + 5 * kSec));
}

TEST(CircuitBreaker, OutcomesWhileOpenAreIgnored) {
  CircuitBreaker b(On());
  int64_t now = 100 * kSec;
  for (int i = 0; i < 200; ++i) b.Record(true, now);
  for (int i = 0; i < 1000; ++i) b.Record(false, now + kSec);
  EXPECT_EQ(b.state(now + kSec), State::kOpen);
}

TEST(CircuitBreaker, ARunOfFailuresOpensItWhateverTheHistory) {
  BreakerOptions o;
  o.enabled = true;
  EXPECT_EQ(o.consecutive_failures, 20);
  CircuitBreaker b(o);
  int64_t now = 100 * kSec;
  for (int i = 0; i < 100000; ++i) b.Record(false, now);
  for (int i = 0; i < 19; ++i) b.Record(true, now);
  b.Record(false, now);  // the run is broken
  for (int i = 0; i < 19; ++i) b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kClosed);
  b.Record(true, now);
  EXPECT_EQ(b.state(now), State::kOpen);
  EXPECT_NE(b.Describe(now).find("20 calls in a row failed"), std::string::npos) << b.Describe(now);
}

TEST(CircuitBreaker, OptionsAreValidated) {
  EXPECT_TRUE(On().Validate().ok());
  BreakerOptions o = On();
  o.error_rate = 0;
  EXPECT_FALSE(o.Validate().ok());
  o = On();
  o.bucket = absl::ZeroDuration();
  EXPECT_FALSE(o.Validate().ok());
  o = On();
  o.window = absl::Milliseconds(10);
  EXPECT_FALSE(o.Validate().ok());
  o = On();
  o.min_samples = 0;
  EXPECT_FALSE(o.Validate().ok());
  o = On();
  o.successes_to_close = 0;
  EXPECT_FALSE(o.Validate().ok());
}

TEST(RetryBudget, AllowsEverythingBelowMinSamples) {
  RetryBudget budget(0.1, absl::Seconds(10), 10);
  int64_t now = 50 * kSec;
  for (int i = 0; i < 9; ++i) budget.AddCall(now);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(budget.TryRetry(now));
}

TEST(RetryBudget, CapsRetriesAtTheRatio) {
  RetryBudget budget(0.1, absl::Seconds(10), 10);
  int64_t now = 50 * kSec;
  for (int i = 0; i < 100; ++i) budget.AddCall(now);
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += budget.TryRetry(now) ? 1 : 0;
  EXPECT_EQ(allowed, 10);
  // More calls make more room.
  for (int i = 0; i < 10; ++i) budget.AddCall(now);
  EXPECT_TRUE(budget.TryRetry(now));
  EXPECT_FALSE(budget.TryRetry(now));
  // Once the window has moved on, the old retries no longer count, and
  // neither do the old calls.
  now += 11 * kSec;
  for (int i = 0; i < 20; ++i) budget.AddCall(now);
  EXPECT_TRUE(budget.TryRetry(now));
  EXPECT_TRUE(budget.TryRetry(now));
  EXPECT_FALSE(budget.TryRetry(now));
}

TEST(RetryPolicy, Backoff) {
  RetryPolicy p;
  EXPECT_EQ(p.Backoff(1, 0.5), absl::ZeroDuration());
  p.backoff = BackoffKind::kFixed;
  p.backoff_base = absl::Milliseconds(20);
  EXPECT_EQ(p.Backoff(3, 0.9), absl::Milliseconds(20));
  p.backoff = BackoffKind::kRandom;
  p.backoff_max = absl::Milliseconds(120);
  EXPECT_EQ(p.Backoff(1, 0.0), absl::Milliseconds(20));
  EXPECT_EQ(p.Backoff(1, 0.5), absl::Milliseconds(70));
  p.backoff = BackoffKind::kExponential;
  p.jitter = 0;
  p.backoff_max = absl::Seconds(1);
  EXPECT_EQ(p.Backoff(1, 0.3), absl::Milliseconds(20));
  EXPECT_EQ(p.Backoff(2, 0.3), absl::Milliseconds(40));
  EXPECT_EQ(p.Backoff(3, 0.3), absl::Milliseconds(80));
  EXPECT_EQ(p.Backoff(30, 0.3), absl::Seconds(1));
  p.jitter = 0.5;
  EXPECT_EQ(p.Backoff(2, 0.0), absl::Milliseconds(20));
  EXPECT_EQ(p.Backoff(2, 0.75), absl::Milliseconds(50));
}

TEST(RetryPolicy, DefaultsAndValidation) {
  RetryPolicy p;
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(p.max_retries, 2);
  EXPECT_TRUE(p.RetriesOn(absl::StatusCode::kDeadlineExceeded));
  EXPECT_TRUE(p.RetriesOn(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(p.RetriesOn(absl::StatusCode::kInternal));
  EXPECT_FALSE(p.idempotent);
  EXPECT_TRUE(p.chain_stop);
  EXPECT_TRUE(p.Validate().ok());
  p.max_retries = kMaxRetries + 1;
  EXPECT_FALSE(p.Validate().ok());
  p = RetryPolicy();
  p.backoff_max = absl::Milliseconds(1);
  EXPECT_FALSE(p.Validate().ok());
  p = RetryPolicy();
  p.budget_window = absl::Milliseconds(500);
  EXPECT_FALSE(p.Validate().ok());
}

}  // namespace
}  // namespace vireo
