#include "vireo/core/p2c_balancer.h"

namespace vireo {

P2cBalancer::P2cBalancer(const BalancerOptions& options)
    : state_(internal::SeedOr(options.seed)) {}

P2cBalancer::Loads::Loads(const std::vector<Instance>& instances)
    : eligible(instances), in_flight(new std::atomic<int64_t>[instances.size()]) {
  for (size_t i = 0; i < instances.size(); ++i) in_flight[i].store(0);
}

const Instance* P2cBalancer::Pick(const InstanceList& instances, const CallContext&) {
  const Loads* loads =
      &loads_.Current(instances, [](const std::vector<Instance>& l) { return Loads(l); });
  const EligibleInstances& e = loads->eligible;
  const size_t n = e.all ? instances->size() : e.size();
  if (n == 0) return nullptr;
  auto position = [&](size_t k) { return e.all ? k : e.positions[k]; };
  size_t pick = position(0);
  if (n > 1) {
    const uint64_t r =
        internal::Mix64(state_.fetch_add(0x9E3779B97F4A7C15ull, std::memory_order_relaxed));
    const size_t a = static_cast<size_t>(r % n);
    // A second draw among the other n - 1.
    size_t b = static_cast<size_t>((r >> 32) % (n - 1));
    if (b >= a) ++b;
    const size_t pa = position(a);
    const size_t pb = position(b);
    pick = loads->in_flight[pb].load(std::memory_order_relaxed) <
                   loads->in_flight[pa].load(std::memory_order_relaxed)
               ? pb
               : pa;
  }
  loads->in_flight[pick].fetch_add(1, std::memory_order_relaxed);
  return &(*instances)[pick];
}

void P2cBalancer::Done(const InstanceList& instances, const Instance& picked) {
  // Counts of an older snapshot went with it.
  std::shared_ptr<const Loads> loads = loads_.Find(instances);
  if (loads == nullptr) return;
  const size_t p = static_cast<size_t>(&picked - instances->data());
  if (p < instances->size()) loads->in_flight[p].fetch_sub(1, std::memory_order_relaxed);
}

int64_t P2cBalancer::in_flight(const InstanceList& instances, const Instance& instance) const {
  std::shared_ptr<const Loads> loads = loads_.Find(instances);
  if (loads == nullptr) return 0;
  return loads->in_flight[static_cast<size_t>(&instance - instances->data())].load();
}

}  // namespace vireo
