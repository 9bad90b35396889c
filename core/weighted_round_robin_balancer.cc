#include "vireo/core/weighted_round_robin_balancer.h"

#include <numeric>

namespace vireo {

std::vector<uint32_t> WeightedRoundRobinBalancer::Schedule(const std::vector<Instance>& instances) {
  std::vector<uint32_t> pos;
  std::vector<uint64_t> weight;
  uint64_t g = 0;
  for (size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].weight <= 0) continue;
    pos.push_back(static_cast<uint32_t>(i));
    weight.push_back(static_cast<uint64_t>(instances[i].weight));
    g = std::gcd(g, weight.back());
  }
  if (pos.empty()) return {};
  uint64_t total = 0;
  for (uint64_t& w : weight) total += (w /= g);
  if (total > kMaxSchedule) {
    const uint64_t scaled_total = total;
    total = 0;
    for (uint64_t& w : weight) total += (w = std::max<uint64_t>(1, w * kMaxSchedule / scaled_total));
  }
  // nginx's smooth weighted round robin, run for one period.
  std::vector<int64_t> current(pos.size(), 0);
  std::vector<uint32_t> schedule;
  schedule.reserve(total);
  for (uint64_t step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < pos.size(); ++i) {
      current[i] += static_cast<int64_t>(weight[i]);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= static_cast<int64_t>(total);
    schedule.push_back(pos[best]);
  }
  return schedule;
}

const Instance* WeightedRoundRobinBalancer::Pick(const InstanceList& instances,
                                                 const CallContext&) {
  const std::vector<uint32_t>& s = schedule_.Current(instances, &Schedule);
  if (s.empty()) return nullptr;
  const uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
  return &(*instances)[s[n % s.size()]];
}

}  // namespace vireo
