// vireo_rpc_bench_client: the Vireo load generator of the RPC benchmarks
// (bench/load/load_run.h: the flags, the window and the JSON line all
// load generators share), calling echo.thrift's EchoService.echo.
//
//   --mode=pool  pooled connections, one call in flight on each: the
//                client ends up with one connection per concurrent caller
//                (--conns is reported as --concurrency).
//   --mode=mux   --conns multiplexed connections carrying every call.
//
// Each caller sends its next call from the callback of its previous one,
// on the client's event loop (--loops), so no thread waits per call.
//
// --idle_conns=N instead opens N plain TCP connections, makes one framed
// binary echo call on each, prints `held N`, and keeps them open, idle,
// for --hold seconds: the idle-connection memory scenario (bench/run.sh
// reads the server's RSS while they are held).
//
// Usage:
//   vireo_rpc_bench_client --port=N [--mode=pool|mux] [--conns=1]
//       [--concurrency=1] [--payload=1024] [--duration=5] [--warmup=1]
//       [--framing=framed|theader|ttheader|buffered] [--protocol=binary|compact]
//       [--loops=1] [--busy_poll_us=0] [--io_uring] [--targets=host:port,...] [--lb=NAME]
//       [--weights=1,2,...]
//       [--retries=N] [--backup_delay_ms=M] [--breaker] [--idempotent]
//       [--retry_budget=R]
//       [--timeline_ms=T] [--metrics=true|false] [--generic=IDL_PATH]
//   vireo_rpc_bench_client --port=N --idle_conns=10000 [--hold=10]
//
// --targets also takes one URI: etcd://host:port[,host:port]/NAME
// resolves NAME's instances registered in etcd and follows them as they
// come and go; dns:///name:port every address of the name.
//
// With --targets the JSON line also has "per_target" (calls answered by
// each address, warm-up included) and, always, "errors_by_code" (failed
// calls by status code name) and the client's "retries", "backups",
// "abandoned_replies", "breaker_rejections" and "breaker_skips".
//
// --retries, --backup_delay_ms, --breaker and --idempotent set the
// client's governance (docs/governance.md): a retry policy with that many
// retries (a backup request counts as one; --backup_delay_ms alone allows
// one), the breakers with their defaults. --timeline_ms prints
// {"t_ms":...,"per_target":{...},"errors":N,...} lines to stderr as the
// run goes, for scenarios that change the servers mid-run.
//
// --generic=IDL_PATH (when built with vireo_generic) makes the same calls
// through generic::GenericClient instead of the generated client: the
// arguments are the JSON {"req":{"action":"echo","msg":"<payload>"}}, built
// once per caller and encoded on every call, and each reply is decoded to
// JSON and checked against the request's `req` object. The JSON line then
// says "generic":true.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/load/load_run.h"
#include "echo_rpc.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/client.h"
#include "vireo/transport/link_buffer.h"
#ifdef VIREO_BENCH_GENERIC
#include "vireo/core/generic/generic.h"
#endif

ABSL_FLAG(std::string, mode, "mux", "pool or mux.");
ABSL_FLAG(std::string, framing, "framed", "framed, theader, ttheader or buffered.");
ABSL_FLAG(std::string, protocol, "binary", "binary or compact.");
ABSL_FLAG(int, loops, 1, "Client event loops (threads).");
ABSL_FLAG(int, busy_poll_us, 0, "Busy-poll before a loop sleeps, microseconds (0 = off).");
ABSL_FLAG(bool, io_uring, false, "Loops receive and send through io_uring (ClientOptions::io_uring).");
ABSL_FLAG(int, idle_conns, 0, "Open this many idle connections instead of running load.");
ABSL_FLAG(std::string, targets, "",
          "host:port,host:port,...: the servers to spread calls over (instead of --host and "
          "--port), or one URI: etcd://host:port[,host:port]/NAME (instances registered in "
          "etcd, watched) or dns:///name:port. The JSON line then counts calls answered per "
          "address (per_target).");
ABSL_FLAG(std::string, lb, "",
          "round_robin, weighted_round_robin, weighted_random, consistent_hash or p2c. Default: "
          "the client's (weighted_round_robin).");
ABSL_FLAG(std::string, weights, "", "1,2,3: a weight per --targets entry, in order.");
ABSL_FLAG(int, retries, 0, "Failure retries per call (0: none; at most 5).");
ABSL_FLAG(double, backup_delay_ms, 0,
          "Send a backup request after this many ms without a reply (0: none; 0.6 works).");
ABSL_FLAG(double, retry_budget, -1,
          "Retries (and backups) allowed per call over 10 s (default: the policy's 0.1).");
ABSL_FLAG(bool, breaker, false, "Turn the method and instance circuit breakers on.");
ABSL_FLAG(bool, idempotent, false, "Retry calls the server may have run too (echo is idempotent).");
ABSL_FLAG(int64_t, timeline_ms, 0,
          "Print a JSON line to stderr every this many ms: answers per target, errors and "
          "the client's retry and breaker counters so far (0: none).");
ABSL_FLAG(bool, metrics, true,
          "Record per-method call metrics (ClientOptions::metrics; --metrics=false: off).");
ABSL_FLAG(double, hold, 10, "--idle_conns: seconds to keep the connections open.");
ABSL_FLAG(std::string, generic, "",
          "IDL_PATH: call EchoService.echo through a GenericClient with JSON arguments, the "
          "service read from this IDL file (echo.thrift). Default: the generated client.");

namespace {

using vireo::bench::LoadConfig;
using vireo::bench::LoadRun;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "vireo_rpc_bench_client: %s\n", what.c_str());
  std::exit(2);
}

// Outcomes by target and by error code, from any loop thread.
class Tally {
 public:
  void Answered(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    ++per_target_[target];
  }
  void Failed(absl::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    ++errors_by_code_[absl::StatusCodeToString(code)];
    ++errors_;
  }
  // {"per_target":{...},"errors":N} so far.
  std::string Snapshot() {
    std::lock_guard<std::mutex> lock(mu_);
    return "\"per_target\":" + Object(per_target_) + ",\"errors\":" + std::to_string(errors_);
  }
  // `json` (one object) with the fields added before its closing brace.
  std::string AddTo(std::string json, bool per_target, const std::string& more) {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t close = json.rfind('}');
    if (close == std::string::npos) return json;
    std::string extra;
    if (per_target) extra += ",\"per_target\":" + Object(per_target_);
    extra += ",\"errors_by_code\":" + Object(errors_by_code_);
    extra += more;
    json.insert(close, extra);
    return json;
  }

 private:
  static std::string Object(const std::map<std::string, uint64_t>& m) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : m) parts.push_back("\"" + k + "\":" + std::to_string(v));
    return "{" + absl::StrJoin(parts, ",") + "}";
  }

  uint64_t errors_ = 0;
  std::mutex mu_;
  std::map<std::string, uint64_t> per_target_;
  std::map<std::string, uint64_t> errors_by_code_;
};

// One caller: its request, and the loop that keeps one call in flight.
class Caller {
 public:
  Caller(bench::EchoServiceClient& client, LoadRun& run, Tally& tally, int slot)
      : client_(client), run_(run), tally_(tally), slot_(slot) {
    request_.action = "echo";
    request_.msg = vireo::bench::MakePayload(run.config().payload, slot);
  }

  void Next() {
    const int64_t start = vireo::bench::NowNs();
    client_.echo(request_, [this, start](absl::StatusOr<bench::Response> reply) {
      const bool ok = reply.ok() && reply->action == request_.action && reply->msg == request_.msg;
      if (!reply.ok()) tally_.Failed(reply.status().code());
      if (!reply.ok() && !reported_) {
        reported_ = true;
        std::fprintf(stderr, "vireo_rpc_bench_client: caller %d: %s\n", slot_,
                     reply.status().ToString().c_str());
      }
      if (run_.Finish(slot_, start, ok)) Next();
    });
  }

 private:
  bench::EchoServiceClient& client_;
  LoadRun& run_;
  Tally& tally_;
  const int slot_;
  bench::Request request_;
  bool reported_ = false;
};

#ifdef VIREO_BENCH_GENERIC
// A caller of the generic client: JSON arguments built once, the JSON reply
// checked against the request's `req` object (the decoder writes JSON on
// one line, as the arguments are written here).
class GenericCaller {
 public:
  GenericCaller(vireo::generic::GenericClient& client, LoadRun& run, Tally& tally, int slot)
      : client_(client), run_(run), tally_(tally), slot_(slot) {
    // MakePayload writes letters only: nothing to escape.
    expected_reply_ = R"({"action":"echo","msg":")" +
                      vireo::bench::MakePayload(run.config().payload, slot) + R"("})";
    args_ = R"({"req":)" + expected_reply_ + "}";
  }

  void Next() {
    const int64_t start = vireo::bench::NowNs();
    client_.Call(
        "echo", args_, options_, [this, start](absl::StatusOr<vireo::generic::GenericReply> reply) {
          const bool ok = reply.ok() && reply->exception.empty() && reply->json == expected_reply_;
          if (!reply.ok()) tally_.Failed(reply.status().code());
          if (!ok && !reported_) {
            reported_ = true;
            std::fprintf(stderr, "vireo_rpc_bench_client: caller %d: %s\n", slot_,
                         reply.ok() ? ("unexpected reply " + reply->json).c_str()
                                    : reply.status().ToString().c_str());
          }
          if (run_.Finish(slot_, start, ok)) Next();
        });
  }

 private:
  vireo::generic::GenericClient& client_;
  LoadRun& run_;
  Tally& tally_;
  const int slot_;
  const vireo::CallOptions options_;
  std::string args_;
  std::string expected_reply_;
  bool reported_ = false;
};
#endif  // VIREO_BENCH_GENERIC

int RunLoad() {
  LoadConfig config = vireo::bench::LoadConfigFromFlags(absl::GetFlag(FLAGS_targets).empty());
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "pool" && mode != "mux") Die("--mode must be pool or mux");
  if (mode == "pool") config.conns = config.concurrency;

  std::string yaml = "service: EchoService\n";
  const std::string targets = absl::GetFlag(FLAGS_targets);
  if (targets.empty()) {
    yaml += "targets: [\"" + config.host + ":" + std::to_string(config.port) + "\"]\n";
  } else if (targets.find("://") != std::string::npos) {
    // One resolver URI (etcd://host:port[,host:port]/NAME, dns:///name:port).
    yaml += "targets: [\"" + targets + "\"]\n";
  } else {
    std::vector<std::string> quoted;
    for (absl::string_view t : absl::StrSplit(targets, ',', absl::SkipEmpty())) {
      quoted.push_back("\"" + std::string(t) + "\"");
    }
    yaml += "targets: [" + absl::StrJoin(quoted, ", ") + "]\n";
  }
  if (const std::string lb = absl::GetFlag(FLAGS_lb); !lb.empty()) {
    yaml += "load_balancer: " + lb + "\n";
  }
  if (const std::string weights = absl::GetFlag(FLAGS_weights); !weights.empty()) {
    yaml += "weights: [" + weights + "]\n";
  }
  yaml += "framing: " + absl::GetFlag(FLAGS_framing) + "\n";
  yaml += "protocol: " + absl::GetFlag(FLAGS_protocol) + "\n";
  yaml += "mode: " + std::string(mode == "pool" ? "pooled" : "mux") + "\n";
  // Pooled: a connection per caller (max_idle_per_address); mux: --conns.
  if (mode == "mux") yaml += "mux_connections: " + std::to_string(config.conns) + "\n";
  yaml += "max_idle_per_address: " + std::to_string(config.concurrency) + "\n";
  yaml += "num_loops: " + std::to_string(absl::GetFlag(FLAGS_loops)) + "\n";
  yaml += "busy_poll: " + std::to_string(absl::GetFlag(FLAGS_busy_poll_us)) + "us\n";
  if (absl::GetFlag(FLAGS_io_uring)) yaml += "io_uring: true\n";
  yaml += "call_timeout: 30s\n";
  const int retries = absl::GetFlag(FLAGS_retries);
  const double backup_ms = absl::GetFlag(FLAGS_backup_delay_ms);
  if (retries > 0 || backup_ms > 0) {
    yaml += "retry:\n  enabled: true\n";
    yaml += "  max_retries: " + std::to_string(std::max(retries, 1)) + "\n";
    if (backup_ms > 0) {
      yaml += "  backup_delay: " + std::to_string(static_cast<int64_t>(backup_ms * 1000)) + "us\n";
    }
    if (absl::GetFlag(FLAGS_idempotent)) yaml += "  idempotent: true\n";
    if (const double budget = absl::GetFlag(FLAGS_retry_budget); budget >= 0) {
      yaml += "  budget_ratio: " + std::to_string(budget) + "\n";
    }
  }
  if (absl::GetFlag(FLAGS_breaker)) yaml += "breaker:\n  enabled: true\n";
  yaml += absl::GetFlag(FLAGS_metrics) ? "metrics: true\n" : "metrics: false\n";
  absl::StatusOr<vireo::ClientOptions> options = vireo::ClientOptions::FromYaml(yaml);
  if (!options.ok()) Die(options.status().ToString());
  options->limits.max_frame_size = 256u << 20;
  options->limits.max_string_size = 256u << 20;

  auto shared_transport = std::make_shared<vireo::Client>(*options);
  vireo::Client& transport = *shared_transport;
  Tally tally;
  if (!targets.empty() || absl::GetFlag(FLAGS_timeline_ms) > 0) {
    // Which target answered: the peer the client picked, seen after the call.
    transport.Use(
        [&tally](vireo::CallContext& ctx, vireo::ClientNext next) -> vireo::Task<absl::Status> {
          absl::Status s = co_await next();
          if (s.ok()) tally.Answered(ctx.peer().ToString());
          co_return s;
        });
  }
  bench::EchoServiceClient client(&transport);
  LoadRun run(config);
  std::vector<std::unique_ptr<Caller>> callers;
  const std::string generic_idl = absl::GetFlag(FLAGS_generic);
#ifdef VIREO_BENCH_GENERIC
  std::unique_ptr<vireo::generic::GenericClient> generic_client;
  std::vector<std::unique_ptr<GenericCaller>> generic_callers;
  if (!generic_idl.empty()) {
    absl::StatusOr<std::shared_ptr<const vireo::generic::Schema>> schema =
        vireo::generic::Schema::Load({generic_idl});
    if (!schema.ok()) Die("--generic=" + generic_idl + ": " + schema.status().ToString());
    generic_client = std::make_unique<vireo::generic::GenericClient>(*schema, shared_transport);
    if (absl::Status s = generic_client->Resolve("echo").status(); !s.ok()) {
      Die("--generic=" + generic_idl + ": " + s.ToString());
    }
    for (int slot = 0; slot < config.concurrency; ++slot) {
      generic_callers.push_back(std::make_unique<GenericCaller>(*generic_client, run, tally, slot));
    }
  }
#else
  if (!generic_idl.empty()) Die("--generic: built without vireo_generic (simdjson not found)");
#endif
  for (int slot = 0; slot < config.concurrency && generic_idl.empty(); ++slot) {
    callers.push_back(std::make_unique<Caller>(client, run, tally, slot));
  }
  auto counters = [&transport] {
    const vireo::ClientStats st = transport.Stats();
    return ",\"retries\":" + std::to_string(st.retries) +
           ",\"backups\":" + std::to_string(st.backups) +
           ",\"abandoned_replies\":" + std::to_string(st.abandoned_replies) +
           ",\"breaker_rejections\":" + std::to_string(st.breaker_rejections) +
           ",\"breaker_skips\":" + std::to_string(st.breaker_skips);
  };
  run.Start();
  for (auto& caller : callers) caller->Next();
#ifdef VIREO_BENCH_GENERIC
  for (auto& caller : generic_callers) caller->Next();
#endif
  // The timeline: a line per period until the run is over.
  std::atomic<bool> over{false};
  std::thread timeline;
  if (const int64_t period = absl::GetFlag(FLAGS_timeline_ms); period > 0) {
    timeline = std::thread([&, period] {
      const auto start = std::chrono::steady_clock::now();
      auto next = start;
      while (!over.load()) {
        next += std::chrono::milliseconds(period);
        std::this_thread::sleep_until(next);
        const int64_t t_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
        std::fprintf(stderr, "{\"t_ms\":%lld,%s%s}\n", static_cast<long long>(t_ms),
                     tally.Snapshot().c_str(), counters().c_str());
      }
    });
  }
  const bool finished = run.Wait();
  over.store(true);
  if (timeline.joinable()) timeline.join();
  const std::string generic_field = generic_idl.empty() ? "" : ",\"generic\":true";
  std::printf(
      "%s\n",
      tally.AddTo(run.Json("vireo", mode), !targets.empty(), counters() + generic_field).c_str());
  std::fflush(stdout);
  if (!finished) {
    std::fprintf(stderr, "vireo_rpc_bench_client: calls still in flight after the run\n");
    std::_Exit(1);  // callers are still referenced by calls in flight
  }
  return 0;
}

// A framed binary echo call, encoded once.
std::string EncodedCall() {
  bench::EchoService_echo_args args;
  args.req.action = "echo";
  args.req.msg = vireo::bench::MakePayload(1024, 0);
  vireo::transport::LinkBuffer body;
  vireo::codec::BinaryWriter writer(body);
  writer.WriteMessageBegin("echo", vireo::codec::MessageType::kCall, 1);
  vireo::codec::Encode(args, vireo::codec::ProtocolId::kBinary, body);
  writer.WriteMessageEnd();
  body.Flush();
  std::string bytes = *body.ReadString(body.Len());
  const uint32_t size = htonl(static_cast<uint32_t>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(&size), 4) + bytes;
}

int HoldIdle() {
  const LoadConfig config = vireo::bench::LoadConfigFromFlags();
  const int n = absl::GetFlag(FLAGS_idle_conns);
  const std::string call = EncodedCall();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(config.port));
  if (inet_pton(AF_INET, config.host.c_str(), &addr.sin_addr) != 1) Die("--host must be IPv4");
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(n));
  std::string reply(64 * 1024, '\0');
  for (int i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) Die("socket: " + std::string(strerror(errno)));
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      Die("connect #" + std::to_string(i) + ": " + strerror(errno));
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (write(fd, call.data(), call.size()) != static_cast<ssize_t>(call.size())) {
      Die("write #" + std::to_string(i));
    }
    // The reply: a 4-byte length, then that many bytes.
    size_t want = 4, got = 0;
    while (got < want) {
      const ssize_t r = read(fd, reply.data() + got, reply.size() - got);
      if (r <= 0) Die("read #" + std::to_string(i));
      got += static_cast<size_t>(r);
      if (want == 4 && got >= 4) {
        uint32_t len;
        std::memcpy(&len, reply.data(), 4);
        want = 4 + ntohl(len);
      }
    }
    fds.push_back(fd);
  }
  std::printf("held %d\n", n);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::duration<double>(absl::GetFlag(FLAGS_hold)));
  for (int fd : fds) close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return absl::GetFlag(FLAGS_idle_conns) > 0 ? HoldIdle() : RunLoad();
}
