// chain_demo: a caller calls stage A, which calls B, which calls C. A and B
// are coroutine handlers: they wait for the next stage without holding a
// thread. C is a blocking handler on a worker pool. Each stage is its own
// vireo::Server (here in one process, on ports the kernel picks; in
// production each would be a process of its own).
//
// The caller's deadline travels down the chain: a stage's outgoing call
// is capped by the deadline of the call it is serving, and the remaining
// time is sent on (THeader "timeout_ms", TTHeader key 12). So when C is
// too slow, every stage gives up at the caller's deadline, not at its own
// longer timeout.
//
// The trace travels the same way: the caller's client (with a tracer)
// starts a W3C trace, each stage's server continues it from the
// traceparent header, and each stage's call to the next carries it on. The
// three stages report the same trace id, each stage's parent span being
// the previous stage's client span; every server and the caller's client
// write their spans through LogTracer.
//
// Usage:
//   chain_demo [--framing=theader|ttheader] [--timeout_ms=800]
//
// Exits 0 when a quick call passes the chain and a slow one fails with
// DEADLINE_EXCEEDED at every stage.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "chain_rpc.h"
#include "examples/common/flags.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"

ABSL_FLAG(std::string, framing, "theader", "theader or ttheader.");
ABSL_FLAG(int, timeout_ms, 800, "The caller's timeout for a call to A.");

namespace {

using vireo::example::chain::Hop;
using vireo::example::chain::StageClient;

vireo::codec::Framing FramingFlag() {
  return absl::GetFlag(FLAGS_framing) == "ttheader" ? vireo::codec::Framing::kTTHeader
                                                    : vireo::codec::Framing::kTHeader;
}

Hop HopOf(const std::string& stage, const vireo::CallContext& ctx) {
  Hop hop;
  hop.stage = stage;
  hop.deadline_left_ms = ctx.deadline() == absl::InfiniteFuture()
                             ? -1
                             : absl::ToInt64Milliseconds(ctx.deadline() - absl::Now());
  hop.trace_id = ctx.trace().TraceIdHex();
  hop.span_id = ctx.trace().SpanIdHex();
  hop.parent_span_id = ctx.trace().ParentSpanIdHex();
  return hop;
}

// A and B: pass the call on and add themselves to the answer.
class RelayStage : public vireo::example::chain::StageHandler {
 public:
  RelayStage(std::string name, vireo::Client* next) : name_(std::move(name)), next_(next) {}

  vireo::Task<std::vector<Hop>> co_relay(vireo::CallContext& ctx, const std::string& payload,
                                         int32_t work_ms) override {
    const Hop me = HopOf(name_, ctx);
    StageClient next(next_);
    // No timeout here: the next stage's client has a long one (10 s), and
    // the deadline of the call being served caps it.
    absl::StatusOr<std::vector<Hop>> hops = co_await next.co_relay(payload, work_ms);
    if (!hops.ok()) {
      last_error_.store(hops.status().code());
      std::printf("  stage %s: the next stage failed: %s\n", name_.c_str(),
                  hops.status().ToString().c_str());
      throw std::runtime_error(name_ + ": " + std::string(hops.status().message()));
    }
    hops->push_back(me);
    co_return *std::move(hops);
  }

  // The code of the last failed call to the next stage; OK when none failed.
  absl::StatusCode last_error() const { return last_error_.load(); }

 private:
  const std::string name_;
  vireo::Client* const next_;
  std::atomic<absl::StatusCode> last_error_{absl::StatusCode::kOk};
};

// C: does the work, blocking its worker thread.
class WorkStage : public vireo::example::chain::StageHandler {
 public:
  std::vector<Hop> relay(vireo::CallContext& ctx, const std::string&, int32_t work_ms) override {
    const Hop me = HopOf("C", ctx);
    std::this_thread::sleep_for(std::chrono::milliseconds(work_ms));
    return {me};
  }
};

// A server on a free port of the loopback interface.
std::unique_ptr<vireo::Server> StartServer(vireo::Service* service, int worker_threads) {
  vireo::ServerOptions options;
  options.address = "127.0.0.1:0";
  options.num_loops = 1;
  options.worker_threads = worker_threads;
  options.shutdown_grace = absl::Seconds(2);
  auto server = std::make_unique<vireo::Server>(options);
  server->AddService(service);
  server->SetTracer(vireo::LogTracer());
  if (absl::Status s = server->Start(); !s.ok()) {
    std::fprintf(stderr, "chain_demo: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return server;
}

std::unique_ptr<vireo::Client> ClientOf(const vireo::Server& server) {
  vireo::ClientOptions options;
  options.service = "Stage";
  options.targets = {"127.0.0.1:" + std::to_string(server.port())};
  options.framing = FramingFlag();
  options.call_timeout = absl::Seconds(10);
  return std::make_unique<vireo::Client>(options);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  const absl::Duration timeout = absl::Milliseconds(absl::GetFlag(FLAGS_timeout_ms));

  WorkStage c;
  std::unique_ptr<vireo::Server> c_server = StartServer(&c, 4);
  std::unique_ptr<vireo::Client> to_c = ClientOf(*c_server);
  RelayStage b("B", to_c.get());
  std::unique_ptr<vireo::Server> b_server = StartServer(&b, 0);
  std::unique_ptr<vireo::Client> to_b = ClientOf(*b_server);
  RelayStage a("A", to_b.get());
  std::unique_ptr<vireo::Server> a_server = StartServer(&a, 0);
  std::unique_ptr<vireo::Client> to_a = ClientOf(*a_server);
  to_a->SetTracer(vireo::LogTracer());
  StageClient caller(to_a.get());

  int failures = 0;
  vireo::CallOptions options;
  options.timeout = timeout;

  std::printf("quick call (C works 20 ms, caller timeout %s):\n",
              absl::FormatDuration(timeout).c_str());
  absl::StatusOr<std::vector<Hop>> hops = caller.relay("quick", 20, options);
  if (!hops.ok() || hops->size() != 3) {
    std::printf("  FAIL: %s\n", hops.status().ToString().c_str());
    ++failures;
  } else {
    int64_t previous = 0;
    for (const Hop& hop : *hops) {  // C, B, A
      std::printf("  stage %s received the call with %lld ms left\n", hop.stage.c_str(),
                  static_cast<long long>(hop.deadline_left_ms));
      // Each stage saw the caller's deadline (not its client's 10 s), and a
      // later stage less of it than an earlier one.
      const bool ok = hop.deadline_left_ms >= 0 &&
                      hop.deadline_left_ms <= absl::ToInt64Milliseconds(timeout) &&
                      hop.deadline_left_ms >= previous;
      if (!ok) {
        std::printf("  FAIL: stage %s's deadline is not the caller's\n", hop.stage.c_str());
        ++failures;
      }
      previous = hop.deadline_left_ms;
    }
    // One trace from the caller to C; each stage a child of the one before.
    const Hop& at_c = (*hops)[0];
    const Hop& at_b = (*hops)[1];
    const Hop& at_a = (*hops)[2];
    std::printf("  trace %s: A span %s, B span %s (parent %s), C span %s (parent %s)\n",
                at_a.trace_id.c_str(), at_a.span_id.c_str(), at_b.span_id.c_str(),
                at_b.parent_span_id.c_str(), at_c.span_id.c_str(), at_c.parent_span_id.c_str());
    if (at_a.trace_id.size() != 32 || at_b.trace_id != at_a.trace_id ||
        at_c.trace_id != at_a.trace_id) {
      std::printf("  FAIL: the stages are not in one trace\n");
      ++failures;
    }
    // Between two stages sits the client span of the earlier one's call.
    if (at_b.parent_span_id == at_a.span_id || at_b.parent_span_id == std::string(16, '0') ||
        at_c.parent_span_id == at_b.span_id || at_c.parent_span_id == std::string(16, '0')) {
      std::printf("  FAIL: a stage's parent is not its caller's client span\n");
      ++failures;
    }
  }

  const int slow_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout)) + 1000;
  std::printf("slow call (C works %d ms, caller timeout %s):\n", slow_ms,
              absl::FormatDuration(timeout).c_str());
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<Hop>> slow = caller.relay("slow", slow_ms, options);
  std::printf(
      "  caller: %s after %s\n", slow.status().ToString().c_str(),
      absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))).c_str());
  // Every stage gives up at about the same moment, so the caller sees its
  // own DEADLINE_EXCEEDED or, if A's answer wins the race, A's error.
  if (slow.ok()) {
    std::printf("  FAIL: the slow call succeeded\n");
    ++failures;
  }
  // B's own client waits 10 s: its call to C ends at the caller's deadline
  // only because that deadline travelled down with the call. (B's timer may
  // fire a moment after the caller's: wait for it, well short of 10 s.) C's
  // answer, when it comes, finds nobody waiting and is dropped.
  for (int i = 0; i < 500 && b.last_error() == absl::StatusCode::kOk; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (b.last_error() != absl::StatusCode::kDeadlineExceeded) {
    std::printf("  FAIL: B's call to C did not end with DEADLINE_EXCEEDED\n");
    ++failures;
  }
  c_server->Stop();
  std::printf("  B's client dropped %llu late replies from C\n",
              static_cast<unsigned long long>(to_c->Stats().late_replies));

  a_server->Stop();
  b_server->Stop();
  std::printf("chain_demo: %s\n", failures == 0 ? "all checks passed" : "some checks FAILED");
  return failures == 0 ? 0 : 1;
}
