// LoadBalancer: which instance serves a call; and the registry of named
// balancers a client picks from (ClientOptions::load_balancer, YAML key
// `load_balancer`).
//
// The client hands the resolver's current snapshot (an InstanceList) to
// Pick on every call. Instances with weight <= 0 take no calls (as in
// Kitex); Pick returns nullptr when none may, and the call fails with
// UNAVAILABLE. A balancer that precomputes something per snapshot (a
// weighted schedule, a hash ring) keeps it in a PickerCache: built once
// when the resolver hands a new snapshot, read on every call without a
// mutex.
//
// Built-in balancers, by registry name (each in its own file):
//   round_robin            each instance in turn
//   weighted_round_robin   smooth weighted round robin (nginx's order);
//                          plain round robin when all weights are equal.
//                          The default.
//   weighted_random        a random instance, in proportion to weight
//   consistent_hash        a ring with virtual nodes; the key is
//                          CallOptions::hash_key, else the request metadata
//                          value under BalancerOptions::hash_metadata_key,
//                          else the pick is random
//   p2c                    power of two choices: of two random instances,
//                          the one with fewer calls in flight from this
//                          client
//
// Example:
//   absl::StatusOr<std::shared_ptr<LoadBalancer>> lb =
//       NewLoadBalancer("consistent_hash", {.hash_metadata_key = "user"});
//   const Instance* target = (*lb)->Pick(instances, ctx);
//
// Thread rules: Pick and Done are called from any thread, concurrently;
// the registry functions are thread safe.
#ifndef VIREO_CORE_LOAD_BALANCER_H_
#define VIREO_CORE_LOAD_BALANCER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "vireo/core/call_context.h"
#include "vireo/core/resolver.h"
#include "vireo/transport/mutex.h"

namespace vireo {

// Settings of the built-in balancers (each reads the ones it needs).
struct BalancerOptions {
  // consistent_hash: ring points per unit of weight, the weights divided by
  // their greatest common divisor first (so equal weights give each
  // instance this many). Default: 100.
  int virtual_nodes = 100;
  // consistent_hash: the request metadata key whose value is the hash key
  // of a call that sets no CallOptions::hash_key. Default: "" (none).
  std::string hash_metadata_key;
  // weighted_random, p2c, consistent_hash without a key: the random
  // sequence's seed. Default: 0, a seed from the clock.
  uint64_t seed = 0;
};

class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // One of `instances` (a resolver snapshot, not empty) for the call `ctx`
  // describes (its metadata and hash key are filled in); nullptr when no
  // instance has a weight above 0.
  virtual const Instance* Pick(const InstanceList& instances, const CallContext& ctx) = 0;
  // True when the balancer wants Done for every call it picked for (p2c
  // counts calls in flight). Asked once, when the client takes it.
  virtual bool tracks_completions() const { return false; }
  // The call that Pick(instances, ...) sent to `picked` has completed.
  virtual void Done(const InstanceList& /*instances*/, const Instance& /*picked*/) {}
};

// Makes a balancer from its options.
using LoadBalancerFactory =
    std::function<std::shared_ptr<LoadBalancer>(const BalancerOptions& options)>;

// Registers `factory` under `name`, replacing one registered before under
// that name. Thread safe.
void RegisterLoadBalancer(std::string name, LoadBalancerFactory factory);
// A new balancer of the registered `name` (see the built-ins above).
// NotFound naming the registered names otherwise. Thread safe.
absl::StatusOr<std::shared_ptr<LoadBalancer>> NewLoadBalancer(std::string_view name,
                                                              const BalancerOptions& options);

// The instances with weight > 0 of one snapshot.
struct EligibleInstances {
  explicit EligibleInstances(const std::vector<Instance>& instances);
  // Every instance has weight > 0: positions are the list's own.
  bool all = true;
  // Otherwise, the positions of those that do.
  std::vector<uint32_t> positions;
  size_t size() const { return positions.size(); }
};

// What a balancer derives from one snapshot, kept until the next one.
// `P` is built by the callable Get is given; Get returns the picker of the
// snapshot it is handed, building it when that is not the one last built
// (pointer identity: resolvers hand out a new snapshot when anything
// changes). One entry is installed per snapshot (under a lock: two
// threads that build at once agree on the winner). Nothing blocks readers
// while another thread builds.
//
// Current() is the call path's form: it remembers, per thread, the entry
// it returned last, and hands it out again with one relaxed atomic load
// while no new entry has been installed (Get costs a reader lock and two
// reference count changes). A thread's remembered entry (and
// its snapshot) stays alive until that thread calls Current on a cache of
// the same P again, or exits.
namespace internal {
// Ids of PickerCache objects (from 1).
inline std::atomic<uint64_t> next_picker_cache_id{1};
}  // namespace internal

template <class P>
class PickerCache {
 public:
  template <class Build>
  std::shared_ptr<const P> Get(const InstanceList& list, Build&& build) {
    std::shared_ptr<const Entry> e = Load(list, std::forward<Build>(build));
    // Aliasing: shares the entry's ownership, points at its picker.
    return std::shared_ptr<const P>(e, &e->picker);
  }
  // Get's picker, valid on this thread until its next Current() on a
  // PickerCache<P>.
  template <class Build>
  const P& Current(const InstanceList& list, Build&& build) {
    thread_local Remembered last;
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (last.cache == id_ && last.list == list.get() && last.generation == generation) {
      return last.entry->picker;
    }
    last.entry = Load(list, std::forward<Build>(build));
    last.cache = id_;
    last.list = list.get();
    // An entry installed since `generation` was read bumps it: the next
    // call looks again.
    last.generation = generation;
    return last.entry->picker;
  }
  // The picker built for exactly `list`, or null.
  std::shared_ptr<const P> Find(const InstanceList& list) const {
    std::shared_ptr<const Entry> e;
    {
      transport::ReaderLock lock(mu_);
      e = entry_;
    }
    if (e == nullptr || e->list != list) return nullptr;
    return std::shared_ptr<const P>(e, &e->picker);
  }

 private:
  struct Entry {
    InstanceList list;
    P picker;
  };
  struct Remembered {
    uint64_t cache = 0;
    const std::vector<Instance>* list = nullptr;
    uint64_t generation = 0;
    std::shared_ptr<const Entry> entry;
  };

  template <class Build>
  std::shared_ptr<const Entry> Load(const InstanceList& list, Build&& build) {
    {
      transport::ReaderLock lock(mu_);
      if (entry_ != nullptr && entry_->list == list) return entry_;
    }
    // Built outside the lock: readers of the current entry never wait.
    std::shared_ptr<const Entry> fresh = std::make_shared<Entry>(Entry{list, build(*list)});
    transport::WriterLock lock(mu_);
    // One entry per snapshot: a thread that lost the race takes the
    // winner's when it is for the same snapshot.
    if (entry_ != nullptr && entry_->list == list) return entry_;
    entry_ = fresh;
    generation_.fetch_add(1, std::memory_order_acq_rel);
    return fresh;
  }

  const uint64_t id_ = internal::next_picker_cache_id.fetch_add(1, std::memory_order_relaxed);
  std::atomic<uint64_t> generation_{0};
  // A lock, not std::atomic<std::shared_ptr>: libstdc++'s lock bit in the
  // pointer is invisible to ThreadSanitizer, which then reports races. The
  // call path takes it only when a new snapshot arrives (Current).
  mutable transport::SharedMutex mu_;
  std::shared_ptr<const Entry> entry_ ABSL_GUARDED_BY(mu_);
};

// Each instance with weight > 0 in turn.
class RoundRobinBalancer : public LoadBalancer {
 public:
  const Instance* Pick(const InstanceList& instances, const CallContext& ctx) override;

 private:
  std::atomic<uint64_t> next_{0};
  PickerCache<EligibleInstances> eligible_;
};

namespace internal {
// A stable 64-bit hash of `bytes` (the same in every process and build:
// consistent hashing must agree across clients).
uint64_t StableHash(std::string_view bytes);
// splitmix64's step: a well-mixed 64-bit value from a counter.
uint64_t Mix64(uint64_t x);
// A seed: `seed`, or one from the clock when it is 0.
uint64_t SeedOr(uint64_t seed);
}  // namespace internal

}  // namespace vireo

#endif  // VIREO_CORE_LOAD_BALANCER_H_
