// WeightedRandomBalancer: a random instance, chosen in proportion to its
// weight; registry name "weighted_random".
//
// The cumulative weights are computed once per resolver snapshot; a pick
// draws one 64-bit number (a lock-free counter run through splitmix64,
// seeded from BalancerOptions::seed) and binary-searches them. Instances
// with weight <= 0 get nothing.
//
// Example:
//   WeightedRandomBalancer lb({.seed = 42});
//   const Instance* target = lb.Pick(instances, ctx);
//
// Thread rules: Pick from any thread, concurrently.
#ifndef VIREO_CORE_WEIGHTED_RANDOM_BALANCER_H_
#define VIREO_CORE_WEIGHTED_RANDOM_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "vireo/core/load_balancer.h"

namespace vireo {

class WeightedRandomBalancer : public LoadBalancer {
 public:
  explicit WeightedRandomBalancer(const BalancerOptions& options = {});

  const Instance* Pick(const InstanceList& instances, const CallContext& ctx) override;

 private:
  struct Cumulative {
    explicit Cumulative(const std::vector<Instance>& instances);
    // Running sums of the positive weights, and whose they are.
    std::vector<uint64_t> sums;
    std::vector<uint32_t> positions;
  };

  std::atomic<uint64_t> state_;
  PickerCache<Cumulative> cumulative_;
};

}  // namespace vireo

#endif  // VIREO_CORE_WEIGHTED_RANDOM_BALANCER_H_
