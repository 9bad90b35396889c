#include "vireo/core/weighted_random_balancer.h"

#include <algorithm>

namespace vireo {

WeightedRandomBalancer::WeightedRandomBalancer(const BalancerOptions& options)
    : state_(internal::SeedOr(options.seed)) {}

WeightedRandomBalancer::Cumulative::Cumulative(const std::vector<Instance>& instances) {
  uint64_t sum = 0;
  for (size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].weight <= 0) continue;
    sum += static_cast<uint64_t>(instances[i].weight);
    sums.push_back(sum);
    positions.push_back(static_cast<uint32_t>(i));
  }
}

const Instance* WeightedRandomBalancer::Pick(const InstanceList& instances, const CallContext&) {
  const Cumulative* c =
      &cumulative_.Current(instances, [](const std::vector<Instance>& l) { return Cumulative(l); });
  if (c->sums.empty()) return nullptr;
  const uint64_t r =
      internal::Mix64(state_.fetch_add(0x9E3779B97F4A7C15ull, std::memory_order_relaxed)) %
      c->sums.back();
  const size_t i = static_cast<size_t>(
      std::upper_bound(c->sums.begin(), c->sums.end(), r) - c->sums.begin());
  return &(*instances)[c->positions[i]];
}

}  // namespace vireo
