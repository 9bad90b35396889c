// rpc_apache_server: serves rpc_interop.thrift's Store (and, multiplexed,
// Counter) with Apache Thrift 0.17's C++ library, for Vireo clients to call.
//
//   rpc_apache_server --port N --server threaded|nonblocking
//                     --transport framed|buffered|header
//                     --protocol binary|compact [--multiplexed]
//
// The handlers answer as rpc_interop.thrift describes, like the Vireo
// handler of rpc_interop_test.cc. Runs until killed; exits 2 on bad
// arguments and 1 when the server fails to start.
//
// THeader (--transport header): Apache's header protocol factory reads
// header, framed and unframed requests and answers each in kind once the
// server's separate output protocol factory is removed (with it, the
// nonblocking server never answers and the threaded one answers framed
// requests with header frames). The protocol inside a header reply is the
// request's, so --protocol does not matter there.
//
// TNonblockingServer reads only frames: with --transport buffered it
// refuses to start (exit 2).
#include <thrift/TProcessor.h>
#include <thrift/processor/TMultiplexedProcessor.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/server/TNonblockingServer.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TNonblockingServerSocket.h>
#include <thrift/transport/TServerSocket.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "Counter.h"
#include "Store.h"
#include "rpc_apache_options.h"

namespace interop {
namespace {

namespace ap = apache::thrift::protocol;
namespace as = apache::thrift::server;
namespace at = apache::thrift::transport;

class StoreHandler : public StoreIf {
 public:
  void echo(Item& out, const Item& item) override { out = item; }

  void find(Item& out, const int64_t id) override {
    if (id < 0) {
      NotFound missing;
      missing.__set_reason("no item " + std::to_string(id));
      missing.__set_code(404);
      throw missing;
    }
    out.__set_id(id);
    out.__set_name("item-" + std::to_string(id));
  }

  void ping() override {}

  void record(const std::string& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    recorded_.push_back(s);
  }

  void recorded(std::vector<std::string>& out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out = recorded_;
  }

  void mixed(std::string& out, const bool flag, const int8_t b, const int16_t s, const int32_t i,
             const int64_t l, const double d, const std::string& str,
             const std::vector<int32_t>& nums, const Color::type color,
             const Point& point) override {
    std::string joined;
    for (size_t k = 0; k < nums.size(); ++k) {
      if (k > 0) joined += ",";
      joined += std::to_string(nums[k]);
    }
    char text[256];
    std::snprintf(text, sizeof(text), "flag=%d b=%d s=%d i=%d l=%lld d=%.3f str=", flag ? 1 : 0,
                  static_cast<int>(b), static_cast<int>(s), static_cast<int>(i),
                  static_cast<long long>(l), d);
    out = std::string(text) + str + " nums=" + joined +
          " color=" + std::to_string(static_cast<int>(color)) +
          " point=" + std::to_string(point.x) + "," + std::to_string(point.y);
  }

 private:
  std::mutex mu_;
  std::vector<std::string> recorded_;
};

class CounterHandler : public CounterIf {
 public:
  int64_t add(const int64_t delta) override { return total_ += delta; }

 private:
  std::atomic<int64_t> total_{0};
};

std::shared_ptr<ap::TProtocolFactory> ProtocolFactory(const PeerOptions& options) {
  if (options.transport == "header") return std::make_shared<ap::THeaderProtocolFactory>();
  if (options.protocol == "compact") return std::make_shared<ap::TCompactProtocolFactory>();
  return std::make_shared<ap::TBinaryProtocolFactory>();
}

int Serve(const PeerOptions& options) {
  std::shared_ptr<apache::thrift::TProcessor> processor;
  auto store = std::make_shared<StoreProcessor>(std::make_shared<StoreHandler>());
  if (options.multiplexed) {
    auto mux = std::make_shared<apache::thrift::TMultiplexedProcessor>();
    mux->registerProcessor("Store", store);
    mux->registerProcessor("Counter",
                           std::make_shared<CounterProcessor>(std::make_shared<CounterHandler>()));
    processor = mux;
  } else {
    processor = store;
  }
  const std::shared_ptr<ap::TProtocolFactory> protocols = ProtocolFactory(options);

  std::unique_ptr<as::TServer> server;
  if (options.server == "nonblocking") {
    auto socket = std::make_shared<at::TNonblockingServerSocket>("127.0.0.1", options.port);
    auto nonblocking = std::make_unique<as::TNonblockingServer>(processor, protocols, socket);
    nonblocking->setNumIOThreads(1);
    server = std::move(nonblocking);
  } else {
    auto socket = std::make_shared<at::TServerSocket>("127.0.0.1", options.port);
    std::shared_ptr<at::TTransportFactory> transports;
    if (options.transport == "framed") {
      transports = std::make_shared<at::TFramedTransportFactory>();
    } else {
      // The header protocol does its own framing over a buffered stream.
      transports = std::make_shared<at::TBufferedTransportFactory>();
    }
    server = std::make_unique<as::TThreadedServer>(processor, socket, transports, protocols);
  }
  if (options.transport == "header") server->setOutputProtocolFactory(nullptr);
  try {
    server->serve();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rpc_apache_server: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace interop

int main(int argc, char** argv) {
  interop::PeerOptions options;
  std::string error;
  if (!interop::ParsePeerOptions(argc, argv, &options, &error)) {
    std::fprintf(stderr, "rpc_apache_server: %s\n", error.c_str());
    return 2;
  }
  if (options.server == "nonblocking" && options.transport == "buffered") {
    std::fprintf(stderr, "rpc_apache_server: TNonblockingServer reads only frames (no buffered)\n");
    return 2;
  }
  return interop::Serve(options);
}
