// BucketRing: the time arithmetic of a sliding window of counting buckets
// (the circuit breakers' and the retry budget's): which bucket a time
// falls in, and where that bucket sits in a ring of slots.
//
// Index() remembers the bucket it computed last, so while time stays in
// one bucket it costs a multiplication and two comparisons, not a
// division; the ring's size is a power of two, so a slot is a mask.
//
// Example:
//   BucketRing ring(/*bucket_ns=*/100'000'000, /*window=*/100);
//   std::unique_ptr<Counts[]> counts(new Counts[ring.slots()]);
//   const int64_t i = ring.Index(now_ns);
//   counts[ring.Slot(i)] ...;  // after checking it holds bucket i
//   for each slot: if (ring.InWindow(slot_index, i)) sum it
//
// Thread rules: every method is thread safe.
#ifndef VIREO_CORE_INTERNAL_BUCKET_RING_H_
#define VIREO_CORE_INTERNAL_BUCKET_RING_H_

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace vireo::internal {

class BucketRing {
 public:
  // Buckets of `bucket_ns` (>= 1); the window is `window` (>= 1) of them.
  BucketRing(int64_t bucket_ns, int64_t window)
      : bucket_ns_(std::max<int64_t>(bucket_ns, 1)),
        window_(std::max<int64_t>(window, 1)),
        mask_(std::bit_ceil(static_cast<uint64_t>(window_)) - 1) {}

  // The bucket number of `now_ns` (now_ns / bucket_ns, for now_ns >= 0).
  int64_t Index(int64_t now_ns) const {
    const int64_t last = last_.load(std::memory_order_relaxed);
    if (last >= 0) {
      const int64_t start = last * bucket_ns_;
      if (now_ns >= start && now_ns - start < bucket_ns_) return last;
    }
    const int64_t index = now_ns / bucket_ns_;
    last_.store(index, std::memory_order_relaxed);
    return index;
  }
  // The ring slot of bucket `index`.
  size_t Slot(int64_t index) const { return static_cast<size_t>(index) & mask_; }
  // Slots in the ring (a power of two, at least the window).
  size_t slots() const { return mask_ + 1; }
  // Whether bucket `index` is in the window that ends with bucket `current`.
  bool InWindow(int64_t index, int64_t current) const {
    return index > current - window_ && index <= current;
  }

 private:
  const int64_t bucket_ns_;
  const int64_t window_;
  const size_t mask_;
  mutable std::atomic<int64_t> last_{-1};
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_BUCKET_RING_H_
