// LoadBalancer: which instance serves a call.
//
// The client passes the resolver's current instance list to Pick on every
// call. Round-robin is the built-in policy; weighted or consistent-hash
// balancers implement the same interface.
//
// Example:
//   RoundRobinBalancer rr;
//   const Instance& target = rr.Pick(*instances, ctx);
//
// Thread rules: Pick is called from any thread, concurrently.
#ifndef VIREO_CORE_LOAD_BALANCER_H_
#define VIREO_CORE_LOAD_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "vireo/core/call_context.h"
#include "vireo/core/resolver.h"

namespace vireo {

class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // One of `instances` (which is not empty), for the call described by `ctx`.
  virtual const Instance& Pick(const std::vector<Instance>& instances, const CallContext& ctx) = 0;
};

// Each instance in turn.
class RoundRobinBalancer : public LoadBalancer {
 public:
  const Instance& Pick(const std::vector<Instance>& instances, const CallContext& ctx) override;

 private:
  std::atomic<uint64_t> next_{0};
};

}  // namespace vireo

#endif  // VIREO_CORE_LOAD_BALANCER_H_
