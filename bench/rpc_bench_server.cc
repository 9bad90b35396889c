// vireo_rpc_bench_server: the Vireo side of the RPC benchmarks, an echo
// server for bench/idl/echo.thrift with handlers run inline on the event
// loops. Every framing and protocol is detected per connection.
//
// Prints `listening <port>` on stdout once it accepts calls, then serves
// until SIGINT or SIGTERM.
//
// Usage:
//   vireo_rpc_bench_server --port=N [--loops=1] [--workers=0] [--busy_poll_us=0] [--io_uring]
//       [--qps_limit=0] [--max_in_flight=0] [--delay_us=0] [--fail_ratio=0] [--metrics=true|false]
//       [--generic=IDL_PATH]
//       [--registry=etcd://host:port[,host:port] [--service=NAME]
//        [--registry_ttl=60s] [--registry_host=HOST]]
//
// --registry registers the server in etcd in Kitex's layout (key
// kitex/registry-etcd/<service>/<host:port>; the host is the first
// non-loopback IPv4 address unless --registry_host says) once it listens,
// and deregisters it on SIGINT/SIGTERM before it stops listening.
//
// --delay_us makes each call wait that long before it answers: on a loop
// timer when handlers run inline (the loop keeps serving), by sleeping
// when they run on workers. --fail_ratio makes that share of the calls
// fail (the handler throws: the client sees INTERNAL), spread evenly.
//
// --generic=IDL_PATH (when built with vireo_generic) serves EchoService
// from that IDL with a generic::GenericService instead of the generated
// service: the server decodes each call's arguments to JSON
// ({"req":{"action":...,"msg":...}}), the handler answers with the `req`
// object as the reply, sliced out of the arguments' text without parsing
// it (Request and Response have the same fields), as a gateway that
// forwards JSON would, and the server encodes that JSON as the Response.
// Not with --delay_us or --fail_ratio.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/echo_handler.h"
#include "bench/load/alloc_count.h"
#include "echo_rpc.h"
#include "vireo/core/resolver.h"
#include "vireo/core/server.h"
#include "vireo/core/task.h"
#include "vireo/transport/event_loop.h"
#ifdef VIREO_BENCH_GENERIC
#include "vireo/core/generic/generic.h"
#endif

ABSL_FLAG(int, port, 0, "TCP port; 0 lets the kernel choose.");
ABSL_FLAG(int, loops, 1, "Event loops (threads).");
ABSL_FLAG(int, busy_poll_us, 0, "Busy-poll before a loop sleeps, microseconds (0 = off).");
ABSL_FLAG(bool, io_uring, false, "Loops receive and send through io_uring (ServerOptions::io_uring).");
ABSL_FLAG(int, workers, 0, "Worker threads for handlers; 0 = run them inline on the loops.");
ABSL_FLAG(double, qps_limit, 0,
          "Calls per second served; the rest get RESOURCE_EXHAUSTED. 0 = none.");
ABSL_FLAG(int, max_in_flight, 0,
          "Calls in flight on the server; over it, RESOURCE_EXHAUSTED. 0 = no limit.");
ABSL_FLAG(bool, metrics, true,
          "Record per-method call metrics (ServerOptions::metrics; --metrics=false: off).");
ABSL_FLAG(int64_t, delay_us, 0, "Each call waits this long before it answers.");
ABSL_FLAG(double, fail_ratio, 0, "This share of the calls fails (INTERNAL), spread evenly.");
ABSL_FLAG(std::string, generic, "",
          "IDL_PATH: serve EchoService from this IDL file (echo.thrift) with a generic JSON "
          "handler that echoes the request. Default: the generated service.");
ABSL_FLAG(std::string, registry, "",
          "etcd://host:port[,host:port][?prefix=P]: register in etcd (Kitex's layout).");
ABSL_FLAG(std::string, service, "",
          "--registry: the service name registered (default: EchoService's IDL name).");
ABSL_FLAG(absl::Duration, registry_ttl, absl::Seconds(60), "--registry: the lease's time to live.");
ABSL_FLAG(std::string, registry_host, "",
          "--registry: the host registered (default: the first non-loopback IPv4 address).");

namespace {

using bench::EchoHandler;

// The echo with a delay and injected failures, for the governance
// scenarios. A class of its own so that the plain echo keeps its cost.
class SlowOrFailingEchoHandler : public EchoHandler {
 public:
  SlowOrFailingEchoHandler(absl::Duration delay, double fail_ratio)
      : delay_(delay), fail_ratio_(fail_ratio) {}

  vireo::Task<bench::Response> co_echo(vireo::CallContext& ctx,
                                       const bench::Request& req) override {
    if (delay_ > absl::ZeroDuration()) {
      if (vireo::transport::EventLoop* loop = vireo::transport::EventLoop::Current()) {
        co_await vireo::Suspend<bool>([&](absl::AnyInvocable<void(bool) &&> resume) {
          loop->RunAfter(delay_,
                         [resume = std::move(resume)]() mutable { std::move(resume)(true); });
        });
      } else {
        absl::SleepFor(delay_);  // a worker thread
      }
    }
    if (fail_ratio_ > 0) {
      // Call n fails when n * ratio crosses an integer: evenly spread.
      const uint64_t n = calls_.fetch_add(1, std::memory_order_relaxed);
      if (std::floor((n + 1) * fail_ratio_) > std::floor(n * fail_ratio_)) {
        throw std::runtime_error("injected failure (--fail_ratio)");
      }
    }
    co_return echo(ctx, req);
  }

 private:
  const absl::Duration delay_;
  const double fail_ratio_;
  std::atomic<uint64_t> calls_{0};
};

#ifdef VIREO_BENCH_GENERIC
// EchoService served from its IDL: the reply is the `req` argument's JSON,
// sliced out of {"req":<req>} (the server's decoder writes that on one line
// and in IDL order, and echo has no other argument).
absl::StatusOr<std::shared_ptr<vireo::Service>> GenericEchoService(const std::string& idl) {
  absl::StatusOr<std::shared_ptr<const vireo::generic::Schema>> schema =
      vireo::generic::Schema::Load({idl});
  if (!schema.ok()) return schema.status();
  auto service = vireo::generic::GenericService::Create(
      *schema, "EchoService",
      [](vireo::CallContext&, const vireo::generic::MethodSchema&,
         std::string_view args) -> absl::StatusOr<vireo::generic::GenericReply> {
        constexpr std::string_view kPrefix = R"({"req":)";
        if (args.size() < kPrefix.size() + 1 || args.substr(0, kPrefix.size()) != kPrefix ||
            args.back() != '}') {
          return absl::InvalidArgumentError("echo: arguments are not {\"req\":...}");
        }
        vireo::generic::GenericReply reply;
        reply.json = std::string(args.substr(kPrefix.size(), args.size() - kPrefix.size() - 1));
        return reply;
      });
  if (!service.ok()) return service.status();
  return std::shared_ptr<vireo::Service>(std::move(*service));
}
#endif  // VIREO_BENCH_GENERIC

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
  options.busy_poll = absl::Microseconds(absl::GetFlag(FLAGS_busy_poll_us));
  options.io_uring = absl::GetFlag(FLAGS_io_uring);
  options.worker_threads = absl::GetFlag(FLAGS_workers);
  options.qps_limit = absl::GetFlag(FLAGS_qps_limit);
  options.max_in_flight = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_max_in_flight)));
  options.metrics = absl::GetFlag(FLAGS_metrics);
  if (const std::string registry = absl::GetFlag(FLAGS_registry); !registry.empty()) {
    absl::StatusOr<vireo::ResolverTarget> uri = vireo::ResolverTarget::Parse(registry);
    if (!uri.ok() || uri->scheme != "etcd" || uri->authority.empty() || !uri->path.empty()) {
      std::fprintf(stderr,
                   "vireo_rpc_bench_server: --registry=%s: expected etcd://host:port[,host:port]\n",
                   registry.c_str());
      return 2;
    }
    options.registry.kind = "etcd";
    options.registry.endpoints = absl::StrSplit(uri->authority, ',', absl::SkipEmpty());
    if (auto prefix = uri->params.find("prefix"); prefix != uri->params.end()) {
      options.registry.prefix = prefix->second;
    }
    options.registry.service = absl::GetFlag(FLAGS_service);
    options.registry.ttl = absl::GetFlag(FLAGS_registry_ttl);
    options.registry.host = absl::GetFlag(FLAGS_registry_host);
  }
  // The 64 MiB echo of the memory scenario.
  options.limits.max_frame_size = 256u << 20;
  options.limits.max_string_size = 256u << 20;
  const absl::Duration delay = absl::Microseconds(absl::GetFlag(FLAGS_delay_us));
  const double fail_ratio = absl::GetFlag(FLAGS_fail_ratio);
  std::unique_ptr<EchoHandler> handler =
      delay > absl::ZeroDuration() || fail_ratio > 0
          ? std::make_unique<SlowOrFailingEchoHandler>(delay, fail_ratio)
          : std::make_unique<EchoHandler>();
  vireo::Server server(options);
  if (const std::string idl = absl::GetFlag(FLAGS_generic); !idl.empty()) {
#ifdef VIREO_BENCH_GENERIC
    if (delay > absl::ZeroDuration() || fail_ratio > 0) {
      std::fprintf(stderr,
                   "vireo_rpc_bench_server: --generic takes no --delay_us or --fail_ratio\n");
      return 2;
    }
    absl::StatusOr<std::shared_ptr<vireo::Service>> service = GenericEchoService(idl);
    if (!service.ok()) {
      std::fprintf(stderr, "vireo_rpc_bench_server: --generic=%s: %s\n", idl.c_str(),
                   service.status().ToString().c_str());
      return 2;
    }
    server.AddService(std::move(*service));
#else
    std::fprintf(stderr, "vireo_rpc_bench_server: --generic: built without vireo_generic\n");
    return 2;
#endif
  } else {
    server.AddService(handler.get());
  }
  if (absl::Status status = server.Start(); !status.ok()) {
    std::fprintf(stderr, "vireo_rpc_bench_server: %s\n", status.ToString().c_str());
    return 1;
  }
  vireo::bench::InstallAllocationReport();  // SIGUSR1: "allocations N" (bench/rpc_bench.py)
  std::printf("listening %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.Stop();
  return 0;
}
