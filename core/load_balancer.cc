#include "vireo/core/load_balancer.h"

namespace vireo {

const Instance& RoundRobinBalancer::Pick(const std::vector<Instance>& instances,
                                         const CallContext&) {
  const uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
  return instances[n % instances.size()];
}

}  // namespace vireo
