// The Apache Thrift side of vireo_codegen_bench: Apache's generated code
// for complex.thrift and echo.thrift (`thrift --gen cpp`, libthrift 0.17)
// over a TMemoryBuffer with TBinaryProtocol. Its namespace is renamed at
// compile time (codegen.cmake) so that its symbols cannot collide with
// those of Vireo's generated types in the same binary.
//
// Two ways Apache's generated code runs, both measured:
//   apache_binary    write(TProtocol*) through TBinaryProtocol, i.e.
//                    TBinaryProtocolT<TTransport>: a virtual call per value
//                    into the protocol and another into the transport. What
//                    generated code gets by default.
//   apache_binary_t  TBinaryProtocolT<TMemoryBuffer>: still a virtual call
//                    per value into the protocol (generated code only knows
//                    TProtocol*), but the transport calls are direct and
//                    inline. Apache's fastest with default generated code.
//
// Encode: obj.write(&proto) into a TMemoryBuffer emptied with resetBuffer()
// each iteration (it keeps its memory: no allocation).
// Decode: obj.read(&proto) into one reused object from a TMemoryBuffer
// observing the encoded bytes, rewound each iteration. Rewinding is used
// rather than resetBuffer(ptr, len, OBSERVE) because the latter constructs
// a TMemoryBuffer and with it a new TConfiguration held by a shared_ptr: two
// allocations per iteration that belong to the harness, not to Apache's
// decoder.
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "bench/codegen_bench.h"
#include "complex_types.h"
#include "echo_types.h"

namespace vireo::codegen_bench {
namespace {

namespace athrift = ::apache::thrift;
using athrift::transport::TMemoryBuffer;

struct ApacheApi {
  using Complex = ::bench::Complex;
  using Item = ::bench::Item;
  using Point = ::bench::Point;

  static void SetBinary(std::string& field, std::string bytes) { field = std::move(bytes); }
  static void SetStatus(Complex& c, int32_t v) { c.status = static_cast<::bench::Status::type>(v); }
  static void SetNote(Complex& c, std::string v) { c.__set_note(std::move(v)); }
  static void SetLabels(Item& it, std::map<std::string, std::string> labels) {
    it.__set_labels(std::move(labels));
  }
  static void SetStrValue(Complex& c, std::string v) {
    c.value.__set_str_value(std::move(v));
    c.__isset.value = true;
  }
};

// A TMemoryBuffer over prepared bytes that starts over without allocating.
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

const ::bench::Complex& ComplexFixture() {
  static const ::bench::Complex* c = [] {
    auto* v = new ::bench::Complex;
    FillComplex<ApacheApi>(*v);
    return v;
  }();
  return *c;
}

const ::bench::Request& RequestFixture() {
  static const ::bench::Request* r = [] {
    auto* v = new ::bench::Request;
    FillRequest(*v);
    return v;
  }();
  return *r;
}

template <class T>
std::string Encode(const T& obj) {
  auto trans = std::make_shared<TMemoryBuffer>();
  athrift::protocol::TBinaryProtocol proto(trans);
  obj.write(&proto);
  return trans->getBufferAsString();
}

// Proto: TBinaryProtocol (over TTransport) or TBinaryProtocolT<TMemoryBuffer>.
template <class Proto, class T, const T& (*kFixture)()>
void EncodeBench(benchmark::State& state) {
  const T& obj = kFixture();
  auto trans = std::make_shared<TMemoryBuffer>();
  Proto proto(trans);
  obj.write(&proto);  // grows the buffer once, outside the loop
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    trans->resetBuffer();
    obj.write(&proto);
  }
  SetCounters(state, ThreadAllocations() - before);
}

template <class Proto, class T, const T& (*kFixture)()>
void DecodeBench(benchmark::State& state) {
  std::string bytes = Encode(kFixture());
  auto trans = std::make_shared<RewindableBuffer>(reinterpret_cast<uint8_t*>(bytes.data()),
                                                  static_cast<uint32_t>(bytes.size()));
  Proto proto(trans);
  T obj;
  obj.read(&proto);  // sizes the reused object once, outside the loop
  if (!(obj == kFixture())) {
    state.SkipWithError("Apache read back a different object");
    return;
  }
  const uint64_t before = ThreadAllocations();
  for (auto _ : state) {
    trans->Rewind();
    obj.read(&proto);
  }
  SetCounters(state, ThreadAllocations() - before);
}

using Virtual = athrift::protocol::TBinaryProtocol;
using Direct = athrift::protocol::TBinaryProtocolT<TMemoryBuffer>;

}  // namespace

std::string ApacheEncodedComplex() { return Encode(ComplexFixture()); }
std::string ApacheEncodedRequest() { return Encode(RequestFixture()); }

void RegisterApacheBenchmarks() {
  using ::bench::Complex;
  using ::bench::Request;
  benchmark::RegisterBenchmark("codegen/complex/encode/apache_binary",
                               &EncodeBench<Virtual, Complex, &ComplexFixture>);
  benchmark::RegisterBenchmark("codegen/complex/encode/apache_binary_t",
                               &EncodeBench<Direct, Complex, &ComplexFixture>);
  benchmark::RegisterBenchmark("codegen/complex/decode/apache_binary",
                               &DecodeBench<Virtual, Complex, &ComplexFixture>);
  benchmark::RegisterBenchmark("codegen/complex/decode/apache_binary_t",
                               &DecodeBench<Direct, Complex, &ComplexFixture>);
  benchmark::RegisterBenchmark("codegen/request/encode/apache_binary",
                               &EncodeBench<Virtual, Request, &RequestFixture>);
  benchmark::RegisterBenchmark("codegen/request/encode/apache_binary_t",
                               &EncodeBench<Direct, Request, &RequestFixture>);
  benchmark::RegisterBenchmark("codegen/request/decode/apache_binary",
                               &DecodeBench<Virtual, Request, &RequestFixture>);
  benchmark::RegisterBenchmark("codegen/request/decode/apache_binary_t",
                               &DecodeBench<Direct, Request, &RequestFixture>);
}

}  // namespace vireo::codegen_bench
