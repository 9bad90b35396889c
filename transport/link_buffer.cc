#include "vireo/transport/link_buffer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"

namespace vireo::transport {
namespace internal {

// One link of the chain: a window onto (part of) a block.
//
// `data`, `capacity`, `block` and `read_only` are set before the node is
// linked and never change while it is shared. `read_pos` belongs to the
// reader, `malloc_end` to the writer; `readable_end` is how the writer
// publishes bytes to the reader.
struct Node {
  Block* block = nullptr;
  char* data = nullptr;
  uint32_t capacity = 0;
  uint32_t read_pos = 0;
  uint32_t malloc_end = 0;
  bool read_only = true;
  std::atomic<uint32_t> readable_end{0};
  std::atomic<Node*> next{nullptr};
};

}  // namespace internal

namespace {

using internal::Node;

// Nodes are small and made and freed at the rate of blocks; a bounded
// per-thread free list keeps them off the allocator.
constexpr size_t kNodeCacheSize = 1024;
thread_local bool node_cache_gone = false;

struct NodeCache {
  std::vector<Node*> free;
  ~NodeCache() {
    node_cache_gone = true;
    for (Node* n : free) delete n;
  }
};

NodeCache& Cache() {
  thread_local NodeCache cache;
  return cache;
}

Node* NewNode() {
  if (!node_cache_gone) {
    NodeCache& cache = Cache();
    if (!cache.free.empty()) {
      Node* n = cache.free.back();
      cache.free.pop_back();
      return n;
    }
  }
  return new Node();
}

void FreeNode(Node* n) {
  if (n->block != nullptr) n->block->Unref();
  if (!node_cache_gone) {
    NodeCache& cache = Cache();
    if (cache.free.size() < kNodeCacheSize) {
      n->block = nullptr;
      n->data = nullptr;
      n->capacity = 0;
      n->read_pos = 0;
      n->malloc_end = 0;
      n->read_only = true;
      n->readable_end.store(0, std::memory_order_relaxed);
      n->next.store(nullptr, std::memory_order_relaxed);
      cache.free.push_back(n);
      return;
    }
  }
  delete n;
}

inline size_t Avail(const Node* n) {
  return n->readable_end.load(std::memory_order_acquire) - n->read_pos;
}

absl::Status NotEnough(size_t want, size_t have) {
  return absl::OutOfRangeError(
      absl::StrCat("LinkBuffer: want ", want, " bytes, ", have, " readable"));
}

}  // namespace

LinkBuffer::LinkBuffer() : LinkBuffer(&BlockPool::Default()) {}

LinkBuffer::LinkBuffer(BlockPool* pool) : pool_(pool) { Init(); }

LinkBuffer::~LinkBuffer() { Destroy(); }

LinkBuffer::LinkBuffer(LinkBuffer&& other) noexcept
    : pool_(other.pool_),
      flushed_(other.Len()),
      head_(other.head_),
      read_(other.read_),
      scratch_(std::move(other.scratch_)),
      flush_(other.flush_),
      tail_(other.tail_),
      unflushed_(other.unflushed_) {
  other.head_ = other.read_ = other.flush_ = other.tail_ = nullptr;
  other.Init();
}

LinkBuffer& LinkBuffer::operator=(LinkBuffer&& other) noexcept {
  if (this == &other) return *this;
  Destroy();
  pool_ = other.pool_;
  flushed_.store(other.Len(), std::memory_order_relaxed);
  consumed_.store(0, std::memory_order_relaxed);
  head_ = other.head_;
  read_ = other.read_;
  scratch_ = std::move(other.scratch_);
  flush_ = other.flush_;
  tail_ = other.tail_;
  unflushed_ = other.unflushed_;
  other.head_ = other.read_ = other.flush_ = other.tail_ = nullptr;
  other.Init();
  return *this;
}

void LinkBuffer::Init() {
  Node* sentinel = NewNode();
  head_ = read_ = flush_ = tail_ = sentinel;
  flushed_.store(0, std::memory_order_relaxed);
  consumed_.store(0, std::memory_order_relaxed);
  unflushed_ = 0;
  scratch_.clear();
}

void LinkBuffer::Destroy() {
  Node* n = head_;
  while (n != nullptr) {
    Node* next = n->next.load(std::memory_order_acquire);
    FreeNode(n);
    n = next;
  }
  head_ = read_ = flush_ = tail_ = nullptr;
  scratch_.clear();
}

// ---- Reader side ----

void LinkBuffer::SkipExhausted() {
  if (Len() == 0) return;
  // Published bytes exist; if the read node has none left they lie in later
  // nodes, which were linked before they were published.
  while (Avail(read_) == 0) read_ = read_->next.load(std::memory_order_acquire);
}

void LinkBuffer::CopyOut(size_t n, char* out) {
  const Node* node = read_;
  size_t pos = node->read_pos;
  while (n > 0) {
    const size_t avail = node->readable_end.load(std::memory_order_acquire) - pos;
    const size_t k = std::min(avail, n);
    std::memcpy(out, node->data + pos, k);
    out += k;
    n -= k;
    if (n > 0) {
      node = node->next.load(std::memory_order_acquire);
      pos = node->read_pos;
    }
  }
}

void LinkBuffer::Consume(size_t n) {
  consumed_.store(consumed_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  while (n > 0) {
    const size_t avail = Avail(read_);
    if (avail == 0) {
      read_ = read_->next.load(std::memory_order_acquire);
      continue;
    }
    const size_t k = std::min(avail, n);
    read_->read_pos += static_cast<uint32_t>(k);
    n -= k;
  }
}

char* LinkBuffer::Scratch(size_t n) {
  scratch_.emplace_back(new char[n]);
  return scratch_.back().get();
}

absl::StatusOr<std::string_view> LinkBuffer::Peek(size_t n) {
  const size_t len = Len();
  if (ABSL_PREDICT_FALSE(len < n)) return NotEnough(n, len);
  if (n == 0) return std::string_view();
  SkipExhausted();
  if (ABSL_PREDICT_TRUE(Avail(read_) >= n)) {
    return std::string_view(read_->data + read_->read_pos, n);
  }
  char* s = Scratch(n);
  CopyOut(n, s);
  return std::string_view(s, n);
}

absl::StatusOr<std::string_view> LinkBuffer::Next(size_t n) {
  absl::StatusOr<std::string_view> view = Peek(n);
  if (ABSL_PREDICT_TRUE(view.ok())) Consume(n);
  return view;
}

absl::Status LinkBuffer::Skip(size_t n) {
  const size_t len = Len();
  if (ABSL_PREDICT_FALSE(len < n)) return NotEnough(n, len);
  Consume(n);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LinkBuffer::ReadString(size_t n) {
  const size_t len = Len();
  if (ABSL_PREDICT_FALSE(len < n)) return NotEnough(n, len);
  std::string out(n, '\0');
  if (n > 0) {
    SkipExhausted();
    CopyOut(n, out.data());
    Consume(n);
  }
  return out;
}

absl::Status LinkBuffer::ReadBinary(size_t n, char* out) {
  const size_t len = Len();
  if (ABSL_PREDICT_FALSE(len < n)) return NotEnough(n, len);
  if (n > 0) {
    SkipExhausted();
    CopyOut(n, out);
    Consume(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<LinkBuffer> LinkBuffer::Slice(size_t n) {
  const size_t len = Len();
  if (ABSL_PREDICT_FALSE(len < n)) return NotEnough(n, len);
  LinkBuffer out = ShareFront(n);
  Consume(n);
  return out;
}

LinkBuffer LinkBuffer::Share() { return ShareFront(Len()); }

LinkBuffer LinkBuffer::ShareFront(size_t n) {
  LinkBuffer out(pool_);
  if (n == 0) return out;
  SkipExhausted();
  const Node* node = read_;
  size_t pos = node->read_pos;
  size_t left = n;
  while (left > 0) {
    const size_t avail = node->readable_end.load(std::memory_order_acquire) - pos;
    const size_t k = std::min(avail, left);
    if (k > 0) {
      Node* s = NewNode();
      s->block = node->block;
      s->block->Ref();
      s->data = node->data + pos;
      s->capacity = static_cast<uint32_t>(k);
      s->malloc_end = static_cast<uint32_t>(k);
      s->readable_end.store(static_cast<uint32_t>(k), std::memory_order_relaxed);
      s->read_only = true;
      out.Link(s);
      left -= k;
    }
    if (left > 0) {
      node = node->next.load(std::memory_order_acquire);
      pos = node->read_pos;
    }
  }
  out.flush_ = out.tail_;
  out.flushed_.store(n, std::memory_order_relaxed);
  return out;
}

std::string_view LinkBuffer::Front() {
  const size_t len = Len();
  if (len == 0) return {};
  SkipExhausted();
  return std::string_view(read_->data + read_->read_pos, std::min(Avail(read_), len));
}

size_t LinkBuffer::PeekIovecs(struct iovec* iov, size_t max_iov, size_t max_bytes,
                              size_t offset) const {
  const size_t len = Len();
  if (offset >= len || max_iov == 0) return 0;
  size_t left = std::min(len - offset, max_bytes);
  if (left == 0) return 0;
  // Walks from the read node without moving it (this is const): exhausted
  // nodes simply contribute nothing. Every node reached holds published
  // bytes, since `offset + left` of them lie ahead.
  const Node* node = read_;
  size_t pos = node->read_pos;
  while (true) {
    const size_t avail = node->readable_end.load(std::memory_order_acquire) - pos;
    if (offset < avail) {
      pos += offset;
      break;
    }
    offset -= avail;
    node = node->next.load(std::memory_order_acquire);
    pos = node->read_pos;
  }
  size_t count = 0;
  while (left > 0 && count < max_iov) {
    const size_t avail = node->readable_end.load(std::memory_order_acquire) - pos;
    const size_t k = std::min(avail, left);
    if (k > 0) {
      iov[count].iov_base = node->data + pos;
      iov[count].iov_len = k;
      ++count;
      left -= k;
    }
    if (left > 0) {
      node = node->next.load(std::memory_order_acquire);
      pos = node->read_pos;
    }
  }
  return count;
}

std::string LinkBuffer::ReadableCopy() const {
  const size_t len = Len();
  std::string out;
  out.reserve(len);
  constexpr size_t kIov = 16;
  struct iovec iov[kIov];
  while (out.size() < len) {
    const size_t count = PeekIovecs(iov, kIov, len - out.size(), out.size());
    for (size_t i = 0; i < count; ++i) {
      out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
    }
  }
  return out;
}

void LinkBuffer::Release() {
  SkipExhausted();
  while (head_ != read_) {
    Node* n = head_;
    head_ = n->next.load(std::memory_order_acquire);
    FreeNode(n);
  }
  scratch_.clear();
}

// ---- Writer side ----

void LinkBuffer::Link(Node* node) {
  tail_->next.store(node, std::memory_order_release);
  tail_ = node;
}

char* LinkBuffer::Malloc(size_t n) {
  Node* t = tail_;
  if (!t->read_only && t->capacity - t->malloc_end >= n) {
    char* p = t->data + t->malloc_end;
    t->malloc_end += static_cast<uint32_t>(n);
    unflushed_ += n;
    return p;
  }
  if (ABSL_PREDICT_FALSE(n >= std::numeric_limits<uint32_t>::max())) {
    // A single contiguous region this large is a caller bug, not input.
    std::abort();
  }
  Block* block = pool_->Allocate(std::max(n, kDefaultBlockSize));
  Node* node = NewNode();
  node->block = block;
  node->data = block->data();
  node->capacity = static_cast<uint32_t>(
      std::min<size_t>(block->capacity(), std::numeric_limits<uint32_t>::max()));
  node->malloc_end = static_cast<uint32_t>(n);
  node->read_only = false;
  Link(node);
  unflushed_ += n;
  return node->data;
}

void LinkBuffer::MallocAck(size_t n) {
  if (n >= unflushed_) return;
  size_t keep = n;
  Node* node = flush_;
  while (true) {
    const uint32_t start = node->readable_end.load(std::memory_order_relaxed);
    const size_t pending = node->malloc_end - start;
    if (keep <= pending) {
      node->malloc_end = start + static_cast<uint32_t>(keep);
      break;
    }
    keep -= pending;
    node = node->next.load(std::memory_order_relaxed);
  }
  // Nodes past the flush point are unseen by the reader: free them.
  Node* rest = node->next.load(std::memory_order_relaxed);
  node->next.store(nullptr, std::memory_order_relaxed);
  while (rest != nullptr) {
    Node* next = rest->next.load(std::memory_order_relaxed);
    FreeNode(rest);
    rest = next;
  }
  tail_ = node;
  unflushed_ = n;
}

void LinkBuffer::Write(std::string_view data) {
  Node* t = tail_;
  if (!t->read_only) {
    const size_t room = std::min<size_t>(t->capacity - t->malloc_end, data.size());
    if (room > 0) {
      std::memcpy(t->data + t->malloc_end, data.data(), room);
      t->malloc_end += static_cast<uint32_t>(room);
      unflushed_ += room;
      data.remove_prefix(room);
    }
  }
  if (!data.empty()) std::memcpy(Malloc(data.size()), data.data(), data.size());
}

void LinkBuffer::WriteBinary(std::string_view data, Block::ReleaseFn release) {
  if (data.size() < kLinkThreshold || data.size() >= std::numeric_limits<uint32_t>::max()) {
    Write(data);
    if (release) std::move(release)();
    return;
  }
  Node* node = NewNode();
  node->block = Block::Wrap(data.data(), data.size(), std::move(release));
  node->data = node->block->data();
  node->capacity = static_cast<uint32_t>(data.size());
  node->malloc_end = node->capacity;
  node->read_only = true;
  Link(node);
  unflushed_ += data.size();
}

void LinkBuffer::Append(LinkBuffer&& other) {
  if (&other == this) return;
  other.Flush();
  const size_t n = other.Len();
  if (n == 0) {
    other.Destroy();
    other.Init();
    return;
  }
  other.Release();  // drops consumed nodes: other.head_ == other.read_
  Node* first = other.read_;
  for (Node* node = first; node != nullptr; node = node->next.load(std::memory_order_relaxed)) {
    const uint32_t off = node->read_pos;
    const uint32_t end = node->readable_end.load(std::memory_order_relaxed);
    node->data += off;
    node->capacity -= off;
    node->malloc_end = end - off;
    node->read_pos = 0;
    node->readable_end.store(0, std::memory_order_relaxed);
  }
  Link(first);
  tail_ = other.tail_;
  unflushed_ += n;
  other.head_ = other.read_ = other.flush_ = other.tail_ = nullptr;
  other.Init();
}

void LinkBuffer::Flush() {
  if (unflushed_ == 0) return;
  for (Node* n = flush_;; n = n->next.load(std::memory_order_relaxed)) {
    n->readable_end.store(n->malloc_end, std::memory_order_release);
    if (n == tail_) break;
  }
  flush_ = tail_;
  flushed_.store(flushed_.load(std::memory_order_relaxed) + unflushed_,
                 std::memory_order_release);
  unflushed_ = 0;
}

// ---- Exclusive ----

bool LinkBuffer::TrimIfEmpty() {
  if (Len() != 0 || unflushed_ != 0) return false;
  if (head_ == tail_ && head_->block == nullptr) return true;
  Destroy();
  Init();
  return true;
}

size_t LinkBuffer::BlockCount() const {
  size_t count = 0;
  for (const Node* n = head_; n != nullptr; n = n->next.load(std::memory_order_acquire)) {
    if (n->block != nullptr) ++count;
  }
  return count;
}

}  // namespace vireo::transport
