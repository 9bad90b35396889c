#include "vireo/transport/block_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <new>

namespace vireo::transport {
namespace {

// Block headers and their bytes share one allocation; the bytes start at
// this alignment after the header.
constexpr size_t kDataAlign = 64;
constexpr size_t kHeaderSize = (sizeof(Block) + kDataAlign - 1) / kDataAlign * kDataAlign;
// Blocks at least this large are mapped and unmapped directly. From malloc,
// once glibc's adaptive mmap threshold has risen past their size, they come
// from its heap and their memory stays with the process after they are
// freed: a burst of large messages would leave it that much larger for
// good. The pool's idle lists still bound what is kept for reuse.
constexpr size_t kMapThreshold = 128 * 1024;

}  // namespace

// One thread's idle blocks of one pool. The owner thread alone changes the
// blocks and counters (plain load+store, no read-modify-write); GetStats
// reads the counters under the pool's slots_mu_.
struct BlockPool::CacheSlot {
  BlockPool* pool;
  std::array<std::array<Block*, kMaxThreadCacheBlocks>, kCachedClasses> blocks;
  std::array<size_t, kCachedClasses> count{};
  std::atomic<int64_t> live_blocks{0};
  std::atomic<int64_t> live_bytes{0};
  std::atomic<int64_t> idle_blocks{0};
  std::atomic<int64_t> idle_bytes{0};

  static void Add(std::atomic<int64_t>& counter, int64_t delta) {
    counter.store(counter.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }
  // A block moves between a user and this cache.
  void Moved(int64_t blocks_to_user, int64_t bytes_to_user) {
    Add(live_blocks, blocks_to_user);
    Add(live_bytes, bytes_to_user);
    Add(idle_blocks, -blocks_to_user);
    Add(idle_bytes, -bytes_to_user);
  }
};

namespace internal {

// Every pool cache of the current thread; returns them when the thread exits.
thread_local bool block_caches_gone = false;

struct BlockThreadCaches {
  std::vector<std::unique_ptr<BlockPool::CacheSlot>> slots;
  ~BlockThreadCaches() {
    block_caches_gone = true;
    for (auto& slot : slots) {
      if (slot->pool != nullptr) slot->pool->ReleaseSlot(slot.get());
    }
  }
};

thread_local BlockThreadCaches block_caches;

}  // namespace internal

BlockPool::CacheSlot* BlockPool::LocalSlot() {
  if (options_.thread_cache_blocks == 0 || internal::block_caches_gone) return nullptr;
  auto& slots = internal::block_caches.slots;
  for (auto& slot : slots) {
    if (slot->pool == this) return slot.get();
  }
  auto slot = std::make_unique<CacheSlot>();
  slot->pool = this;
  {
    MutexLock lock(slots_mu_);
    slots_.push_back(slot.get());
  }
  slots.push_back(std::move(slot));
  return slots.back().get();
}

void BlockPool::ReleaseSlot(CacheSlot* slot) {
  std::vector<Block*> blocks;
  {
    MutexLock lock(slots_mu_);
    // The slot's counters fold into the pool's; its blocks are idle in the
    // pool until RecycleShared files or frees them.
    live_blocks_.fetch_add(slot->live_blocks.load(std::memory_order_relaxed));
    live_bytes_.fetch_add(slot->live_bytes.load(std::memory_order_relaxed));
    idle_blocks_.fetch_add(slot->idle_blocks.load(std::memory_order_relaxed));
    idle_bytes_.fetch_add(slot->idle_bytes.load(std::memory_order_relaxed));
    for (int c = 0; c < kCachedClasses; ++c) {
      for (size_t i = 0; i < slot->count[c]; ++i) blocks.push_back(slot->blocks[c][i]);
      slot->count[c] = 0;
    }
    std::erase(slots_, slot);
    slot->pool = nullptr;
  }
  for (Block* block : blocks) {
    idle_blocks_.fetch_sub(1, std::memory_order_relaxed);
    idle_bytes_.fetch_sub(static_cast<int64_t>(block->capacity_), std::memory_order_relaxed);
    RecycleShared(block);
  }
}

void Block::Unref() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (size_class_ == kExternal) {
    ReleaseFn release = std::move(release_);
    delete this;
    if (release) std::move(release)();
    return;
  }
  pool_->Recycle(this);
}

Block* Block::Wrap(const char* data, size_t size, ReleaseFn release) {
  Block* block = new Block(nullptr, kExternal, const_cast<char*>(data), size);
  block->release_ = std::move(release);
  return block;
}

BlockPool::BlockPool(Options options) : options_(options) {
  options_.thread_cache_blocks = std::min(options_.thread_cache_blocks, kMaxThreadCacheBlocks);
  for (int c = 0; c < kCachedClasses; ++c) {
    size_t limit = options_.thread_cache_blocks;
    if (options_.thread_cache_bytes_per_class > 0 && limit > 0) {
      limit = std::clamp<size_t>(options_.thread_cache_bytes_per_class / (kMinBlockSize << c), 1,
                                 limit);
    }
    thread_cache_limit_[c] = limit;
  }
  for (int i = 0; i < kNumClasses; ++i) {
    const size_t size = kMinBlockSize << i;
    classes_[i].max_idle =
        std::max(options_.min_idle_blocks_per_class, options_.max_idle_bytes_per_class / size);
  }
}

BlockPool::~BlockPool() {
  // Threads must be done with this pool; forget their slots so that their
  // exit does not reach a dead pool.
  std::vector<CacheSlot*> slots;
  {
    MutexLock lock(slots_mu_);
    slots.swap(slots_);
  }
  for (CacheSlot* slot : slots) {
    for (int c = 0; c < kCachedClasses; ++c) {
      for (size_t i = 0; i < slot->count[c]; ++i) Free(slot->blocks[c][i]);
      slot->count[c] = 0;
    }
    slot->pool = nullptr;
  }
  TrimShared();
}

BlockPool& BlockPool::Default() {
  static BlockPool* pool = [] {
    Options options;
    // Room for a loop's replies at concurrency 100 (a reply of a few KiB
    // takes a 4 KiB block; they are sent and freed together, then the next
    // batch takes them again without the class's lock).
    options.thread_cache_blocks = 128;
    options.thread_cache_bytes_per_class = 512 * 1024;
    return new BlockPool(options);
  }();
  return *pool;
}

int BlockPool::ClassOf(size_t n) {
  if (n <= kMinBlockSize) return 0;
  if (n > kMaxPooledSize) return -1;
  return std::bit_width(n - 1) - std::bit_width(kMinBlockSize - 1);
}

size_t BlockPool::RoundUp(size_t n) {
  const int c = ClassOf(n);
  return c < 0 ? n : kMinBlockSize << c;
}

Block* BlockPool::NewBlock(int size_class, size_t capacity) {
  const size_t bytes = kHeaderSize + capacity;
  void* mem;
  if (bytes >= kMapThreshold) {
    mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) throw std::bad_alloc();
  } else {
    mem = ::operator new(bytes, std::align_val_t(kDataAlign));
  }
  char* data = static_cast<char*>(mem) + kHeaderSize;
  return new (mem) Block(this, static_cast<int8_t>(size_class < 0 ? Block::kDirect : size_class),
                         data, capacity);
}

void BlockPool::Free(Block* block) {
  const size_t bytes = kHeaderSize + block->capacity_;
  block->~Block();
  if (bytes >= kMapThreshold) {
    ::munmap(static_cast<void*>(block), bytes);
  } else {
    ::operator delete(static_cast<void*>(block), std::align_val_t(kDataAlign));
  }
}

Block* BlockPool::Allocate(size_t min_capacity) {
  const int c = ClassOf(min_capacity);
  if (c >= 0 && c < kCachedClasses) {
    if (CacheSlot* slot = LocalSlot(); slot != nullptr && slot->count[c] > 0) {
      Block* block = slot->blocks[c][--slot->count[c]];
      block->refs_.store(1, std::memory_order_relaxed);
      slot->Moved(1, static_cast<int64_t>(block->capacity_));
      return block;
    }
  }
  Block* block = nullptr;
  size_t capacity = min_capacity;
  if (c >= 0) {
    capacity = kMinBlockSize << c;
    SizeClass& sc = classes_[c];
    MutexLock lock(sc.mu);
    if (!sc.idle.empty()) {
      block = sc.idle.back();
      sc.idle.pop_back();
    }
  }
  if (block != nullptr) {
    idle_blocks_.fetch_sub(1, std::memory_order_relaxed);
    idle_bytes_.fetch_sub(static_cast<int64_t>(capacity), std::memory_order_relaxed);
    block->refs_.store(1, std::memory_order_relaxed);
  } else {
    block = NewBlock(c, capacity);
  }
  live_blocks_.fetch_add(1, std::memory_order_relaxed);
  live_bytes_.fetch_add(static_cast<int64_t>(capacity), std::memory_order_relaxed);
  return block;
}

void BlockPool::Recycle(Block* block) {
  const auto capacity = static_cast<int64_t>(block->capacity_);
  const int c = block->size_class_;
  if (c >= 0 && c < kCachedClasses) {
    if (CacheSlot* slot = LocalSlot();
        slot != nullptr && slot->count[c] < thread_cache_limit_[c]) {
      slot->blocks[c][slot->count[c]++] = block;
      slot->Moved(-1, -capacity);
      return;
    }
  }
  live_blocks_.fetch_sub(1, std::memory_order_relaxed);
  live_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
  RecycleShared(block);
}

void BlockPool::RecycleShared(Block* block) {
  const auto capacity = static_cast<int64_t>(block->capacity_);
  if (block->size_class_ >= 0) {
    SizeClass& sc = classes_[block->size_class_];
    MutexLock lock(sc.mu);
    if (sc.idle.size() < sc.max_idle) {
      sc.idle.push_back(block);
      idle_blocks_.fetch_add(1, std::memory_order_relaxed);
      idle_bytes_.fetch_add(capacity, std::memory_order_relaxed);
      return;
    }
  }
  Free(block);
}

void BlockPool::Trim() {
  if (CacheSlot* slot = LocalSlot(); slot != nullptr) {
    for (int c = 0; c < kCachedClasses; ++c) {
      while (slot->count[c] > 0) {
        Block* block = slot->blocks[c][--slot->count[c]];
        CacheSlot::Add(slot->idle_blocks, -1);
        CacheSlot::Add(slot->idle_bytes, -static_cast<int64_t>(block->capacity_));
        Free(block);
      }
    }
  }
  TrimShared();
}

void BlockPool::TrimShared() {
  for (SizeClass& sc : classes_) {
    std::vector<Block*> idle;
    {
      MutexLock lock(sc.mu);
      idle.swap(sc.idle);
    }
    for (Block* block : idle) {
      idle_blocks_.fetch_sub(1, std::memory_order_relaxed);
      idle_bytes_.fetch_sub(static_cast<int64_t>(block->capacity_), std::memory_order_relaxed);
      Free(block);
    }
  }
}

BlockPool::Stats BlockPool::GetStats() const {
  Stats s;
  MutexLock lock(slots_mu_);
  s.live_blocks = live_blocks_.load(std::memory_order_relaxed);
  s.live_bytes = live_bytes_.load(std::memory_order_relaxed);
  s.idle_blocks = idle_blocks_.load(std::memory_order_relaxed);
  s.idle_bytes = idle_bytes_.load(std::memory_order_relaxed);
  for (const CacheSlot* slot : slots_) {
    s.live_blocks += slot->live_blocks.load(std::memory_order_relaxed);
    s.live_bytes += slot->live_bytes.load(std::memory_order_relaxed);
    s.idle_blocks += slot->idle_blocks.load(std::memory_order_relaxed);
    s.idle_bytes += slot->idle_bytes.load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace vireo::transport
