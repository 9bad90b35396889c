// grpc_bench_client: the gRPC C++ (1.51) load generator of the side-by-side
// RPC benchmarks, against bench/peers/echo.proto's EchoService.
//
// --conns channels, each its own TCP connection (every channel keeps a
// private subchannel pool, so gRPC does not fold them onto one shared
// connection), and --concurrency calls in flight in total: slot i calls on
// channel i % conns, so several slots multiplex on one HTTP/2 connection
// when concurrency > conns. Calls use the callback API, and each slot
// starts its next call from the completion callback of the previous one,
// so gRPC's own threads drive the load; there is no thread per slot.
//
// A failed call counts as an error and the slot goes on: the channel
// reconnects by itself, and calls are made wait-for-ready, so while it is
// down they wait for it (up to the call timeout) instead of failing at
// once in a tight loop.
//
// Output: one JSON line on stdout (vireo::bench::LoadRun::Json, framework
// "grpc", mode "async"). Exit status 0, or 1 when slots were stuck or a
// channel could not connect, 2 on bad flags.
//
// Usage (against grpc_bench_server):
//   grpc_bench_client --port=N [--host=127.0.0.1] [--conns=1]
//       [--concurrency=16] [--payload=1024] [--duration=5] [--warmup=1]
#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "bench/load/load_run.h"
#include "echo.grpc.pb.h"

namespace {

using vireo::bench::LoadConfig;
using vireo::bench::LoadRun;

// Largest message either way, as on grpc_bench_server: gRPC receives at
// most 4 MiB by default.
constexpr int kMaxMessageBytes = 64 << 20;
// A call that has not completed after this long fails, so that a hung
// server cannot keep a slot past LoadRun::Wait's grace period.
constexpr auto kCallTimeout = std::chrono::seconds(5);
// Time allowed for each channel to connect before the run.
constexpr auto kConnectTimeout = std::chrono::seconds(10);
// Failures reported to stderr; the rest are only counted.
constexpr int kMaxReportedFailures = 10;

struct Slot {
  int index = 0;
  ::bench::EchoService::Stub* stub = nullptr;
  ::bench::Request request;
  ::bench::Response response;
  // A ClientContext serves one call: each call emplaces a fresh one. The
  // previous one is destroyed then, from inside its own call's completion
  // callback, which gRPC allows (the call holds its own reference).
  std::optional<grpc::ClientContext> context;
  int64_t start_ns = 0;
};

// Drives the slots: Call() starts a slot's call, whose completion callback
// checks the reply, reports it to the run and starts the next one.
class Caller {
 public:
  explicit Caller(LoadRun& run) : run_(run) {}

  // Any thread; the slot must have no call in flight.
  void Call(Slot& slot) {
    slot.response.Clear();
    slot.context.emplace();
    slot.context->set_wait_for_ready(true);
    slot.context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    slot.start_ns = vireo::bench::NowNs();
    slot.stub->async()->Echo(&*slot.context, &slot.request, &slot.response,
                             [this, &slot](grpc::Status status) { Done(slot, status); });
  }

 private:
  // On a gRPC thread; must not block.
  void Done(Slot& slot, const grpc::Status& status) {
    bool ok = status.ok();
    if (!ok) {
      Report(slot.index, status.error_message().c_str());
    } else if (slot.response.action() != slot.request.action() ||
               slot.response.msg() != slot.request.msg()) {
      ok = false;
      Report(slot.index, "reply does not match the request");
    }
    if (run_.Finish(slot.index, slot.start_ns, ok)) Call(slot);
  }

  void Report(int slot_index, const char* what) {
    if (reported_.fetch_add(1, std::memory_order_relaxed) < kMaxReportedFailures) {
      std::fprintf(stderr, "grpc_bench_client: slot %d: call failed: %s\n", slot_index, what);
    }
  }

  LoadRun& run_;
  std::atomic<int> reported_{0};
};

std::string Target(const LoadConfig& config) {
  const bool ipv6 = config.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + config.host + "]" : config.host) + ":" + std::to_string(config.port);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const LoadConfig config = vireo::bench::LoadConfigFromFlags();
  const std::string target = Target(config);

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<::bench::EchoService::Stub>> stubs;
  for (int i = 0; i < config.conns; ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    args.SetMaxSendMessageSize(kMaxMessageBytes);
    // Channels with equal arguments share subchannels, i.e. connections,
    // through gRPC's global subchannel pool; a local pool per channel
    // gives each channel its own.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout)) {
      std::fprintf(stderr, "grpc_bench_client: channel %d: cannot connect to %s\n", i,
                   target.c_str());
      return 1;
    }
    stubs.push_back(::bench::EchoService::NewStub(channel));
    channels.push_back(std::move(channel));
  }

  std::vector<Slot> slots(static_cast<size_t>(config.concurrency));
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i].index = static_cast<int>(i);
    slots[i].stub = stubs[i % stubs.size()].get();
    slots[i].request.set_action("echo");
    slots[i].request.set_msg(vireo::bench::MakePayload(config.payload, static_cast<int>(i)));
  }

  LoadRun run(config);
  Caller caller(run);
  run.Start();
  for (Slot& slot : slots) caller.Call(slot);
  const bool finished = run.Wait();
  std::puts(run.Json("grpc", "async").c_str());
  if (!finished) {
    std::fprintf(stderr, "grpc_bench_client: slots did not finish\n");
    // Calls still in flight point into `slots` and `caller`: leave without
    // destroying them.
    std::fflush(nullptr);
    std::_Exit(1);
  }
  return 0;
}
