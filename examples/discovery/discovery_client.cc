// discovery_client: calls EchoService wherever etcd says it runs, one call
// every --interval, and prints which instance answered each.
//
// Usage:
//   discovery_client --etcd=127.0.0.1:2379 [--calls=100] [--interval=50ms]
//
// The client resolves etcd://<etcd>/EchoService and watches it: instances
// that register are called as soon as etcd reports them, instances that
// leave (deregistered, or their lease ran out) are no longer called. echo
// is idempotent, so a call that fails on an instance that died is retried
// on another; the circuit breaker skips a dead instance until etcd drops
// it. Exits 0 when every call succeeded, 1 otherwise.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "echo_rpc.h"
#include "examples/common/flags.h"
#include "vireo/core/client.h"

ABSL_FLAG(std::string, etcd, "127.0.0.1:2379", "etcd endpoints, host:port[,host:port].");
ABSL_FLAG(int, calls, 100, "Calls to make.");
ABSL_FLAG(absl::Duration, interval, absl::Milliseconds(50), "Time between calls.");

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  vireo::ClientOptions options;
  options.service = "EchoService";
  options.targets = {"etcd://" + absl::GetFlag(FLAGS_etcd) + "/EchoService"};
  // Generous, for a loaded test machine: a call that takes longer fails.
  options.call_timeout = absl::Seconds(5);
  options.retry.enabled = true;
  options.idempotent_methods = {"echo"};
  options.breaker.enabled = true;
  vireo::Client transport(options);
  bench::EchoServiceClient client(&transport);

  std::map<std::string, int> answered;
  int failed = 0;
  for (int i = 1; i <= absl::GetFlag(FLAGS_calls); ++i) {
    bench::Request req;
    req.msg = "call " + std::to_string(i);
    absl::StatusOr<bench::Response> r = client.echo(req);
    if (r.ok() && r->msg == req.msg) {
      ++answered[r->action];
      std::printf("call %d answered by %s\n", i, r->action.c_str());
    } else {
      ++failed;
      std::printf("call %d FAILED: %s\n", i,
                  r.ok() ? "wrong reply" : r.status().ToString().c_str());
    }
    std::fflush(stdout);
    absl::SleepFor(absl::GetFlag(FLAGS_interval));
  }
  const vireo::ClientStats stats = transport.Stats();
  std::printf("answered:");
  for (const auto& [name, n] : answered) std::printf(" %s=%d", name.c_str(), n);
  std::printf("; failed=%d; retries=%llu\n", failed,
              static_cast<unsigned long long>(stats.retries));
  return failed == 0 ? 0 : 1;
}
