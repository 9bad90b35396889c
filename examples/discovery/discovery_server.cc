// discovery_server: an echo server (bench/idl/echo.thrift) that registers
// itself in etcd, so clients find it by name. Its replies say which
// instance answered.
//
// Usage:
//   discovery_server --etcd=127.0.0.1:2379 --name=server-1 [--port=0]
//       [--host=127.0.0.1] [--ttl=60s] [--port-file=PATH]
//
// Registers EchoService at <host>:<port> under kitex/registry-etcd (Kitex's
// layout) once it listens, keeps the registration alive, and removes it on
// SIGINT/SIGTERM before it stops listening. Killed, it leaves the key
// until its lease (--ttl) runs out.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "echo_rpc.h"
#include "examples/common/flags.h"
#include "examples/common/server_main.h"
#include "vireo/core/server.h"

ABSL_FLAG(std::string, etcd, "127.0.0.1:2379", "etcd endpoints, host:port[,host:port].");
ABSL_FLAG(std::string, name, "server", "This instance's name, in every reply.");
ABSL_FLAG(int, port, 0, "TCP port; 0 lets the kernel choose.");
ABSL_FLAG(std::string, host, "127.0.0.1", "Address to listen on (and to register).");
ABSL_FLAG(absl::Duration, ttl, absl::Seconds(60),
          "Lease of the registration: how long a killed server stays listed.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server listens.");

namespace {

class NamedEchoHandler : public bench::EchoServiceHandler {
 public:
  explicit NamedEchoHandler(std::string name) : name_(std::move(name)) {}
  bench::Response echo(vireo::CallContext&, const bench::Request& req) override {
    bench::Response resp;
    resp.action = name_;
    resp.msg = req.msg;
    return resp;
  }

 private:
  const std::string name_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  vireo::examples::StopSignals stop;

  vireo::ServerOptions options;
  options.address = absl::GetFlag(FLAGS_host) + ":" + std::to_string(absl::GetFlag(FLAGS_port));
  options.num_loops = 1;
  options.registry.kind = "etcd";
  options.registry.endpoints = absl::StrSplit(absl::GetFlag(FLAGS_etcd), ',', absl::SkipEmpty());
  options.registry.ttl = absl::GetFlag(FLAGS_ttl);
  options.registry.tags = {{"instance", absl::GetFlag(FLAGS_name)}};
  NamedEchoHandler handler(absl::GetFlag(FLAGS_name));
  vireo::Server server(options);
  server.AddService(&handler);
  return vireo::examples::ServeUntilStopped(server, "discovery_server",
                                            absl::GetFlag(FLAGS_port_file), stop);
}
