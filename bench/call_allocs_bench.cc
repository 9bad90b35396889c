// vireo_call_allocs_bench: heap allocations per call on the RPC path,
// server and client together in one process, with metrics off and on
// (ServerOptions::metrics, ClientOptions::metrics), so that what metrics
// add per call shows as the difference.
//
// Every operator new in the process is counted (one relaxed atomic add).
// Each round starts a server (one loop) and a multiplexed client (one
// loop), warms up, then makes --calls echo calls through the callback API,
// each sent from the previous one's callback on the client's loop (no
// thread waits per call), and divides the allocations by the calls.
//
// Usage: vireo_call_allocs_bench [--calls=20000] [--payload=128] [--only=off|on]
// Prints one JSON line:
//   {"calls":N,"allocs_per_call_metrics_off":X,"allocs_per_call_metrics_on":Y,"added":Y-X}
#include <atomic>
#include <condition_variable>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/echo_handler.h"
#include "echo_rpc.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"

namespace bench {
std::atomic<uint64_t> allocations{0};
void CountAllocation() { allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace bench
using bench::allocations;

#include "bench/counting_new.h"

ABSL_FLAG(int, calls, 20000, "Calls measured per round.");
ABSL_FLAG(int, payload, 128, "Bytes of the echoed message.");
ABSL_FLAG(std::string, only, "",
          "Run one round only: \"off\" or \"on\" (to count instructions per call under "
          "valgrind --tool=callgrind, one run each).");

namespace {

using bench::EchoHandler;

// Sends `left` calls one after another, each from the previous one's
// callback; signals when the last is back.
class Chain {
 public:
  Chain(bench::EchoServiceClient& client, bench::Request req) : client_(client), req_(req) {}

  void Run(int calls) {
    left_ = calls;
    Next();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    done_ = false;
  }

 private:
  void Next() {
    client_.echo(req_, [this](absl::StatusOr<bench::Response> r) {
      if (!r.ok()) {
        std::fprintf(stderr, "vireo_call_allocs_bench: call failed: %s\n",
                     r.status().ToString().c_str());
        std::exit(1);
      }
      if (--left_ > 0) {
        Next();
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      cv_.notify_all();
    });
  }

  bench::EchoServiceClient& client_;
  const bench::Request req_;
  int left_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

double AllocsPerCall(bool metrics, int calls, int payload) {
  EchoHandler handler;
  vireo::ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  so.metrics = metrics;
  vireo::Server server(so);
  server.AddService(&handler);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "vireo_call_allocs_bench: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  vireo::ClientOptions co;
  co.service = "EchoService";
  co.targets = {"127.0.0.1:" + std::to_string(server.port())};
  co.num_loops = 1;
  co.mode = vireo::ConnectionMode::kMux;
  co.metrics = metrics;
  vireo::Client transport(co);
  bench::EchoServiceClient client(&transport);
  bench::Request req;
  req.action = "echo";
  req.msg = std::string(static_cast<size_t>(payload), 'x');
  Chain chain(client, req);
  chain.Run(2000);  // warm-up: connections, buffers, caches
  const uint64_t before = allocations.load();
  chain.Run(calls);
  const uint64_t after = allocations.load();
  return static_cast<double>(after - before) / calls;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int calls = absl::GetFlag(FLAGS_calls);
  const int payload = absl::GetFlag(FLAGS_payload);
  const std::string only = absl::GetFlag(FLAGS_only);
  if (!only.empty()) {
    std::printf("{\"calls\":%d,\"metrics\":\"%s\",\"allocs_per_call\":%.3f}\n", calls, only.c_str(),
                AllocsPerCall(only == "on", calls, payload));
    return 0;
  }
  const double off = AllocsPerCall(false, calls, payload);
  const double on = AllocsPerCall(true, calls, payload);
  // To the printed precision; equal counts print as 0, not -0.
  double added = std::round((on - off) * 1000) / 1000;
  if (added == 0) added = 0;
  std::printf(
      "{\"calls\":%d,\"allocs_per_call_metrics_off\":%.3f,\"allocs_per_call_metrics_on\":%.3f,"
      "\"added\":%.3f}\n",
      calls, off, on, added);
  return 0;
}
