// Reference-counted memory blocks and the size-class pools they come from.
//
// A Block is one contiguous piece of memory with an atomic reference count.
// LinkBuffer nodes and slices hold references; the last Unref() gives the
// block back to its pool (or frees it, or runs the owner's release callback
// for memory linked in from outside).
//
// Pools are grouped by size class: 4 KiB, 8 KiB, ... 8 MiB (powers of two).
// Requests above 8 MiB are allocated directly and freed on release. Each
// class keeps at most `max_idle_bytes_per_class` of idle blocks (and at least
// `min_idle_blocks_per_class`); what is returned beyond that goes back to the
// system, so a burst of large payloads does not pin memory forever.
//
// A pool may also keep a few idle blocks of the small classes (up to 16 KiB)
// per thread (`thread_cache_blocks`), so that the loop that frees a block
// and takes the next one touches no shared lock. The default pool does; its
// cache holds at most 512 KiB per class per thread (1.5 MiB), given back
// to the shared lists when the thread exits.
//
// Example:
//   Block* b = BlockPool::Default().Allocate(10000);  // a 16 KiB block
//   std::memcpy(b->data(), src, 10000);
//   b->Unref();                                        // back to the pool
//
// Thread rules: BlockPool is thread safe. A Block's Ref/Unref are thread
// safe; its bytes are guarded by whoever writes them (LinkBuffer's rules).
#ifndef VIREO_TRANSPORT_BLOCK_POOL_H_
#define VIREO_TRANSPORT_BLOCK_POOL_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "vireo/transport/mutex.h"

namespace vireo::transport {

class BlockPool;
namespace internal {
struct BlockThreadCaches;
}  // namespace internal

// One reference-counted piece of memory. Created only by a BlockPool or by
// Block::Wrap; destroyed by the last Unref().
class Block {
 public:
  // Releases caller-owned memory linked into a buffer without a copy.
  using ReleaseFn = absl::AnyInvocable<void() &&>;

  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  // Wraps memory the caller owns. `release` runs exactly once, on the thread
  // that drops the last reference. Thread safe.
  static Block* Wrap(const char* data, size_t size, ReleaseFn release);

  char* data() const { return data_; }
  size_t capacity() const { return capacity_; }
  // True when the memory belongs to someone else and must not be written.
  bool external() const { return size_class_ == kExternal; }

  // Thread safe.
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Thread safe. The last call returns the block to its pool or frees it.
  void Unref();
  // Current reference count (for tests).
  int32_t refs() const { return refs_.load(std::memory_order_relaxed); }

 private:
  friend class BlockPool;
  static constexpr int8_t kDirect = -1;
  static constexpr int8_t kExternal = -2;

  Block(BlockPool* pool, int8_t size_class, char* data, size_t capacity)
      : pool_(pool), size_class_(size_class), capacity_(capacity), data_(data) {}
  ~Block() = default;

  std::atomic<int32_t> refs_{1};
  BlockPool* pool_;
  int8_t size_class_;
  size_t capacity_;
  char* data_;
  ReleaseFn release_;  // only for external blocks
};

// Size-class pools of Blocks.
class BlockPool {
 public:
  static constexpr size_t kMinBlockSize = 4 * 1024;
  static constexpr size_t kMaxPooledSize = 8 * 1024 * 1024;
  static constexpr int kNumClasses = 12;  // 4 KiB << 0 .. 4 KiB << 11

  struct Options {
    // Idle bytes one size class may keep for reuse. Default: 16 MiB.
    size_t max_idle_bytes_per_class = 16 * 1024 * 1024;
    // Idle blocks every class may keep, whatever their size. Default: 2.
    size_t min_idle_blocks_per_class = 2;
    // Idle blocks each thread keeps per small class (<= 16 KiB), up to
    // kMaxThreadCacheBlocks. A pool with a thread cache must outlive every
    // thread that used it. Default: 0 (BlockPool::Default() uses 128).
    size_t thread_cache_blocks = 0;
    // With a thread cache: the most bytes it keeps per class (fewer blocks
    // of the larger classes), at least one block. 0: no byte limit.
    // Default: 0 (BlockPool::Default() uses 512 KiB: 128 blocks of 4 KiB,
    // 64 of 8 KiB, 32 of 16 KiB).
    size_t thread_cache_bytes_per_class = 0;
  };
  static constexpr size_t kMaxThreadCacheBlocks = 128;
  static constexpr int kCachedClasses = 3;  // 4, 8 and 16 KiB

  struct Stats {
    // Blocks handed out and not yet released (pooled and direct).
    int64_t live_blocks = 0;
    int64_t live_bytes = 0;
    // Blocks kept for reuse (in the shared lists and in thread caches).
    int64_t idle_blocks = 0;
    int64_t idle_bytes = 0;
  };

  BlockPool() : BlockPool(Options()) {}
  explicit BlockPool(Options options);
  // Frees every idle block. Blocks still in use must not outlive the pool.
  ~BlockPool();
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // The process-wide pool; never destroyed. Thread safe.
  static BlockPool& Default();

  // A block of at least `min_capacity` bytes, with one reference. Thread safe.
  Block* Allocate(size_t min_capacity);

  // Frees every idle block in the shared lists and in the calling thread's
  // cache (other threads' caches are theirs). Thread safe.
  void Trim();

  // A snapshot of the counters. Thread safe.
  Stats GetStats() const;

  // The capacity Allocate(n) would give: the size class, or n itself above
  // kMaxPooledSize.
  static size_t RoundUp(size_t n);

 private:
  friend class Block;
  struct SizeClass {
    Mutex mu;
    std::vector<Block*> idle ABSL_GUARDED_BY(mu);
    size_t max_idle = 0;
  };

  friend struct internal::BlockThreadCaches;
  struct CacheSlot;

  // The calling thread's cache for this pool, or null when the pool has
  // none or the thread is exiting.
  CacheSlot* LocalSlot();
  // Gives a thread's cached blocks back and forgets the slot.
  void ReleaseSlot(CacheSlot* slot);
  void RecycleShared(Block* block);
  void TrimShared();
  static int ClassOf(size_t n);
  Block* NewBlock(int size_class, size_t capacity);
  void Recycle(Block* block);
  static void Free(Block* block);

  Options options_;
  // Blocks a thread cache keeps per small class.
  std::array<size_t, kCachedClasses> thread_cache_limit_{};
  std::array<SizeClass, kNumClasses> classes_;
  std::atomic<int64_t> live_blocks_{0};
  std::atomic<int64_t> live_bytes_{0};
  std::atomic<int64_t> idle_blocks_{0};
  std::atomic<int64_t> idle_bytes_{0};
  mutable Mutex slots_mu_;
  std::vector<CacheSlot*> slots_ ABSL_GUARDED_BY(slots_mu_);
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_BLOCK_POOL_H_
