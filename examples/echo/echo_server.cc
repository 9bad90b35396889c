// echo_server: serves EchoService (bench/idl/echo.thrift) and answers every
// framing (THeader, TTHeader, Framed, Buffered) and protocol (Binary,
// Compact), detected per connection.
//
// Usage:
//   echo_server --port=8888 [--host=0.0.0.0] [--loops=0] [--port-file=PATH]
//
// --port=0 lets the kernel choose; --port-file then tells a script which
// port it chose. Runs until SIGINT or SIGTERM, then shuts down gracefully.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "echo_rpc.h"
#include "examples/common/flags.h"
#include "examples/common/server_main.h"
#include "vireo/core/server.h"

ABSL_FLAG(int, port, 8888, "TCP port to listen on; 0 lets the kernel choose.");
ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on.");
ABSL_FLAG(int, loops, 0, "Event loops (threads); 0 = one per hardware thread.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server listens.");

namespace {

// The handler: the blocking form is enough for a method that never waits.
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
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  vireo::examples::StopSignals stop;

  vireo::ServerOptions options;
  options.address = absl::GetFlag(FLAGS_host) + ":" + std::to_string(absl::GetFlag(FLAGS_port));
  options.num_loops = absl::GetFlag(FLAGS_loops);
  EchoHandler handler;
  vireo::Server server(options);
  server.AddService(&handler);
  return vireo::examples::ServeUntilStopped(server, "echo_server", absl::GetFlag(FLAGS_port_file),
                                            stop);
}
