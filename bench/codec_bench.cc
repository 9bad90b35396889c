// vireo_codec_bench: Vireo's Binary and Compact protocols against Apache
// Thrift's C++ library (libthrift), primitive by primitive, in one run.
//
// Each benchmark writes or reads one batch of values; the "ns/op" counter is
// the time per value (per string, per list). Sides:
//   vireo_binary, vireo_compact       BinaryWriter/Reader, CompactWriter/Reader
//                                     over a LinkBuffer
//   apache_binary, apache_compact     TBinaryProtocol / TCompactProtocol
//                                     through TProtocol* over a TMemoryBuffer
//                                     (the calls Apache's generated code makes)
//   apache_binary_t, apache_compact_t TBinaryProtocolT<TMemoryBuffer> /
//                                     TCompactProtocolT<TMemoryBuffer> called
//                                     directly (no virtual calls: Apache's
//                                     fastest form)
//
// Writes reuse one buffer, emptied each iteration (Vireo: flush, skip and
// release the blocks; Apache: resetBuffer(), which does not allocate).
// Reads decode a prepared encoding: Vireo links it into a fresh LinkBuffer
// without a copy each iteration (a received frame); Apache rewinds its
// TMemoryBuffer and resets its message-size budget (no allocation; the
// resetBuffer(ptr, len) that allocates stays out of the loop). Before
// timing, each workload's bytes are checked to be the same on both sides.
//
// Usage: vireo_codec_bench [--benchmark_filter=read/i64] [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {
namespace {

namespace athrift = ::apache::thrift;
using athrift::transport::TMemoryBuffer;

// ---- Workloads ----

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

struct Data {
  std::vector<int32_t> i32;       // within +-50,000: Compact varints of 1-3 bytes
  std::vector<int64_t> i64;       // millisecond timestamps near 2^40: 6-byte varints
  std::vector<int64_t> i64_wide;  // the whole range: 9-10 byte varints
  std::string s16, s1k, s64k;

  static const Data& Get() {
    static const Data* data = [] {
      auto* d = new Data;
      uint64_t seed = 42;
      for (int i = 0; i < 1000; ++i) {
        d->i32.push_back(static_cast<int32_t>(SplitMix64(&seed) % 100001) - 50000);
        d->i64.push_back(int64_t{1700000000000} +
                         static_cast<int64_t>(SplitMix64(&seed) % 1000000000));
        d->i64_wide.push_back(static_cast<int64_t>(SplitMix64(&seed)));
      }
      d->s16.assign(16, 'a');
      d->s1k.assign(1024, 'b');
      d->s64k.assign(64 * 1024, 'c');
      return d;
    }();
    return *data;
  }
};

// Each workload: kOps values per batch, Write(w) and Read(r) over the
// Vireo method names.
struct I32s {
  static constexpr int kOps = 1000;
  template <class W>
  static void Write(W& w) {
    for (int32_t v : Data::Get().i32) w.WriteI32(v);
  }
  template <class R>
  static void Read(R& r) {
    int32_t v = 0;
    for (int i = 0; i < kOps; ++i) {
      if (!r.ReadI32(&v).ok()) std::abort();
      benchmark::DoNotOptimize(v);
    }
  }
};

template <const std::vector<int64_t> Data::*kValues>
struct I64s {
  static constexpr int kOps = 1000;
  template <class W>
  static void Write(W& w) {
    for (int64_t v : Data::Get().*kValues) w.WriteI64(v);
  }
  template <class R>
  static void Read(R& r) {
    int64_t v = 0;
    for (int i = 0; i < kOps; ++i) {
      if (!r.ReadI64(&v).ok()) std::abort();
      benchmark::DoNotOptimize(v);
    }
  }
};

template <const std::string Data::*kString, int kCount>
struct Strings {
  static constexpr int kOps = kCount;
  template <class W>
  static void Write(W& w) {
    const std::string& s = Data::Get().*kString;
    for (int i = 0; i < kOps; ++i) w.WriteString(s);
  }
  template <class R>
  static void Read(R& r) {
    static std::string s;  // reused, as a decoder reusing its object would
    for (int i = 0; i < kOps; ++i) {
      if (!r.ReadString(&s).ok()) std::abort();
      benchmark::DoNotOptimize(s.data());
    }
  }
};

struct ListOfI64 {
  static constexpr int kOps = 1;
  template <class W>
  static void Write(W& w) {
    const std::vector<int64_t>& values = Data::Get().i64;
    w.WriteListBegin(TType::kI64, static_cast<uint32_t>(values.size()));
    for (int64_t v : values) w.WriteI64(v);
    w.WriteListEnd();
  }
  template <class R>
  static void Read(R& r) {
    TType elem;
    uint32_t n;
    if (!r.ReadListBegin(&elem, &n).ok()) std::abort();
    int64_t v = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (!r.ReadI64(&v).ok()) std::abort();
      benchmark::DoNotOptimize(v);
    }
    if (!r.ReadListEnd().ok()) std::abort();
  }
};

// ---- Apache behind the Vireo method names (no added virtual calls) ----

template <class Proto>
class ApacheWriter {
 public:
  explicit ApacheWriter(Proto* p) : p_(p) {}
  void WriteI32(int32_t v) { p_->writeI32(v); }
  void WriteI64(int64_t v) { p_->writeI64(v); }
  void WriteString(const std::string& v) { p_->writeString(v); }
  void WriteListBegin(TType elem, uint32_t size) {
    p_->writeListBegin(static_cast<athrift::protocol::TType>(elem), size);
  }
  void WriteListEnd() { p_->writeListEnd(); }

 private:
  Proto* p_;
};

template <class Proto>
class ApacheReader {
 public:
  explicit ApacheReader(Proto* p) : p_(p) {}
  absl::Status ReadI32(int32_t* v) {
    p_->readI32(*v);
    return absl::OkStatus();
  }
  absl::Status ReadI64(int64_t* v) {
    p_->readI64(*v);
    return absl::OkStatus();
  }
  absl::Status ReadString(std::string* v) {
    p_->readString(*v);
    return absl::OkStatus();
  }
  absl::Status ReadListBegin(TType* elem, uint32_t* size) {
    athrift::protocol::TType t;
    p_->readListBegin(t, *size);
    *elem = static_cast<TType>(t);
    return absl::OkStatus();
  }
  absl::Status ReadListEnd() {
    p_->readListEnd();
    return absl::OkStatus();
  }

 private:
  Proto* p_;
};

// A TMemoryBuffer over prepared bytes that can start over without the
// allocation resetBuffer(ptr, len) makes.
class RewindableBuffer : public TMemoryBuffer {
 public:
  RewindableBuffer(uint8_t* data, uint32_t size)
      : TMemoryBuffer(data, size, OBSERVE), start_(data) {}
  void Rewind() {
    rBase_ = start_;
    resetConsumedMessageSize();
  }

 private:
  uint8_t* start_;
};

// ---- Sides ----

void SetCounters(benchmark::State& state, int ops) {
  state.counters["ns/op"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * ops,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <class Writer, class Work>
std::string VireoEncode() {
  transport::LinkBuffer buf;
  {
    Writer w(buf);
    Work::Write(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

template <class Concrete, class Work>
std::string ApacheEncode() {
  auto trans = std::make_shared<TMemoryBuffer>();
  Concrete proto(trans);
  ApacheWriter<Concrete> w(&proto);
  Work::Write(w);
  return trans->getBufferAsString();
}

template <class Writer, class Reader>
struct VireoSide {
  template <class Work>
  static void Write(benchmark::State& state) {
    transport::LinkBuffer buf;
    for (auto _ : state) {
      {
        Writer w(buf);
        Work::Write(w);
        w.Finish();
      }
      buf.Flush();
      (void)buf.Skip(buf.Len());
      buf.Release();
    }
    SetCounters(state, Work::kOps);
  }

  template <class Work>
  static void Read(benchmark::State& state) {
    std::string bytes = VireoEncode<Writer, Work>();
    // Padding past the batch so that WriteBinary links rather than copies
    // a short encoding; the reader stops at the batch's end.
    bytes.resize(std::max(bytes.size(), transport::LinkBuffer::kLinkThreshold));
    const Limits limits;
    for (auto _ : state) {
      transport::LinkBuffer buf;
      buf.WriteBinary(bytes, nullptr);
      buf.Flush();
      Reader r(buf, limits);
      Work::Read(r);
    }
    SetCounters(state, Work::kOps);
  }
};

// Proto: the type called through (TProtocol: virtual; Concrete: direct).
// Concrete: the protocol over a TMemoryBuffer-typed or TTransport-typed
// transport.
template <class Proto, class Concrete, class VireoWriter>
struct ApacheSide {
  template <class Work>
  static void Write(benchmark::State& state) {
    auto trans = std::make_shared<TMemoryBuffer>();
    auto proto = std::make_shared<Concrete>(trans);
    ApacheWriter<Proto> w(proto.get());
    if (ApacheEncode<Concrete, Work>() != VireoEncode<VireoWriter, Work>()) {
      state.SkipWithError("Apache and Vireo write different bytes");
      return;
    }
    for (auto _ : state) {
      trans->resetBuffer();
      Work::Write(w);
    }
    SetCounters(state, Work::kOps);
  }

  template <class Work>
  static void Read(benchmark::State& state) {
    std::string bytes = ApacheEncode<Concrete, Work>();
    if (bytes != VireoEncode<VireoWriter, Work>()) {
      state.SkipWithError("Apache and Vireo write different bytes");
      return;
    }
    auto trans = std::make_shared<RewindableBuffer>(reinterpret_cast<uint8_t*>(bytes.data()),
                                                    static_cast<uint32_t>(bytes.size()));
    auto proto = std::make_shared<Concrete>(trans);
    ApacheReader<Proto> r(proto.get());
    for (auto _ : state) {
      trans->Rewind();
      Work::Read(r);
    }
    SetCounters(state, Work::kOps);
  }
};

using VireoBinary = VireoSide<BinaryWriter, BinaryReader>;
using VireoCompact = VireoSide<CompactWriter, CompactReader>;
using ApacheBinary =
    ApacheSide<athrift::protocol::TProtocol, athrift::protocol::TBinaryProtocol, BinaryWriter>;
using ApacheCompact =
    ApacheSide<athrift::protocol::TProtocol, athrift::protocol::TCompactProtocol, CompactWriter>;
using ApacheBinaryT = ApacheSide<athrift::protocol::TBinaryProtocolT<TMemoryBuffer>,
                                 athrift::protocol::TBinaryProtocolT<TMemoryBuffer>, BinaryWriter>;
using ApacheCompactT =
    ApacheSide<athrift::protocol::TCompactProtocolT<TMemoryBuffer>,
               athrift::protocol::TCompactProtocolT<TMemoryBuffer>, CompactWriter>;

template <class Work>
void RegisterWorkload(const std::string& name) {
  struct Side {
    const char* name;
    void (*write)(benchmark::State&);
    void (*read)(benchmark::State&);
  };
  const Side sides[] = {
      {"vireo_binary", &VireoBinary::Write<Work>, &VireoBinary::Read<Work>},
      {"apache_binary", &ApacheBinary::Write<Work>, &ApacheBinary::Read<Work>},
      {"apache_binary_t", &ApacheBinaryT::Write<Work>, &ApacheBinaryT::Read<Work>},
      {"vireo_compact", &VireoCompact::Write<Work>, &VireoCompact::Read<Work>},
      {"apache_compact", &ApacheCompact::Write<Work>, &ApacheCompact::Read<Work>},
      {"apache_compact_t", &ApacheCompactT::Write<Work>, &ApacheCompactT::Read<Work>},
  };
  for (const Side& side : sides) {
    benchmark::RegisterBenchmark(("write/" + name + "/" + side.name).c_str(), side.write);
  }
  for (const Side& side : sides) {
    benchmark::RegisterBenchmark(("read/" + name + "/" + side.name).c_str(), side.read);
  }
}

}  // namespace
}  // namespace vireo::codec

int main(int argc, char** argv) {
  using namespace vireo::codec;
  RegisterWorkload<I32s>("i32");
  RegisterWorkload<I64s<&Data::i64>>("i64");
  RegisterWorkload<I64s<&Data::i64_wide>>("i64_wide_varint");
  RegisterWorkload<Strings<&Data::s16, 1000>>("string_16B");
  RegisterWorkload<Strings<&Data::s1k, 100>>("string_1KiB");
  RegisterWorkload<Strings<&Data::s64k, 4>>("string_64KiB");
  RegisterWorkload<ListOfI64>("list_1000_i64");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
