// apache_bench_client: the Apache Thrift C++ (libthrift 0.17) load generator
// of the side-by-side RPC benchmarks. Apache's C++ client is synchronous, so
// every slot owns one connection (TSocket with TCP_NODELAY, TFramedTransport,
// TBinaryProtocol, the generated EchoServiceClient) and a thread that makes
// one call after another; --conns must equal --concurrency.
//
// A failed call counts as an error; the slot then reconnects (retrying every
// 10 ms until the run is over) and goes on.
//
// Output: one JSON line on stdout (vireo::bench::LoadRun::Json, framework
// "apache", mode "sync"). Exit status 0, or 1 when slots were stuck or the
// connections could not be made, 2 on bad flags.
//
// Usage (against apache_bench_server, or any framed + binary EchoService):
//   apache_bench_client --port=N [--host=127.0.0.1] [--conns=16]
//       [--concurrency=16] [--payload=1024] [--duration=5] [--warmup=1]
#include <thrift/TApplicationException.h>
#include <thrift/TOutput.h>
#include <thrift/Thrift.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "EchoService.h"
#include "absl/flags/parse.h"
#include "bench/load/load_run.h"

namespace {

namespace athrift = ::apache::thrift;
using athrift::TApplicationException;
using athrift::TException;
using athrift::protocol::TBinaryProtocol;
using athrift::transport::TFramedTransport;
using athrift::transport::TSocket;
using vireo::bench::LoadConfig;
using vireo::bench::LoadRun;

// A call that has not completed after this long is failed, so that a hung
// server cannot hang the run (RunBlockingSlots joins every slot's thread).
constexpr int kCallTimeoutMs = 10'000;
// Pause between attempts to reconnect a slot.
constexpr auto kReconnectPause = std::chrono::milliseconds(10);
// Failures reported to stderr; the rest are only counted.
constexpr int kMaxReportedFailures = 10;
// Lines of libthrift's own log passed on to stderr.
constexpr int kMaxThriftLogLines = 10;

std::atomic<int> thrift_log_lines{0};

// libthrift logs every failed connect; a slot retries every 10 ms while the
// server is down, which would flood stderr.
void ThriftLog(const char* message) {
  if (thrift_log_lines.fetch_add(1, std::memory_order_relaxed) < kMaxThriftLogLines) {
    athrift::TOutput::errorTimeWrapper(message);
  }
}

// One connection and its call. Used by one thread at a time.
struct Slot {
  ::bench::Request request;
  ::bench::Response response;
  std::shared_ptr<TSocket> socket;
  std::shared_ptr<TFramedTransport> transport;
  std::unique_ptr<::bench::EchoServiceClient> client;
};

// Replaces the slot's connection with a new, open one; throws TException if
// it cannot connect.
void Connect(const LoadConfig& config, Slot& slot) {
  // Closing the socket, not the framed transport: the latter would first
  // try to flush on a connection that has just failed.
  if (slot.socket) slot.socket->close();
  slot.client.reset();
  slot.socket = std::make_shared<TSocket>(config.host, config.port);
  TSocket& socket = *slot.socket;
  socket.setNoDelay(true);
  socket.setRecvTimeout(kCallTimeoutMs);
  socket.setSendTimeout(kCallTimeoutMs);
  // The framed transport's message-size budget (100 MiB, charged with every
  // string read) is renewed by flush(), which each call does before it reads
  // its reply; the TSocket under it checks its own but never charges it. So
  // long 1 MiB runs do not exhaust either, unlike on TThreadedServer's side.
  slot.transport = std::make_shared<TFramedTransport>(slot.socket);
  slot.client = std::make_unique<::bench::EchoServiceClient>(
      std::make_shared<TBinaryProtocol>(slot.transport));
  slot.transport->open();
}

class Caller {
 public:
  Caller(LoadRun& run, std::vector<Slot>& slots) : run_(run), slots_(slots) {}

  // One echo on `slot_index`; returns whether the reply matched. A call
  // that failed on its connection leaves the slot reconnected, or the run
  // over.
  bool Call(int slot_index) {
    Slot& slot = slots_[static_cast<size_t>(slot_index)];
    try {
      slot.client->echo(slot.response, slot.request);
      return slot.response.action == slot.request.action && slot.response.msg == slot.request.msg;
    } catch (const TApplicationException& e) {
      // The server answered with an error; the connection is still in step.
      Report(slot_index, e.what());
      return false;
    } catch (const TException& e) {
      Report(slot_index, e.what());
    }
    while (!run_.Over()) {
      try {
        Connect(run_.config(), slot);
        break;
      } catch (const TException&) {
        std::this_thread::sleep_for(kReconnectPause);
      }
    }
    return false;
  }

 private:
  void Report(int slot_index, const char* what) {
    if (reported_.fetch_add(1, std::memory_order_relaxed) < kMaxReportedFailures) {
      std::fprintf(stderr, "apache_bench_client: slot %d: call failed: %s\n", slot_index, what);
    }
  }

  LoadRun& run_;
  std::vector<Slot>& slots_;
  std::atomic<int> reported_{0};
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  athrift::GlobalOutput.setOutputFunction(ThriftLog);
  const LoadConfig config = vireo::bench::LoadConfigFromFlags();
  if (config.conns != config.concurrency) {
    std::fprintf(stderr,
                 "apache_bench_client: Apache's C++ client makes one call at a time per "
                 "connection: --conns (%d) must equal --concurrency (%d)\n",
                 config.conns, config.concurrency);
    return 2;
  }

  std::vector<Slot> slots(static_cast<size_t>(config.concurrency));
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i].request.__set_action("echo");
    slots[i].request.__set_msg(vireo::bench::MakePayload(config.payload, static_cast<int>(i)));
    try {
      Connect(config, slots[i]);
    } catch (const TException& e) {
      std::fprintf(stderr, "apache_bench_client: connecting to %s:%d: %s\n", config.host.c_str(),
                   config.port, e.what());
      return 1;
    }
  }

  LoadRun run(config);
  Caller caller(run, slots);
  vireo::bench::RunBlockingSlots(run, [&caller](int slot) { return caller.Call(slot); });
  const bool finished = run.Wait();
  std::puts(run.Json("apache", "sync").c_str());
  if (!finished) {
    std::fprintf(stderr, "apache_bench_client: slots did not finish\n");
    return 1;
  }
  return 0;
}
