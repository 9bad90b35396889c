// Helpers shared by the fuzz targets: turning a fuzz input into LinkBuffers
// the way bytes arrive from a socket (in one piece, or in chunks that each
// end a block), reading a buffer back, and failing a run loudly.
//
// Chunk sizes are drawn from a generator seeded with a hash of the input, so
// the same input always splits the same way (a crash reproduces) while
// libFuzzer's mutations also vary the splits.
//
// Every chunk sits at the start of a block of its own, and AddressSanitizer
// is told that the rest of that block is off limits: a decoder that reads
// one byte past what was published fails the run even though the block's
// memory is really there.
//
// Example:
//   std::string_view data(reinterpret_cast<const char*>(bytes), size);
//   transport::LinkBuffer whole = fuzz::Chained({data});
//   transport::LinkBuffer split = fuzz::Chained(fuzz::RandomChunks(data, 64));
//   VIREO_FUZZ_CHECK(whole.Len() == split.Len(), "lengths differ");
//
// Thread rules: one thread (libFuzzer runs the target on one).
#ifndef VIREO_FUZZ_FUZZ_UTIL_H_
#define VIREO_FUZZ_FUZZ_UTIL_H_

#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "vireo/transport/block_pool.h"
#include "vireo/transport/link_buffer.h"

// Aborts the run (libFuzzer then saves the input) when `cond` is false.
#define VIREO_FUZZ_CHECK(cond, what)                                                     \
  do {                                                                                   \
    if (!(cond)) ::vireo::fuzz::Fail(__FILE__, __LINE__, #cond, std::string_view(what)); \
  } while (0)

namespace vireo::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* cond, std::string_view what) {
  std::fprintf(stderr, "%s:%d: check failed: %s: %.*s\n", file, line, cond,
               static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

// FNV-1a, 64 bits.
inline uint64_t Hash(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// SplitMix64: small, fast, and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  size_t Between(size_t lo, size_t hi) { return lo + static_cast<size_t>(Next() % (hi - lo + 1)); }

 private:
  uint64_t state_;
};

// `data` cut into pieces of 1..max_chunk bytes (sizes drawn from a hash of
// `data`; small sizes are favoured, so that every field straddles an edge
// now and then). An empty `data` gives no pieces.
inline std::vector<std::string_view> RandomChunks(std::string_view data, size_t max_chunk) {
  std::vector<std::string_view> chunks;
  Random random(Hash(data));
  size_t pos = 0;
  while (pos < data.size()) {
    // Half the pieces 1..8 bytes, the rest up to max_chunk.
    const size_t limit = random.Next() % 2 == 0 ? std::min<size_t>(8, max_chunk) : max_chunk;
    const size_t n = std::min(random.Between(1, limit), data.size() - pos);
    chunks.push_back(data.substr(pos, n));
    pos += n;
  }
  return chunks;
}

// The pool the input blocks come from: kept apart from the default pool, so
// that the poisoned tails of its blocks never reach code that writes into a
// block it takes.
inline transport::BlockPool& InputPool() {
  static transport::BlockPool* pool = new transport::BlockPool();
  return *pool;
}

// Appends `chunk` to `out` in a block of its own (from InputPool()), with
// the rest of the block poisoned, unflushed.
inline void AppendChunk(std::string_view chunk, transport::LinkBuffer& out) {
  if (chunk.empty()) return;
  transport::LinkBuffer piece(&InputPool());
  // A fresh buffer's first Malloc takes a new block and returns its start;
  // the block holds at least this many bytes.
  const size_t capacity = transport::BlockPool::RoundUp(
      std::max(chunk.size(), transport::LinkBuffer::kDefaultBlockSize));
  char* p = piece.Malloc(chunk.size());
  ASAN_UNPOISON_MEMORY_REGION(p, capacity);
  std::memcpy(p, chunk.data(), chunk.size());
  ASAN_POISON_MEMORY_REGION(p + chunk.size(), capacity - chunk.size());
  piece.Flush();
  out.Append(std::move(piece));
}

// A flushed buffer holding the chunks in order, each at the start of its own
// block.
inline transport::LinkBuffer Chained(const std::vector<std::string_view>& chunks) {
  transport::LinkBuffer out(&InputPool());
  for (std::string_view c : chunks) AppendChunk(c, out);
  out.Flush();
  return out;
}

// A flushed buffer from the default pool holding a copy of `data`.
inline transport::LinkBuffer Plain(std::string_view data) {
  transport::LinkBuffer b;
  b.Write(data);
  b.Flush();
  return b;
}

}  // namespace vireo::fuzz

#endif  // VIREO_FUZZ_FUZZ_UTIL_H_
