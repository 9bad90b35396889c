// P2cBalancer: power of two choices on calls in flight; registry name
// "p2c".
//
// Of two distinct instances drawn at random (weight > 0), the one with
// fewer of this client's calls in flight takes the call (the first drawn on
// a tie). Counts are kept per resolver snapshot, from Pick to Done, so a
// slow instance, whose calls pile up, gets fewer new ones; weights beyond
// "> 0" are not used.
//
// Example:
//   P2cBalancer lb({.seed = 7});
//   const Instance* target = lb.Pick(instances, ctx);
//   ...                                   // the call completes
//   lb.Done(instances, *target);
//
// Thread rules: Pick and Done from any thread, concurrently.
#ifndef VIREO_CORE_P2C_BALANCER_H_
#define VIREO_CORE_P2C_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "vireo/core/load_balancer.h"

namespace vireo {

class P2cBalancer : public LoadBalancer {
 public:
  explicit P2cBalancer(const BalancerOptions& options = {});

  const Instance* Pick(const InstanceList& instances, const CallContext& ctx) override;
  bool tracks_completions() const override { return true; }
  void Done(const InstanceList& instances, const Instance& picked) override;

  // Calls in flight on `instance` of the snapshot `instances` (for tests).
  int64_t in_flight(const InstanceList& instances, const Instance& instance) const;

 private:
  struct Loads {
    explicit Loads(const std::vector<Instance>& instances);
    EligibleInstances eligible;
    // Calls in flight, by position in the snapshot.
    std::unique_ptr<std::atomic<int64_t>[]> in_flight;
  };

  std::atomic<uint64_t> state_;
  PickerCache<Loads> loads_;
};

}  // namespace vireo

#endif  // VIREO_CORE_P2C_BALANCER_H_
