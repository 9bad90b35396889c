#include "vireo/transport/link_buffer.h"

#include <malloc.h>

#include <atomic>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

#if defined(VIREO_SANITIZED)
// The sanitizer runtimes' allocator statistics (GCC installs no header for
// them).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace vireo::transport {
namespace {

std::string Pattern(size_t n, uint32_t seed = 1) {
  std::string s(n, '\0');
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

// A buffer holding `data` whose block edges fall at the cumulative sums of
// `pieces`: each piece is written into its own buffer and linked in.
LinkBuffer Chained(const std::string& data, const std::vector<size_t>& pieces) {
  LinkBuffer out;
  size_t off = 0;
  for (size_t n : pieces) {
    LinkBuffer piece;
    std::memcpy(piece.Malloc(n), data.data() + off, n);
    piece.Flush();
    out.Append(std::move(piece));
    off += n;
  }
  out.Flush();
  return out;
}

TEST(LinkBuffer, MallocFlushNext) {
  LinkBuffer buf;
  EXPECT_EQ(buf.Len(), 0u);
  std::memcpy(buf.Malloc(5), "hello", 5);
  EXPECT_EQ(buf.Len(), 0u) << "bytes are unseen until Flush";
  EXPECT_EQ(buf.MallocLen(), 5u);
  buf.Flush();
  EXPECT_EQ(buf.Len(), 5u);
  auto v = buf.Next(5);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "hello");
  EXPECT_EQ(buf.Len(), 0u);
  buf.Release();
}

TEST(LinkBuffer, ShortReadsFailWithoutConsuming) {
  LinkBuffer buf;
  buf.Write("abc");
  buf.Flush();
  EXPECT_EQ(buf.Next(4).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(buf.Peek(4).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(buf.Skip(4).code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(buf.ReadString(4).ok());
  EXPECT_FALSE(buf.Slice(4).ok());
  char out[4];
  EXPECT_FALSE(buf.ReadBinary(4, out).ok());
  EXPECT_EQ(buf.Len(), 3u);
  EXPECT_EQ(*buf.Next(3), "abc");
}

// Every reader operation, at every start offset and length, on a buffer
// whose block edges fall at awkward places.
TEST(LinkBuffer, EveryReadStraddlesBlockEdges) {
  const std::vector<size_t> pieces = {1, 7, 2, 13, 1, 20};
  const std::string data = Pattern(44);
  for (size_t start = 0; start < data.size(); ++start) {
    for (size_t n = 0; start + n <= data.size(); ++n) {
      const std::string want = data.substr(start, n);
      {
        LinkBuffer b = Chained(data, pieces);
        ASSERT_TRUE(b.Skip(start).ok());
        EXPECT_EQ(*b.Peek(n), want) << start << "+" << n;
        EXPECT_EQ(b.Len(), data.size() - start);
        EXPECT_EQ(*b.Next(n), want) << start << "+" << n;
        EXPECT_EQ(b.Len(), data.size() - start - n);
        EXPECT_EQ(*b.ReadString(b.Len()), data.substr(start + n));
      }
      {
        LinkBuffer b = Chained(data, pieces);
        ASSERT_TRUE(b.Skip(start).ok());
        std::string out(n, '\0');
        ASSERT_TRUE(b.ReadBinary(n, out.data()).ok());
        EXPECT_EQ(out, want);
      }
      {
        LinkBuffer b = Chained(data, pieces);
        ASSERT_TRUE(b.Skip(start).ok());
        auto slice = b.Slice(n);
        ASSERT_TRUE(slice.ok());
        EXPECT_EQ(slice->Len(), n);
        b.Release();
        EXPECT_EQ(*slice->ReadString(n), want);
        EXPECT_EQ(*b.ReadString(b.Len()), data.substr(start + n));
      }
      {
        LinkBuffer b = Chained(data, pieces);
        ASSERT_TRUE(b.Skip(start).ok());
        std::string got;
        iovec iov[8];
        const size_t count = b.PeekIovecs(iov, 8, n);
        for (size_t i = 0; i < count; ++i) got.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
        EXPECT_EQ(got, want);
        EXPECT_EQ(b.Len(), data.size() - start) << "PeekIovecs consumes nothing";
      }
      {
        LinkBuffer b = Chained(data, pieces);
        ASSERT_TRUE(b.Skip(start).ok());
        EXPECT_EQ(b.ReadableCopy(), data.substr(start));
        EXPECT_EQ(b.Len(), data.size() - start) << "ReadableCopy consumes nothing";
        EXPECT_EQ(*b.ReadString(n), want);
      }
    }
  }
}

TEST(LinkBuffer, ReadableCopySpansManyBlocks) {
  const std::string data = Pattern(300);
  // 100 one-byte blocks and one of 200: more blocks than one round of iovecs
  // holds.
  std::vector<size_t> pieces(100, 1);
  pieces.push_back(200);
  LinkBuffer b = Chained(data, pieces);
  EXPECT_EQ(b.ReadableCopy(), data);
  ASSERT_TRUE(b.Skip(37).ok());
  EXPECT_EQ(b.ReadableCopy(), data.substr(37));
  EXPECT_EQ(b.Len(), data.size() - 37);
  EXPECT_EQ(LinkBuffer().ReadableCopy(), "");
}

TEST(LinkBuffer, FrontIsTheContiguousRun) {
  LinkBuffer b = Chained("abcdefgh", {3, 5});
  EXPECT_EQ(b.Front(), "abc");
  ASSERT_TRUE(b.Skip(3).ok());
  EXPECT_EQ(b.Front(), "defgh");
  ASSERT_TRUE(b.Skip(5).ok());
  EXPECT_TRUE(b.Front().empty());
}

TEST(LinkBuffer, PeekIovecsFromEveryOffsetAcrossBlockEdges) {
  const std::string data = Pattern(40);
  for (size_t consumed : {0, 3, 10}) {
    LinkBuffer b = Chained(data, {7, 1, 12, 20});
    ASSERT_TRUE(b.Skip(consumed).ok());
    const LinkBuffer& reader = b;  // peeking needs no write access
    const size_t len = data.size() - consumed;
    for (size_t offset = 0; offset <= len + 2; ++offset) {
      for (size_t max_bytes : {size_t{1}, size_t{5}, size_t{64}}) {
        iovec iov[8];
        const size_t count = reader.PeekIovecs(iov, 8, max_bytes, offset);
        std::string got;
        for (size_t i = 0; i < count; ++i) {
          EXPECT_GT(iov[i].iov_len, 0u);
          got.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
        }
        const std::string want =
            offset >= len ? "" : data.substr(consumed + offset, std::min(max_bytes, len - offset));
        EXPECT_EQ(got, want) << "consumed " << consumed << " offset " << offset;
      }
    }
    EXPECT_EQ(b.Len(), len) << "PeekIovecs consumes nothing";
  }
}

TEST(LinkBuffer, PeekIovecsStopsAtMaxIov) {
  const std::string data = Pattern(30);
  LinkBuffer b = Chained(data, {10, 10, 10});
  iovec iov[2];
  ASSERT_EQ(b.PeekIovecs(iov, 2, 100, 5), 2u);
  EXPECT_EQ(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len), data.substr(5, 5));
  EXPECT_EQ(std::string(static_cast<char*>(iov[1].iov_base), iov[1].iov_len), data.substr(10, 10));
  EXPECT_EQ(b.PeekIovecs(iov, 0, 100, 0), 0u);
}

TEST(LinkBuffer, CrossBlockPeekViewsStayValidUntilRelease) {
  const std::string data = Pattern(32);
  LinkBuffer b = Chained(data, {10, 10, 12});
  std::string_view first = *b.Next(15);
  std::string_view second = *b.Next(15);
  EXPECT_EQ(first, data.substr(0, 15));
  EXPECT_EQ(second, data.substr(15, 15));
}

TEST(LinkBuffer, WritesAcrossManyBlocksReadBackInOrder) {
  LinkBuffer b;
  std::string want;
  for (int i = 0; i < 100; ++i) {
    const std::string chunk = Pattern(1000 + i * 37, i + 1);
    b.Write(chunk);
    want += chunk;
  }
  b.Flush();
  EXPECT_GT(b.BlockCount(), 1u);
  EXPECT_EQ(*b.ReadString(b.Len()), want);
}

TEST(LinkBuffer, GrowingNeverMovesWrittenBytes) {
  LinkBuffer b;
  char* first = b.Malloc(100);
  std::memset(first, 'x', 100);
  b.Flush();
  for (int i = 0; i < 50; ++i) std::memset(b.Malloc(4000), 'y', 4000);
  b.Flush();
  EXPECT_EQ(b.Front().data(), first);
}

TEST(LinkBuffer, SliceOutlivesParent) {
  const std::string data = Pattern(20000);
  std::optional<LinkBuffer> slice;
  {
    LinkBuffer parent;
    parent.Write(data);
    parent.Flush();
    const char* where = parent.Front().data();
    ASSERT_TRUE(parent.Skip(100).ok());
    auto s = parent.Slice(10000);
    ASSERT_TRUE(s.ok());
    slice.emplace(std::move(*s));
    EXPECT_EQ(slice->Front().data(), where + 100) << "a slice shares memory, no copy";
    parent.Release();
  }
  EXPECT_EQ(*slice->ReadString(10000), data.substr(100, 10000));
}

TEST(LinkBuffer, ShareCopiesNothingAndConsumesNothing) {
  LinkBuffer buf;
  const std::string data = Pattern(3 * 8192 + 17);  // across blocks
  buf.Write(data);
  buf.Flush();
  ASSERT_TRUE(buf.Skip(5).ok());
  LinkBuffer a = buf.Share();
  LinkBuffer b = buf.Share();
  EXPECT_EQ(buf.Len(), data.size() - 5);
  EXPECT_EQ(a.ReadableCopy(), data.substr(5));
  // Each share reads on its own; the original is untouched.
  EXPECT_EQ(*a.ReadString(10), data.substr(5, 10));
  EXPECT_EQ(b.ReadableCopy(), data.substr(5));
  EXPECT_EQ(buf.ReadableCopy(), data.substr(5));
  // The shares outlive the original's release.
  buf.Release();
  EXPECT_EQ(b.ReadableCopy(), data.substr(5));
  EXPECT_EQ(*b.ReadString(data.size() - 5), data.substr(5));
  EXPECT_EQ(b.Len(), 0u);
  LinkBuffer empty;
  EXPECT_EQ(empty.Share().Len(), 0u);
}

TEST(LinkBuffer, SliceHoldsBlockReference) {
  BlockPool pool;
  {
    LinkBuffer parent(&pool);
    parent.Write(Pattern(100));
    parent.Flush();
    auto slice = parent.Slice(60);
    ASSERT_TRUE(slice.ok());
    EXPECT_EQ(pool.GetStats().live_blocks, 1);
    parent.Release();
    parent.TrimIfEmpty();  // 40 bytes left: keeps its block
    ASSERT_TRUE(parent.Skip(40).ok());
    EXPECT_TRUE(parent.TrimIfEmpty());
    EXPECT_EQ(pool.GetStats().live_blocks, 1) << "the slice still holds the block";
  }
  EXPECT_EQ(pool.GetStats().live_blocks, 0);
}

TEST(LinkBuffer, WriteBinaryLinksLargeAndCopiesSmall) {
  std::string big = Pattern(LinkBuffer::kLinkThreshold * 2);
  std::string small = Pattern(100);
  int big_released = 0;
  int small_released = 0;
  {
    LinkBuffer b;
    b.WriteBinary(small, [&] { ++small_released; });
    EXPECT_EQ(small_released, 1) << "copied, released at once";
    b.WriteBinary(big, [&] { ++big_released; });
    b.Flush();
    ASSERT_TRUE(b.Skip(small.size()).ok());
    EXPECT_EQ(b.Front().data(), big.data()) << "linked, not copied";
    auto slice = b.Slice(big.size());
    ASSERT_TRUE(slice.ok());
    b.Release();
    EXPECT_EQ(big_released, 0) << "the slice still refers to the memory";
    EXPECT_EQ(*slice->ReadString(big.size()), big);
  }
  EXPECT_EQ(big_released, 1);
}

TEST(LinkBuffer, AppendLinksWithoutCopy) {
  LinkBuffer a;
  a.Write("head:");
  LinkBuffer body;
  body.Write(Pattern(9000));
  body.Flush();
  ASSERT_TRUE(body.Skip(1000).ok());
  const char* where = body.Front().data();
  LinkBuffer tail;
  tail.Write("unflushed tail");  // Append takes unflushed bytes too
  a.Append(std::move(body));
  a.Append(std::move(tail));
  EXPECT_EQ(body.Len(), 0u);
  EXPECT_EQ(tail.Len(), 0u);
  a.Write(":end");
  a.Flush();
  EXPECT_EQ(a.Len(), 5 + 8000 + 14 + 4u);
  ASSERT_TRUE(a.Skip(5).ok());
  EXPECT_EQ(a.Front().data(), where);
  EXPECT_EQ(*a.ReadString(8000), Pattern(9000).substr(1000));
  EXPECT_EQ(*a.ReadString(18), "unflushed tail:end");
  // The moved-from buffers are usable.
  body.Write("again");
  body.Flush();
  EXPECT_EQ(*body.ReadString(5), "again");
}

TEST(LinkBuffer, MallocAckKeepsAPrefixAcrossBlocks) {
  LinkBuffer b;
  b.Write("0123");
  b.Flush();
  std::memset(b.Malloc(3000), 'a', 3000);
  std::memset(b.Malloc(LinkBuffer::kDefaultBlockSize), 'b', LinkBuffer::kDefaultBlockSize);
  std::memset(b.Malloc(LinkBuffer::kDefaultBlockSize), 'c', LinkBuffer::kDefaultBlockSize);
  EXPECT_EQ(b.MallocLen(), 3000 + 2 * LinkBuffer::kDefaultBlockSize);
  b.MallocAck(3010);
  EXPECT_EQ(b.MallocLen(), 3010u);
  b.Flush();
  EXPECT_EQ(b.Len(), 3014u);
  EXPECT_EQ(*b.ReadString(3014), "0123" + std::string(3000, 'a') + std::string(10, 'b'));
  // Writing continues where the kept bytes end.
  b.Write("z");
  b.Flush();
  EXPECT_EQ(*b.ReadString(1), "z");
}

TEST(LinkBuffer, TrimIfEmptyDropsEveryBlock) {
  BlockPool pool;
  LinkBuffer b(&pool);
  b.Write(Pattern(20000));
  b.Flush();
  EXPECT_FALSE(b.TrimIfEmpty());
  ASSERT_TRUE(b.Skip(20000).ok());
  b.Release();
  EXPECT_GE(b.BlockCount(), 1u) << "the write block is kept while in use";
  EXPECT_TRUE(b.TrimIfEmpty());
  EXPECT_EQ(b.BlockCount(), 0u);
  EXPECT_EQ(pool.GetStats().live_blocks, 0);
}

TEST(LinkBuffer, MoveLeavesAnEmptyUsableBuffer) {
  LinkBuffer a;
  a.Write("abc");
  a.Flush();
  LinkBuffer b(std::move(a));
  EXPECT_EQ(a.Len(), 0u);
  EXPECT_EQ(*b.ReadString(3), "abc");
  a.Write("x");
  a.Flush();
  b = std::move(a);
  EXPECT_EQ(*b.ReadString(1), "x");
}

TEST(BlockPool, SizeClassesAndReuse) {
  BlockPool pool;
  EXPECT_EQ(BlockPool::RoundUp(1), 4096u);
  EXPECT_EQ(BlockPool::RoundUp(4096), 4096u);
  EXPECT_EQ(BlockPool::RoundUp(4097), 8192u);
  EXPECT_EQ(BlockPool::RoundUp(8 << 20), size_t{8} << 20);
  EXPECT_EQ(BlockPool::RoundUp((8 << 20) + 1), (size_t{8} << 20) + 1) << "direct above 8 MiB";
  Block* a = pool.Allocate(5000);
  EXPECT_EQ(a->capacity(), 8192u);
  a->Unref();
  EXPECT_EQ(pool.GetStats().idle_blocks, 1);
  Block* b = pool.Allocate(6000);
  EXPECT_EQ(a, b) << "the idle block of the class is reused";
  EXPECT_EQ(pool.GetStats().idle_blocks, 0);
  EXPECT_EQ(pool.GetStats().live_blocks, 1);
  b->Unref();
  Block* direct = pool.Allocate(9 << 20);
  EXPECT_EQ(direct->capacity(), size_t{9} << 20);
  direct->Unref();
  EXPECT_EQ(pool.GetStats().idle_blocks, 1) << "direct blocks are never kept";
  pool.Trim();
  EXPECT_EQ(pool.GetStats().idle_blocks, 0);
}

TEST(BlockPool, IdleBlocksAreBounded) {
  BlockPool::Options options;
  options.max_idle_bytes_per_class = 64 * 1024;
  options.min_idle_blocks_per_class = 2;
  BlockPool pool(options);
  std::vector<Block*> blocks;
  for (int i = 0; i < 100; ++i) blocks.push_back(pool.Allocate(4096));
  for (int i = 0; i < 4; ++i) blocks.push_back(pool.Allocate(1 << 20));
  for (Block* b : blocks) b->Unref();
  const BlockPool::Stats s = pool.GetStats();
  EXPECT_EQ(s.live_blocks, 0);
  EXPECT_EQ(s.idle_blocks, 16 + 2) << "64 KiB of 4 KiB blocks, and the minimum of 1 MiB ones";
}

TEST(BlockPool, ThreadCacheReusesBlocksAndKeepsStatsExact) {
  BlockPool::Options options;
  options.thread_cache_blocks = 4;
  BlockPool pool(options);
  std::vector<Block*> blocks;
  for (int i = 0; i < 6; ++i) blocks.push_back(pool.Allocate(8192));
  EXPECT_EQ(pool.GetStats().live_blocks, 6);
  for (Block* b : blocks) b->Unref();
  BlockPool::Stats s = pool.GetStats();
  EXPECT_EQ(s.live_blocks, 0);
  EXPECT_EQ(s.idle_blocks, 6) << "4 in this thread's cache, 2 in the shared list";
  Block* again = pool.Allocate(8000);
  EXPECT_EQ(again, blocks[3]) << "the last block cached is the first reused";
  EXPECT_EQ(pool.GetStats().live_blocks, 1);
  again->Unref();
  pool.Trim();
  EXPECT_EQ(pool.GetStats().idle_blocks, 0);
}

TEST(BlockPool, ThreadCacheBytesPerClassKeepsFewerLargeBlocks) {
  BlockPool::Options options;
  options.thread_cache_blocks = 8;
  options.thread_cache_bytes_per_class = 16 * 1024;
  options.max_idle_bytes_per_class = 0;  // what the cache refuses is freed
  options.min_idle_blocks_per_class = 0;
  BlockPool pool(options);
  std::vector<Block*> small;
  std::vector<Block*> large;
  for (int i = 0; i < 8; ++i) {
    small.push_back(pool.Allocate(4096));
    large.push_back(pool.Allocate(16384));
  }
  for (Block* b : small) b->Unref();
  for (Block* b : large) b->Unref();
  const BlockPool::Stats s = pool.GetStats();
  EXPECT_EQ(s.live_blocks, 0);
  EXPECT_EQ(s.idle_blocks, 4 + 1) << "16 KiB: four 4 KiB blocks, one 16 KiB block";
  EXPECT_EQ(s.idle_bytes, 4 * 4096 + 16384);
  pool.Trim();
}

TEST(BlockPool, ThreadCacheGoesBackToTheSharedListWhenTheThreadExits) {
  BlockPool::Options options;
  options.thread_cache_blocks = 8;
  BlockPool pool(options);
  std::thread worker([&] {
    std::vector<Block*> blocks;
    for (int i = 0; i < 5; ++i) blocks.push_back(pool.Allocate(4096));
    for (Block* b : blocks) b->Unref();
  });
  worker.join();
  const BlockPool::Stats s = pool.GetStats();
  EXPECT_EQ(s.live_blocks, 0);
  EXPECT_EQ(s.idle_blocks, 5);
  pool.Trim();
  EXPECT_EQ(pool.GetStats().idle_blocks, 0) << "the exited thread's blocks reached the shared list";
}

// Bytes the process's heap holds: glibc's count, or the sanitizer
// allocator's when a sanitizer replaces malloc.
size_t HeapBytes() {
#if defined(VIREO_SANITIZED)
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

// 64 MiB through one buffer: bytes intact, and once read the buffer holds at
// most a block or two and the memory goes back to the pool and the system.
TEST(LinkBuffer, SixtyFourMegabyteRoundTripReturnsMemory) {
  BlockPool::Options options;
  options.max_idle_bytes_per_class = 1 << 20;
  BlockPool pool(options);
  constexpr size_t kTotal = 64u << 20;
  constexpr size_t kChunk = 64u << 10;
  const std::string chunk = Pattern(kChunk, 7);
  const size_t heap_before = HeapBytes();
  {
    LinkBuffer b(&pool);
    for (size_t off = 0; off < kTotal; off += kChunk) {
      std::memcpy(b.Malloc(kChunk), chunk.data(), kChunk);
      b.Flush();
    }
    EXPECT_EQ(b.Len(), kTotal);
    EXPECT_GE(pool.GetStats().live_bytes, static_cast<int64_t>(kTotal));
    std::string got(kChunk, '\0');
    for (size_t off = 0; off < kTotal; off += kChunk) {
      ASSERT_TRUE(b.ReadBinary(kChunk, got.data()).ok());
      ASSERT_EQ(got, chunk) << "at offset " << off;
      b.Release();
    }
    EXPECT_LE(b.BlockCount(), 2u);
    EXPECT_LE(pool.GetStats().live_bytes, 2 * static_cast<int64_t>(kChunk));
  }
  const BlockPool::Stats s = pool.GetStats();
  EXPECT_EQ(s.live_blocks, 0);
  EXPECT_LE(s.idle_bytes, 1 << 20);
  const size_t heap_after = HeapBytes();
  EXPECT_LT(heap_after, heap_before + (4u << 20)) << "64 MiB went back to the system";
}

// One writer thread and one reader thread on the same buffer, no lock: the
// reader sees every byte once, in order. Run under ThreadSanitizer in CI.
TEST(LinkBuffer, ConcurrentReaderAndWriter) {
  constexpr uint64_t kCount = 300000;
  LinkBuffer b;
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    std::mt19937 rng(1);
    uint64_t next = 0;
    while (next < kCount) {
      const uint64_t batch = std::min<uint64_t>(kCount - next, 1 + rng() % 64);
      const int style = rng() % 3;
      for (uint64_t i = 0; i < batch; ++i, ++next) {
        if (style == 0) {
          std::memcpy(b.Malloc(8), &next, 8);
        } else if (style == 1) {
          b.Write(std::string_view(reinterpret_cast<const char*>(&next), 8));
        } else {
          LinkBuffer piece;
          std::memcpy(piece.Malloc(8), &next, 8);
          b.Append(std::move(piece));
        }
      }
      b.Flush();
      // Keep the reader from running too far behind.
      while (b.Len() > (1 << 20)) std::this_thread::yield();
    }
  });
  std::mt19937 rng(2);
  uint64_t expect = 0;
  while (expect < kCount && !failed) {
    const size_t items = std::min<uint64_t>(kCount - expect, 1 + rng() % 100);
    if (b.Len() < items * 8) {
      std::this_thread::yield();
      continue;
    }
    const int style = rng() % 3;
    std::string bytes;
    if (style == 0) {
      bytes = std::string(*b.Next(items * 8));
    } else if (style == 1) {
      bytes = *b.ReadString(items * 8);
    } else {
      auto slice = b.Slice(items * 8);
      bytes = *slice->ReadString(items * 8);
    }
    for (size_t i = 0; i < items; ++i, ++expect) {
      uint64_t v;
      std::memcpy(&v, bytes.data() + i * 8, 8);
      if (v != expect) {
        ADD_FAILURE() << "read " << v << " where " << expect << " was due";
        failed = true;
        break;
      }
    }
    b.Release();
  }
  writer.join();
  EXPECT_EQ(expect, kCount);
}

}  // namespace
}  // namespace vireo::transport
