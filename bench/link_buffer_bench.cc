// vireo_link_buffer_bench: LinkBuffer against the copying byte buffers it
// replaces, on append-then-consume patterns (Google Benchmark).
//
// Buffers (each a small adapter with Append / Consume / EndBatch):
//   LinkBufferNext   Write + Flush to append; Next(n) to consume (a view,
//                    copied only when the message straddles two blocks);
//                    Release + TrimIfEmpty after each batch, as Connection
//                    does after each read.
//   LinkBufferSlice  as above, but Slice(n) hands the message on as a
//                    buffer sharing the blocks (no copy), as an echo or a
//                    zero-copy decoder does.
//   StringErase      std::string: append at the end (grows by copying),
//                    consume with erase(0, n) (moves the rest to the front).
//   StringOffset     std::string with read and write offsets, muduo-style:
//                    consuming advances the read offset; an append that
//                    does not fit moves the unread bytes to the front when
//                    that makes room, else grows the string by copying.
//
// Patterns, for message sizes 1 KiB, 16 KiB, 256 KiB and 1 MiB:
//   OneByOne     append one message, consume it.
//   Batch8       append 8 messages, consume all 8.
//   PartialTail  a half message stays buffered throughout (as when reads do
//                not end on message boundaries): append one message, consume
//                one message.
//   Batch8Fresh  Batch8 into a new buffer each time, as for a new connection,
//                or for a buffer that gives its memory back when idle (as
//                Connection's do): the std::string buffers grow by copying.
// Consuming a message touches its first and last byte through the view the
// buffer gives, so that no buffer is charged for reading the payload.
// Throughput is bytes appended (= consumed) per second.
//
// Usage: vireo_link_buffer_bench [--benchmark_filter=...] [--benchmark_min_time=...]
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "benchmark/benchmark.h"
#include "vireo/transport/link_buffer.h"

namespace {

using vireo::transport::LinkBuffer;

// The source of every appended message (1 MiB of varied bytes).
const std::string& Source() {
  static const std::string* source = [] {
    auto* s = new std::string(1 << 20, '\0');
    for (size_t i = 0; i < s->size(); ++i) (*s)[i] = static_cast<char>(i * 131 + (i >> 9));
    return s;
  }();
  return *source;
}

// What a consumer does with a message here: look at both ends.
inline void Use(const char* data, size_t n) {
  char ends = static_cast<char>(data[0] ^ data[n - 1]);
  benchmark::DoNotOptimize(ends);
}

class LinkBufferNext {
 public:
  void Append(std::string_view data) {
    buf_.Write(data);
    buf_.Flush();
  }
  void Consume(size_t n) {
    std::string_view view = *buf_.Next(n);
    Use(view.data(), n);
  }
  void EndBatch() {
    buf_.Release();
    buf_.TrimIfEmpty();
  }

 private:
  LinkBuffer buf_;
};

class LinkBufferSlice {
 public:
  void Append(std::string_view data) {
    buf_.Write(data);
    buf_.Flush();
  }
  void Consume(size_t n) {
    LinkBuffer message = *buf_.Slice(n);
    // The first and the last byte, through the slice's own blocks.
    std::string_view front = message.Front();
    benchmark::DoNotOptimize(front.data()[0]);
    (void)message.Skip(n - 1);
    std::string_view back = message.Front();
    benchmark::DoNotOptimize(back.data()[0]);
  }
  void EndBatch() {
    buf_.Release();
    buf_.TrimIfEmpty();
  }

 private:
  LinkBuffer buf_;
};

class StringErase {
 public:
  void Append(std::string_view data) { buf_.append(data.data(), data.size()); }
  void Consume(size_t n) {
    Use(buf_.data(), n);
    buf_.erase(0, n);
  }
  void EndBatch() {}

 private:
  std::string buf_;
};

class StringOffset {
 public:
  void Append(std::string_view data) {
    const size_t n = data.size();
    if (buf_.size() - write_ < n) {
      const size_t unread = write_ - read_;
      if (buf_.size() - unread >= n) {
        // Room enough once the unread bytes move to the front.
        std::memmove(buf_.data(), buf_.data() + read_, unread);
        read_ = 0;
        write_ = unread;
      } else {
        buf_.resize(write_ + n);  // grows by copying
      }
    }
    std::memcpy(buf_.data() + write_, data.data(), n);
    write_ += n;
  }
  void Consume(size_t n) {
    Use(buf_.data() + read_, n);
    read_ += n;
    if (read_ == write_) read_ = write_ = 0;
  }
  void EndBatch() {}

 private:
  std::string buf_;
  size_t read_ = 0;
  size_t write_ = 0;
};

template <typename Buffer>
void BM_OneByOne(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string_view message(Source().data(), n);
  Buffer buf;
  for (auto _ : state) {
    buf.Append(message);
    buf.Consume(n);
    buf.EndBatch();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}

template <typename Buffer>
void BM_Batch8(benchmark::State& state) {
  constexpr int kBatch = 8;
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer buf;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      // Different bytes for each message (the source is 1 MiB long).
      const size_t offset = (i * 4096) % (Source().size() - n + 1);
      buf.Append(std::string_view(Source().data() + offset, n));
    }
    for (int i = 0; i < kBatch; ++i) buf.Consume(n);
    buf.EndBatch();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * n));
}

template <typename Buffer>
void BM_PartialTail(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string_view message(Source().data(), n);
  Buffer buf;
  buf.Append(message.substr(0, n / 2));
  for (auto _ : state) {
    buf.Append(message);
    buf.Consume(n);
    buf.EndBatch();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}

template <typename Buffer>
void BM_Batch8Fresh(benchmark::State& state) {
  constexpr int kBatch = 8;
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Buffer buf;
    for (int i = 0; i < kBatch; ++i) {
      const size_t offset = (i * 4096) % (Source().size() - n + 1);
      buf.Append(std::string_view(Source().data() + offset, n));
    }
    for (int i = 0; i < kBatch; ++i) buf.Consume(n);
    buf.EndBatch();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * n));
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n : {int64_t{1} << 10, int64_t{16} << 10, int64_t{256} << 10, int64_t{1} << 20}) {
    b->Arg(n);
  }
}

BENCHMARK(BM_OneByOne<LinkBufferNext>)->Apply(Sizes);
BENCHMARK(BM_OneByOne<LinkBufferSlice>)->Apply(Sizes);
BENCHMARK(BM_OneByOne<StringErase>)->Apply(Sizes);
BENCHMARK(BM_OneByOne<StringOffset>)->Apply(Sizes);
BENCHMARK(BM_Batch8<LinkBufferNext>)->Apply(Sizes);
BENCHMARK(BM_Batch8<LinkBufferSlice>)->Apply(Sizes);
BENCHMARK(BM_Batch8<StringErase>)->Apply(Sizes);
BENCHMARK(BM_Batch8<StringOffset>)->Apply(Sizes);
BENCHMARK(BM_PartialTail<LinkBufferNext>)->Apply(Sizes);
BENCHMARK(BM_PartialTail<LinkBufferSlice>)->Apply(Sizes);
BENCHMARK(BM_PartialTail<StringErase>)->Apply(Sizes);
BENCHMARK(BM_PartialTail<StringOffset>)->Apply(Sizes);
BENCHMARK(BM_Batch8Fresh<LinkBufferNext>)->Apply(Sizes);
BENCHMARK(BM_Batch8Fresh<LinkBufferSlice>)->Apply(Sizes);
BENCHMARK(BM_Batch8Fresh<StringErase>)->Apply(Sizes);
BENCHMARK(BM_Batch8Fresh<StringOffset>)->Apply(Sizes);

}  // namespace

BENCHMARK_MAIN();
