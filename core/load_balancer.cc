#include "vireo/core/load_balancer.h"

#include <chrono>
#include <map>
#include <utility>

#include "absl/strings/str_join.h"
#include "vireo/core/consistent_hash_balancer.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/p2c_balancer.h"
#include "vireo/core/weighted_random_balancer.h"
#include "vireo/core/weighted_round_robin_balancer.h"
#include "vireo/transport/mutex.h"

namespace vireo {

namespace internal {

uint64_t StableHash(std::string_view bytes) {
  // FNV-1a, then a finalizer so that near keys land far apart.
  uint64_t h = 14695981039346656037ull;
  for (const char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return Mix64(h);
}

uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t SeedOr(uint64_t seed) {
  if (seed != 0) return seed;
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace internal

namespace {

struct Registry {
  transport::Mutex mu;
  std::map<std::string, LoadBalancerFactory, std::less<>> factories ABSL_GUARDED_BY(mu);
};

Registry& TheRegistry() {
  static Registry* r = [] {
    auto* reg = new Registry;
    transport::MutexLock lock(reg->mu);
    reg->factories["round_robin"] = [](const BalancerOptions&) {
      return std::make_shared<RoundRobinBalancer>();
    };
    reg->factories["weighted_round_robin"] = [](const BalancerOptions&) {
      return std::make_shared<WeightedRoundRobinBalancer>();
    };
    reg->factories["weighted_random"] = [](const BalancerOptions& o) {
      return std::make_shared<WeightedRandomBalancer>(o);
    };
    reg->factories["consistent_hash"] = [](const BalancerOptions& o) {
      return std::make_shared<ConsistentHashBalancer>(o);
    };
    reg->factories["p2c"] = [](const BalancerOptions& o) {
      return std::make_shared<P2cBalancer>(o);
    };
    return reg;
  }();
  return *r;
}

}  // namespace

void RegisterLoadBalancer(std::string name, LoadBalancerFactory factory) {
  Registry& r = TheRegistry();
  transport::MutexLock lock(r.mu);
  r.factories[std::move(name)] = std::move(factory);
}

absl::StatusOr<std::shared_ptr<LoadBalancer>> NewLoadBalancer(std::string_view name,
                                                              const BalancerOptions& options) {
  LoadBalancerFactory factory;
  std::vector<std::string> names;
  {
    Registry& r = TheRegistry();
    transport::MutexLock lock(r.mu);
    auto it = r.factories.find(name);
    if (it != r.factories.end()) {
      factory = it->second;
    } else {
      for (const auto& [n, f] : r.factories) names.push_back(n);
    }
  }
  if (!factory) {
    return absl::NotFoundError(internal::Cat("unknown load balancer \"", name,
                                             "\"; registered: ", absl::StrJoin(names, ", ")));
  }
  return factory(options);
}

EligibleInstances::EligibleInstances(const std::vector<Instance>& instances) {
  for (size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].weight > 0) positions.push_back(static_cast<uint32_t>(i));
  }
  all = positions.size() == instances.size();
}

const Instance* RoundRobinBalancer::Pick(const InstanceList& instances, const CallContext&) {
  const std::vector<Instance>& list = *instances;
  const EligibleInstances& e = eligible_.Current(
      instances, [](const std::vector<Instance>& l) { return EligibleInstances(l); });
  const uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
  if (e.all) return &list[n % list.size()];
  if (e.positions.empty()) return nullptr;
  return &list[e.positions[n % e.positions.size()]];
}

}  // namespace vireo
