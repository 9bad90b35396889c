#include "transport/block_pool.h"

#include <algorithm>
#include <bit>
#include <new>

namespace vireo::transport {
namespace {

// Block headers and their bytes share one allocation; the bytes start at
// this alignment after the header.
constexpr size_t kDataAlign = 64;
constexpr size_t kHeaderSize = (sizeof(Block) + kDataAlign - 1) / kDataAlign * kDataAlign;

}  // namespace

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
  for (int i = 0; i < kNumClasses; ++i) {
    const size_t size = kMinBlockSize << i;
    classes_[i].max_idle =
        std::max(options_.min_idle_blocks_per_class, options_.max_idle_bytes_per_class / size);
  }
}

BlockPool::~BlockPool() { Trim(); }

BlockPool& BlockPool::Default() {
  static BlockPool* pool = new BlockPool();
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
  void* mem = ::operator new(kHeaderSize + capacity, std::align_val_t(kDataAlign));
  char* data = static_cast<char*>(mem) + kHeaderSize;
  return new (mem) Block(this, static_cast<int8_t>(size_class < 0 ? Block::kDirect : size_class),
                         data, capacity);
}

void BlockPool::Free(Block* block) {
  block->~Block();
  ::operator delete(static_cast<void*>(block), std::align_val_t(kDataAlign));
}

Block* BlockPool::Allocate(size_t min_capacity) {
  const int c = ClassOf(min_capacity);
  Block* block = nullptr;
  size_t capacity = min_capacity;
  if (c >= 0) {
    capacity = kMinBlockSize << c;
    SizeClass& sc = classes_[c];
    std::lock_guard<std::mutex> lock(sc.mu);
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
  live_blocks_.fetch_sub(1, std::memory_order_relaxed);
  live_bytes_.fetch_sub(capacity, std::memory_order_relaxed);
  if (block->size_class_ >= 0) {
    SizeClass& sc = classes_[block->size_class_];
    std::lock_guard<std::mutex> lock(sc.mu);
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
  for (SizeClass& sc : classes_) {
    std::vector<Block*> idle;
    {
      std::lock_guard<std::mutex> lock(sc.mu);
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
  s.live_blocks = live_blocks_.load(std::memory_order_relaxed);
  s.live_bytes = live_bytes_.load(std::memory_order_relaxed);
  s.idle_blocks = idle_blocks_.load(std::memory_order_relaxed);
  s.idle_bytes = idle_bytes_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace vireo::transport
