// LinkBuffer: a byte queue made of a chain of pooled, reference-counted
// blocks, in the manner of netpoll's LinkBuffer.
//
// - Growing links a new block; bytes already written never move.
// - Reading releases finished blocks back to their pool.
// - Slice(n) hands out the next n bytes as a new LinkBuffer that shares the
//   blocks (no copy) and stays valid after this buffer releases them.
// - WriteBinary links caller-owned memory in as a block (no copy) and
//   Append links another buffer's blocks (no copy).
//
// Example:
//   LinkBuffer buf;
//   char* p = buf.Malloc(5);           // writer: space in place
//   std::memcpy(p, "hello", 5);
//   buf.Flush();                       // publish to the reader
//   auto view = buf.Next(5);           // reader: "hello"
//   buf.Release();                     // give finished blocks back
//
// Thread rules. Every method belongs to one of two sides:
// - reader side: Len, Peek, Next, Skip, ReadString, ReadBinary, Slice,
//   Front, PeekIovecs, ReadableCopy, Release;
// - writer side: Malloc, MallocLen, MallocAck, Write, WriteBinary, Append,
//   Flush (and Len).
// One thread may run reader-side methods while another runs writer-side
// methods, with no lock: the writer publishes bytes with Flush() through
// atomics and the reader sees only published bytes. Two threads on the same
// side need a lock of their own. Moving, destroying and TrimIfEmpty() need
// the buffer exclusively.
//
// Views returned by Peek, Next and Front point into the blocks (or into
// scratch memory when the bytes straddle blocks) and stay valid until the
// next Release() or the buffer's destruction.
#ifndef VIREO_TRANSPORT_LINK_BUFFER_H_
#define VIREO_TRANSPORT_LINK_BUFFER_H_

#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/transport/block_pool.h"

namespace vireo::transport {

namespace internal {
struct Node;
}  // namespace internal

class LinkBuffer {
 public:
  // Block size used when a Malloc needs a new block and asks for less.
  static constexpr size_t kDefaultBlockSize = 8 * 1024;
  // WriteBinary links memory of at least this many bytes; it copies less.
  static constexpr size_t kLinkThreshold = 4 * 1024;

  // An empty buffer drawing blocks from BlockPool::Default().
  LinkBuffer();
  // An empty buffer drawing blocks from `pool`, which must outlive it.
  explicit LinkBuffer(BlockPool* pool);
  ~LinkBuffer();

  // A moved-from buffer is empty and usable.
  LinkBuffer(LinkBuffer&& other) noexcept;
  LinkBuffer& operator=(LinkBuffer&& other) noexcept;
  LinkBuffer(const LinkBuffer&) = delete;
  LinkBuffer& operator=(const LinkBuffer&) = delete;

  // ---- Reader side ----

  // Bytes published by Flush() and not yet consumed. Either side.
  size_t Len() const {
    // Consumed first: it never passes flushed, so the difference stays
    // non-negative whichever thread asks.
    const uint64_t consumed = consumed_.load(std::memory_order_acquire);
    return static_cast<size_t>(flushed_.load(std::memory_order_acquire) - consumed);
  }

  // The next n bytes as one contiguous view, without consuming them. Copies
  // into scratch memory only when the bytes straddle blocks.
  // OutOfRange when fewer than n bytes are readable.
  absl::StatusOr<std::string_view> Peek(size_t n);

  // Like Peek, and consumes the n bytes.
  absl::StatusOr<std::string_view> Next(size_t n);

  // Consumes n bytes. OutOfRange when fewer than n are readable (and then
  // consumes nothing).
  absl::Status Skip(size_t n);

  // Copies the next n bytes out and consumes them.
  absl::StatusOr<std::string> ReadString(size_t n);
  // Copies the next n bytes into `out` (room for n) and consumes them.
  absl::Status ReadBinary(size_t n, char* out);

  // Consumes the next n bytes and returns them as a new buffer sharing this
  // buffer's blocks (no copy). The slice is read-only, owned by the caller,
  // and outlives this buffer's Release() and destruction.
  absl::StatusOr<LinkBuffer> Slice(size_t n);
  // Every readable byte as a new read-only buffer sharing this buffer's
  // blocks (no copy), without consuming them: this buffer reads on as if
  // nothing happened. A retried RPC sends its one encoding several times so.
  LinkBuffer Share();

  // The readable bytes at the read position that are contiguous in one
  // block, without consuming them: empty when Len() == 0, else at least one
  // byte and at most Len(). A decoder's fast path.
  std::string_view Front();

  // Fills up to `max_iov` iovecs with the readable bytes that start `offset`
  // bytes past the read position (at most `max_bytes` of them), without
  // consuming. Returns the number of iovecs: 0 when offset >= Len(). Costs
  // one step per block before the offset, none per byte.
  size_t PeekIovecs(struct iovec* iov, size_t max_iov, size_t max_bytes, size_t offset = 0) const;

  // Every readable byte, copied into one string without consuming any. For
  // tests, checks and diagnostics: it copies, so the data path does not use
  // it.
  std::string ReadableCopy() const;

  // Returns finished blocks to their pools and frees scratch memory.
  // Invalidates views returned by Peek, Next and Front.
  void Release();

  // ---- Writer side ----

  // n writable bytes, contiguous, at the end of the buffer. They become
  // readable at the next Flush(). n must be below 4 GiB.
  char* Malloc(size_t n);

  // Bytes written (Malloc, Write, WriteBinary, Append) since the last Flush().
  size_t MallocLen() const { return unflushed_; }

  // Keeps the first n of the bytes written since the last Flush() and drops
  // the rest (e.g. after reading fewer bytes from a socket than allocated).
  // n larger than MallocLen() is clamped.
  void MallocAck(size_t n);

  // Copies `data` to the end.
  void Write(std::string_view data);

  // Appends `data` without a copy when it is at least kLinkThreshold bytes:
  // the buffer keeps `data` until every slice of it is gone, then runs
  // `release` exactly once (possibly on another thread). Shorter data is
  // copied and `release` runs before this returns.
  void WriteBinary(std::string_view data, Block::ReleaseFn release);

  // Moves every byte of `other` (flushed or not) to the end of this buffer
  // without a copy. `other` must not be in use by another thread; it is
  // left empty.
  void Append(LinkBuffer&& other);

  // Publishes everything written since the last Flush() to the reader.
  void Flush();

  // ---- Exclusive ----

  // When nothing is readable or pending, returns every block (including the
  // one kept for writing) so that an idle buffer holds no memory. Needs the
  // buffer exclusively (the owner is both its reader and its writer).
  // Returns true when it emptied the buffer.
  bool TrimIfEmpty();

  // Blocks referenced by this buffer (for tests and memory accounting).
  size_t BlockCount() const;

 private:
  using Node = internal::Node;

  void Init();
  void Destroy();
  // Reader: moves read_ past exhausted nodes while published bytes lie
  // beyond them.
  void SkipExhausted();
  // Reader: copies n bytes starting at the read position into `out` without
  // consuming.
  // The first n readable bytes (n <= Len()) as a read-only buffer sharing
  // the blocks; nothing consumed.
  LinkBuffer ShareFront(size_t n);
  void CopyOut(size_t n, char* out);
  void Consume(size_t n);
  char* Scratch(size_t n);
  void Link(Node* node);

  BlockPool* pool_;
  // Bytes ever published (written by the writer side only) and ever
  // consumed (by the reader side only): each side stores its own counter
  // and reads the other's, with no read-modify-write instruction.
  std::atomic<uint64_t> flushed_{0};
  std::atomic<uint64_t> consumed_{0};

  // Reader side.
  Node* head_ = nullptr;  // oldest node still referenced
  Node* read_ = nullptr;  // node holding the read position
  std::vector<std::unique_ptr<char[]>> scratch_;

  // Writer side.
  Node* flush_ = nullptr;  // last node with published bytes
  Node* tail_ = nullptr;   // node the next Malloc writes into
  size_t unflushed_ = 0;
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_LINK_BUFFER_H_
