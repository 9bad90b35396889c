// ConsistentHashBalancer: calls with the same key go to the same instance;
// registry name "consistent_hash".
//
// Each instance with weight > 0 puts virtual nodes on a 64-bit ring:
// BalancerOptions::virtual_nodes per unit of weight, the weights divided by
// their greatest common divisor (so equal weights give each instance
// virtual_nodes points; at most kMaxPoints in all, scaled down beyond). A
// point's place is the stable hash of "<host:port>#<i>", so every client
// process builds the same ring, and an instance joining or leaving moves
// only the keys whose arc it takes or gives back (about 1/n of them).
//
// The key of a call is CallOptions::hash_key; when that is empty, the
// request metadata value under BalancerOptions::hash_metadata_key; with
// neither, the pick is random (a keyless call has no affinity to keep).
//
// Example:
//   ConsistentHashBalancer lb({.hash_metadata_key = "user"});
//   const Instance* target = lb.Pick(instances, ctx);   // by ctx's "user"
//
// Thread rules: Pick from any thread, concurrently.
#ifndef VIREO_CORE_CONSISTENT_HASH_BALANCER_H_
#define VIREO_CORE_CONSISTENT_HASH_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vireo/core/load_balancer.h"

namespace vireo {

class ConsistentHashBalancer : public LoadBalancer {
 public:
  // The most ring points kept.
  static constexpr uint64_t kMaxPoints = 1 << 20;

  explicit ConsistentHashBalancer(const BalancerOptions& options = {});

  const Instance* Pick(const InstanceList& instances, const CallContext& ctx) override;
  // The instance `key` maps to (nullptr when none has weight > 0).
  const Instance* PickByKey(const InstanceList& instances, std::string_view key);

 private:
  // (point, position) sorted by point.
  using Ring = std::vector<std::pair<uint64_t, uint32_t>>;
  Ring Build(const std::vector<Instance>& instances) const;
  const Instance* At(const InstanceList& instances, uint64_t hash);

  const BalancerOptions options_;
  std::atomic<uint64_t> state_;
  PickerCache<Ring> ring_;
};

}  // namespace vireo

#endif  // VIREO_CORE_CONSISTENT_HASH_BALANCER_H_
