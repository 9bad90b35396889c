// vireo_rpc_bench_server: the Vireo side of the RPC benchmarks, an echo
// server for bench/idl/echo.thrift with handlers run inline on the event
// loops. Every framing and protocol is detected per connection.
//
// Prints `listening <port>` on stdout once it accepts calls, then serves
// until SIGINT or SIGTERM.
//
// Usage:
//   vireo_rpc_bench_server --port=N [--loops=1] [--workers=0]
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "echo_rpc.h"
#include "vireo/core/server.h"

ABSL_FLAG(int, port, 0, "TCP port; 0 lets the kernel choose.");
ABSL_FLAG(int, loops, 1, "Event loops (threads).");
ABSL_FLAG(int, workers, 0, "Worker threads for handlers; 0 = run them inline on the loops.");
ABSL_FLAG(double, qps_limit, 0, "Calls per second served; the rest get RESOURCE_EXHAUSTED. 0 = none.");
ABSL_FLAG(int, max_in_flight, 0,
          "Calls in flight on the server; over it, RESOURCE_EXHAUSTED. 0 = no limit.");

namespace {

class EchoHandler : public bench::EchoServiceHandler {
 public:
  bench::Response echo(vireo::CallContext&, const bench::Request& req) override {
    bench::Response resp;
    resp.action = req.action;
    resp.msg = req.msg;
    return resp;
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Blocked before any thread starts, so every thread inherits the mask and
  // sigwait below is the only receiver.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  vireo::ServerOptions options;
  options.address = "0.0.0.0:" + std::to_string(absl::GetFlag(FLAGS_port));
  options.num_loops = absl::GetFlag(FLAGS_loops);
  options.worker_threads = absl::GetFlag(FLAGS_workers);
  options.qps_limit = absl::GetFlag(FLAGS_qps_limit);
  options.max_in_flight = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_max_in_flight)));
  // The 64 MiB echo of the memory scenario.
  options.limits.max_frame_size = 256u << 20;
  options.limits.max_string_size = 256u << 20;
  EchoHandler handler;
  vireo::Server server(options);
  server.AddService(&handler);
  if (absl::Status status = server.Start(); !status.ok()) {
    std::fprintf(stderr, "vireo_rpc_bench_server: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.Stop();
  return 0;
}
