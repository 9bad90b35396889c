// WeightedRoundRobinBalancer: smooth weighted round robin, registry name
// "weighted_round_robin", the client's default.
//
// Over every sum-of-weights calls (weights divided by their greatest common
// divisor), each instance gets its weight's share, spread out as nginx's
// smooth algorithm spreads it (weights 5,1,1 give a a b a c a a, not
// a a a a a b c). The order is computed once per resolver snapshot; a call
// takes the next slot with one atomic increment. Equal weights give plain
// round robin. Instances with weight <= 0 get nothing.
//
// Example:
//   WeightedRoundRobinBalancer wrr;
//   const Instance* target = wrr.Pick(instances, ctx);
//
// Thread rules: Pick from any thread, concurrently.
#ifndef VIREO_CORE_WEIGHTED_ROUND_ROBIN_BALANCER_H_
#define VIREO_CORE_WEIGHTED_ROUND_ROBIN_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "vireo/core/load_balancer.h"

namespace vireo {

class WeightedRoundRobinBalancer : public LoadBalancer {
 public:
  // The longest schedule kept; larger weight sums are scaled down to it
  // (each instance keeping at least one slot).
  static constexpr uint64_t kMaxSchedule = 1 << 16;

  const Instance* Pick(const InstanceList& instances, const CallContext& ctx) override;

  // Positions into `instances` in the order calls take them, one period.
  static std::vector<uint32_t> Schedule(const std::vector<Instance>& instances);

 private:
  std::atomic<uint64_t> next_{0};
  PickerCache<std::vector<uint32_t>> schedule_;
};

}  // namespace vireo

#endif  // VIREO_CORE_WEIGHTED_ROUND_ROBIN_BALANCER_H_
