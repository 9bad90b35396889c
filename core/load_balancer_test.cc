#include "vireo/core/load_balancer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "vireo/core/consistent_hash_balancer.h"
#include "vireo/core/p2c_balancer.h"
#include "vireo/core/weighted_random_balancer.h"
#include "vireo/core/weighted_round_robin_balancer.h"

namespace vireo {
namespace {

InstanceList List(const std::vector<int>& weights, uint16_t first_port = 9000) {
  std::vector<Instance> v;
  for (size_t i = 0; i < weights.size(); ++i) {
    v.push_back(Instance{transport::InetAddress::Loopback(static_cast<uint16_t>(first_port + i)),
                         weights[i]});
  }
  return std::make_shared<const std::vector<Instance>>(std::move(v));
}

// Picks `n` times; counts per position.
std::vector<int> Counts(LoadBalancer& lb, const InstanceList& list, int n,
                        const CallContext& ctx = CallContext()) {
  std::vector<int> counts(list->size(), 0);
  for (int i = 0; i < n; ++i) {
    const Instance* p = lb.Pick(list, ctx);
    EXPECT_NE(p, nullptr);
    if (p == nullptr) break;
    ++counts[static_cast<size_t>(p - list->data())];
  }
  return counts;
}

TEST(RoundRobin, EachInstanceInTurnSkippingWeightZero) {
  RoundRobinBalancer rr;
  InstanceList list = List({100, 0, 100, -5});
  std::vector<int> seen;
  for (int i = 0; i < 4; ++i) seen.push_back(static_cast<int>(rr.Pick(list, {}) - list->data()));
  EXPECT_EQ(seen, (std::vector<int>{0, 2, 0, 2}));
  EXPECT_EQ(rr.Pick(List({0, 0}), {}), nullptr);
}

TEST(WeightedRoundRobin, SmoothOrderAsNginx) {
  // nginx's example: weights 5, 1, 1 give a a b a c a a.
  EXPECT_EQ(WeightedRoundRobinBalancer::Schedule(*List({5, 1, 1})),
            (std::vector<uint32_t>{0, 0, 1, 0, 2, 0, 0}));
  // Weights are divided by their gcd; equal weights are round robin.
  EXPECT_EQ(WeightedRoundRobinBalancer::Schedule(*List({100, 100, 100})),
            (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(WeightedRoundRobinBalancer::Schedule(*List({0, 0})), std::vector<uint32_t>{});
}

TEST(WeightedRoundRobin, SharesAreExactOverWholePeriods) {
  WeightedRoundRobinBalancer wrr;
  InstanceList list = List({1, 2, 3, 0});
  EXPECT_EQ(Counts(wrr, list, 60000), (std::vector<int>{10000, 20000, 30000, 0}));
}

TEST(WeightedRoundRobin, HugeWeightSumsAreScaledDown) {
  const std::vector<uint32_t> s =
      WeightedRoundRobinBalancer::Schedule(*List({1, 1000000, 999999}));
  EXPECT_LE(s.size(), WeightedRoundRobinBalancer::kMaxSchedule + 3);
  // Every instance keeps a slot.
  EXPECT_NE(std::find(s.begin(), s.end(), 0u), s.end());
}

TEST(WeightedRoundRobin, ANewSnapshotIsUsedAtOnce) {
  WeightedRoundRobinBalancer wrr;
  InstanceList a = List({1, 1});
  InstanceList b = List({1, 0});
  Counts(wrr, a, 10);
  EXPECT_EQ(Counts(wrr, b, 10), (std::vector<int>{10, 0}));
}

TEST(WeightedRandom, SharesFollowWeights) {
  WeightedRandomBalancer lb({.seed = 12345});
  InstanceList list = List({1, 2, 3});
  const int n = 120000;
  std::vector<int> c = Counts(lb, list, n);
  EXPECT_NEAR(c[0] / static_cast<double>(n), 1.0 / 6, 0.02);
  EXPECT_NEAR(c[1] / static_cast<double>(n), 2.0 / 6, 0.02);
  EXPECT_NEAR(c[2] / static_cast<double>(n), 3.0 / 6, 0.02);
  EXPECT_EQ(lb.Pick(List({0}), {}), nullptr);
}

TEST(ConsistentHash, AKeyStaysOnItsInstance) {
  ConsistentHashBalancer lb;
  InstanceList list = List({100, 100, 100});
  CallContext ctx;
  ctx.set_hash_key("user-42");
  const Instance* first = lb.Pick(list, ctx);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lb.Pick(list, ctx), first);
  // The same ring in another balancer (another process builds the same).
  ConsistentHashBalancer other;
  EXPECT_EQ(other.Pick(list, ctx), first);
}

TEST(ConsistentHash, TheKeyMayComeFromMetadata) {
  ConsistentHashBalancer lb({.hash_metadata_key = "user"});
  InstanceList list = List({100, 100, 100});
  CallContext ctx;
  ctx.request_metadata().Set("user", "alice");
  EXPECT_EQ(lb.Pick(list, ctx), lb.PickByKey(list, "alice"));
}

// Scenario 3's second half: a fourth instance moves only the keys it takes.
TEST(ConsistentHash, AddingAnInstanceMovesOnlyTheKeysItTakes) {
  ConsistentHashBalancer lb;
  InstanceList three = List({100, 100, 100});
  InstanceList four = List({100, 100, 100, 100});
  int moved = 0;
  std::vector<int> per(4, 0);
  for (int k = 0; k < 10000; ++k) {
    const std::string key = "key-" + std::to_string(k);
    const Instance* before = lb.PickByKey(three, key);
    const Instance* after = lb.PickByKey(four, key);
    ++per[static_cast<size_t>(after - four->data())];
    if (before->address.ToString() != after->address.ToString()) {
      ++moved;
      EXPECT_EQ(after - four->data(), 3) << "a key moved between old instances";
    }
  }
  EXPECT_LE(moved, 3000) << moved << " of 10000 keys moved";
  EXPECT_GE(moved, 1500) << "the new instance took too few keys: " << moved;
  for (int c : per) EXPECT_NEAR(c, 2500, 500);
}

TEST(ConsistentHash, WeightBuysAShareOfTheRing) {
  ConsistentHashBalancer lb;
  InstanceList list = List({1, 3});
  int on_heavy = 0;
  for (int k = 0; k < 20000; ++k) {
    on_heavy += lb.PickByKey(list, "k" + std::to_string(k)) == &(*list)[1];
  }
  EXPECT_NEAR(on_heavy / 20000.0, 0.75, 0.05);
}

TEST(P2c, AvoidsTheInstanceWithCallsPilingUp) {
  P2cBalancer lb({.seed = 99});
  InstanceList list = List({100, 100, 100});
  // Instance 0 never completes its calls; the others complete at once.
  int to_slow = 0;
  for (int i = 0; i < 3000; ++i) {
    const Instance* p = lb.Pick(list, {});
    ASSERT_NE(p, nullptr);
    if (p == &(*list)[0]) {
      ++to_slow;
    } else {
      lb.Done(list, *p);
    }
  }
  EXPECT_EQ(lb.in_flight(list, (*list)[0]), to_slow);
  EXPECT_EQ(lb.in_flight(list, (*list)[1]), 0);
  // Once it has one call in flight it loses every comparison.
  EXPECT_LE(to_slow, 2);
  EXPECT_EQ(lb.Pick(List({0, -1}), {}), nullptr);
  // One eligible instance takes everything.
  InstanceList one = List({0, 7});
  EXPECT_EQ(lb.Pick(one, {}), &(*one)[1]);
}

TEST(Registry, BuiltInsAndRegisteredNames) {
  for (const char* name :
       {"round_robin", "weighted_round_robin", "weighted_random", "consistent_hash", "p2c"}) {
    absl::StatusOr<std::shared_ptr<LoadBalancer>> lb = NewLoadBalancer(name, {});
    ASSERT_TRUE(lb.ok()) << name << ": " << lb.status();
    EXPECT_NE((*lb)->Pick(List({100}), {}), nullptr) << name;
  }
  absl::StatusOr<std::shared_ptr<LoadBalancer>> unknown = NewLoadBalancer("fastest", {});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("p2c"), std::string::npos) << unknown.status();

  struct First : LoadBalancer {
    const Instance* Pick(const InstanceList& l, const CallContext&) override { return &(*l)[0]; }
  };
  RegisterLoadBalancer("first", [](const BalancerOptions&) { return std::make_shared<First>(); });
  absl::StatusOr<std::shared_ptr<LoadBalancer>> first = NewLoadBalancer("first", {});
  ASSERT_TRUE(first.ok()) << first.status();
  InstanceList list = List({100, 100});
  EXPECT_EQ((*first)->Pick(list, {}), &(*list)[0]);
}

}  // namespace
}  // namespace vireo
