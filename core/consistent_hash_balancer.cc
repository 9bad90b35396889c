#include "vireo/core/consistent_hash_balancer.h"

#include <algorithm>
#include <numeric>

#include "vireo/core/internal/str_cat.h"

namespace vireo {

ConsistentHashBalancer::ConsistentHashBalancer(const BalancerOptions& options)
    : options_(options), state_(internal::SeedOr(options.seed)) {}

ConsistentHashBalancer::Ring ConsistentHashBalancer::Build(
    const std::vector<Instance>& instances) const {
  uint64_t g = 0;
  uint64_t units = 0;
  for (const Instance& i : instances) {
    if (i.weight > 0) g = std::gcd(g, static_cast<uint64_t>(i.weight));
  }
  if (g == 0) return {};
  for (const Instance& i : instances) {
    if (i.weight > 0) units += static_cast<uint64_t>(i.weight) / g;
  }
  const uint64_t per_unit = static_cast<uint64_t>(std::max(options_.virtual_nodes, 1));
  // Scaled down so that the ring stays under kMaxPoints.
  const uint64_t points_per_unit =
      std::max<uint64_t>(1, std::min(per_unit, kMaxPoints / std::max<uint64_t>(units, 1)));
  Ring ring;
  ring.reserve(units * points_per_unit);
  for (size_t p = 0; p < instances.size(); ++p) {
    if (instances[p].weight <= 0) continue;
    const std::string name = instances[p].address.ToString();
    const uint64_t points = static_cast<uint64_t>(instances[p].weight) / g * points_per_unit;
    for (uint64_t v = 0; v < points; ++v) {
      ring.emplace_back(internal::StableHash(internal::Cat(name, "#", v)),
                        static_cast<uint32_t>(p));
    }
  }
  std::sort(ring.begin(), ring.end());
  return ring;
}

const Instance* ConsistentHashBalancer::At(const InstanceList& instances, uint64_t hash) {
  const Ring* ring =
      &ring_.Current(instances, [this](const std::vector<Instance>& l) { return Build(l); });
  if (ring->empty()) return nullptr;
  auto it = std::lower_bound(ring->begin(), ring->end(), std::make_pair(hash, uint32_t{0}));
  if (it == ring->end()) it = ring->begin();  // the ring wraps
  return &(*instances)[it->second];
}

const Instance* ConsistentHashBalancer::PickByKey(const InstanceList& instances,
                                                  std::string_view key) {
  return At(instances, internal::StableHash(key));
}

const Instance* ConsistentHashBalancer::Pick(const InstanceList& instances,
                                             const CallContext& ctx) {
  if (!ctx.hash_key().empty()) return PickByKey(instances, ctx.hash_key());
  if (!options_.hash_metadata_key.empty()) {
    if (const std::string* v = ctx.request_metadata().Find(options_.hash_metadata_key)) {
      return PickByKey(instances, *v);
    }
  }
  return At(instances,
            internal::Mix64(state_.fetch_add(0x9E3779B97F4A7C15ull, std::memory_order_relaxed)));
}

}  // namespace vireo
