// apache_bench_server: the Apache Thrift C++ (libthrift 0.17) echo server of
// the side-by-side RPC benchmarks. Serves bench/idl/echo.thrift's
// EchoService with Apache's generated code; the reply carries the request's
// action and msg.
//
//   --server=nonblocking  TNonblockingServer (framed + binary) on
//                         --io_threads libevent loops, the handler run on the
//                         loop that read the call (no thread manager).
//   --server=threaded     TThreadedServer, TFramedTransport + TBinaryProtocol,
//                         one thread per connection.
//
// Prints "listening <port>" on stdout once it accepts calls (the real port
// when --port=0), then serves until killed. Diagnostics go to stderr.
//
// Usage:
//   apache_bench_server [--port=0] [--server=nonblocking|threaded]
//       [--io_threads=2]
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TNonblockingServer.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TNonblockingServerSocket.h>
#include <thrift/transport/TServerSocket.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "EchoService.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/load/alloc_count.h"

ABSL_FLAG(int, port, 0, "Port to listen on; 0 picks a free one.");
ABSL_FLAG(std::string, server, "nonblocking", "Apache server: nonblocking or threaded.");
ABSL_FLAG(int, io_threads, 2, "IO threads of the nonblocking server.");

namespace {

namespace athrift = ::apache::thrift;
using athrift::protocol::TBinaryProtocolFactory;
using athrift::server::TNonblockingServer;
using athrift::server::TServer;
using athrift::server::TServerEventHandler;
using athrift::server::TThreadedServer;
using athrift::transport::TFramedTransport;
using athrift::transport::TNonblockingServerSocket;
using athrift::transport::TServerSocket;
using athrift::transport::TTransport;
using athrift::transport::TTransportFactory;

class EchoHandler final : public ::bench::EchoServiceIf {
 public:
  void echo(::bench::Response& response, const ::bench::Request& request) override {
    response.action = request.action;
    response.msg = request.msg;
  }
};

// A TFramedTransport whose message-size budget is renewed with every frame.
// TBinaryProtocol charges each string it borrows to the transport's budget
// (TConfiguration's max message size, 100 MiB), and the stock transport
// renews it only in flush(). TThreadedServer reads a connection through one
// transport object and writes through another, so the reading one is never
// flushed: after about 100 MiB of requests it throws "MaxMessageSize
// reached" and the connection is dropped. The budget is meant per message.
class PerFrameFramedTransport final : public TFramedTransport {
 public:
  using TFramedTransport::TFramedTransport;

 protected:
  bool readFrame() override {
    resetConsumedMessageSize();
    return TFramedTransport::readFrame();
  }
};

class PerFrameFramedTransportFactory final : public TTransportFactory {
 public:
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> transport) override {
    return std::make_shared<PerFrameFramedTransport>(std::move(transport));
  }
};

// Announces the port once the server socket is listening: both servers call
// preServe() after listen() and before their first accept.
class ReadyPrinter final : public TServerEventHandler {
 public:
  explicit ReadyPrinter(std::function<int()> port) : port_(std::move(port)) {}

  void preServe() override {
    vireo::bench::InstallAllocationReport();  // SIGUSR1: "allocations N" (bench/rpc_bench.py)
    std::printf("listening %d\n", port_());
    std::fflush(stdout);
  }

 private:
  std::function<int()> port_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int port = absl::GetFlag(FLAGS_port);
  const std::string kind = absl::GetFlag(FLAGS_server);
  const int io_threads = absl::GetFlag(FLAGS_io_threads);
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "apache_bench_server: --port must be 0..65535\n");
    return 2;
  }
  if (io_threads < 1) {
    std::fprintf(stderr, "apache_bench_server: --io_threads must be at least 1\n");
    return 2;
  }

  auto processor = std::make_shared<::bench::EchoServiceProcessor>(std::make_shared<EchoHandler>());
  auto protocol = std::make_shared<TBinaryProtocolFactory>();
  std::unique_ptr<TServer> server;
  if (kind == "nonblocking") {
    auto socket = std::make_shared<TNonblockingServerSocket>(port);
    auto nonblocking = std::make_unique<TNonblockingServer>(processor, protocol, socket);
    nonblocking->setNumIOThreads(static_cast<size_t>(io_threads));
    nonblocking->setServerEventHandler(
        std::make_shared<ReadyPrinter>([socket] { return socket->getListenPort(); }));
    server = std::move(nonblocking);
  } else if (kind == "threaded") {
    auto socket = std::make_shared<TServerSocket>(port);
    server = std::make_unique<TThreadedServer>(
        processor, socket, std::make_shared<PerFrameFramedTransportFactory>(), protocol);
    server->setServerEventHandler(
        std::make_shared<ReadyPrinter>([socket] { return socket->getPort(); }));
  } else {
    std::fprintf(stderr, "apache_bench_server: --server must be nonblocking or threaded\n");
    return 2;
  }

  try {
    server->serve();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apache_bench_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
