// echo_client: calls EchoService in the blocking, callback and coroutine
// styles, checks every reply, and exits 0 only when all calls succeeded.
//
// Usage:
//   echo_client --port=8888 [--host=127.0.0.1] [--framing=theader|ttheader|framed|buffered]
//               [--protocol=binary|compact] [--mode=mux|pool|short] [--calls=10]
#include <atomic>
#include <cstdio>
#include <latch>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "echo_rpc.h"
#include "examples/common/flags.h"
#include "vireo/core/client.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Server host.");
ABSL_FLAG(int, port, 8888, "Server port.");
ABSL_FLAG(std::string, framing, "theader", "theader, ttheader, framed or buffered.");
ABSL_FLAG(std::string, protocol, "binary", "binary or compact.");
ABSL_FLAG(std::string, mode, "mux", "Connections: mux, pool or short.");
ABSL_FLAG(int, calls, 10, "Calls per calling style.");

namespace {

bench::Request MakeRequest(const std::string& style, int i) {
  bench::Request req;
  req.action = style;
  req.msg = "hello " + std::to_string(i);
  return req;
}

// Counts a reply: it must echo the request it answers.
bool Check(const std::string& style, int i, const absl::StatusOr<bench::Response>& r) {
  const bench::Request want = MakeRequest(style, i);
  if (!r.ok()) {
    std::fprintf(stderr, "%s call %d: %s\n", style.c_str(), i, r.status().ToString().c_str());
    return false;
  }
  if (r->action != want.action || r->msg != want.msg) {
    std::fprintf(stderr, "%s call %d: got {%s, %s}, want {%s, %s}\n", style.c_str(), i,
                 r->action.c_str(), r->msg.c_str(), want.action.c_str(), want.msg.c_str());
    return false;
  }
  return true;
}

vireo::Task<int> CoroutineCalls(bench::EchoServiceClient& client, int calls) {
  int ok = 0;
  for (int i = 0; i < calls; ++i) {
    const bench::Request req = MakeRequest("coroutine", i);
    absl::StatusOr<bench::Response> r = co_await client.co_echo(req);
    ok += Check("coroutine", i, r);
  }
  co_return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  // The same options could come from a file: vireo::ClientOptions::FromYamlFile.
  std::string yaml = "service: EchoService\n";
  yaml += "targets: [\"" + absl::GetFlag(FLAGS_host) + ":" +
          std::to_string(absl::GetFlag(FLAGS_port)) + "\"]\n";
  yaml += "framing: " + absl::GetFlag(FLAGS_framing) + "\n";
  yaml += "protocol: " + absl::GetFlag(FLAGS_protocol) + "\n";
  const std::string mode = absl::GetFlag(FLAGS_mode);
  yaml += "mode: " + (mode == "pool" ? std::string("pooled") : mode) + "\n";
  absl::StatusOr<vireo::ClientOptions> options = vireo::ClientOptions::FromYaml(yaml);
  if (!options.ok()) {
    std::fprintf(stderr, "echo_client: %s\n", options.status().ToString().c_str());
    return 2;
  }
  vireo::Client transport(*options);
  bench::EchoServiceClient client(&transport);
  const int calls = absl::GetFlag(FLAGS_calls);

  int ok = 0;
  for (int i = 0; i < calls; ++i) {
    ok += Check("blocking", i, client.echo(MakeRequest("blocking", i)));
  }

  std::atomic<int> async_ok{0};
  std::latch done(calls);
  std::vector<bench::Request> requests;
  for (int i = 0; i < calls; ++i) requests.push_back(MakeRequest("callback", i));
  for (int i = 0; i < calls; ++i) {
    client.echo(requests[i], [&, i](absl::StatusOr<bench::Response> r) {
      async_ok += Check("callback", i, r);
      done.count_down();
    });
  }
  done.wait();
  ok += async_ok.load();

  ok += vireo::BlockOn(CoroutineCalls(client, calls));

  const int total = 3 * calls;
  std::printf("echo_client: %d/%d calls succeeded (%s, %s, %s)\n", ok, total,
              absl::GetFlag(FLAGS_framing).c_str(), absl::GetFlag(FLAGS_protocol).c_str(),
              mode.c_str());
  return ok == total ? 0 : 1;
}
