// rpc_test_server: TestService in a process of its own, for the tests that
// kill or restart a server (rpc_fault_test, rpc_discovery_test).
//
// Usage: rpc_test_server --port=N --port-file=PATH
//            [--registry=ENDPOINT[,ENDPOINT] --service=NAME --registry-ttl=SECONDS]
// Writes the bound port to PATH once it listens (and, with --registry, is
// registered in that etcd); runs until killed, or until SIGTERM/SIGINT,
// which deregisters it and stops it gracefully.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "examples/common/server_main.h"
#include "test_service.h"
#include "vireo/core/server.h"

int main(int argc, char** argv) {
  int port = 0;
  std::string port_file;
  vireo::RegistryOptions registry;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--port=", 0) == 0) port = std::atoi(arg.c_str() + 7);
    if (arg.rfind("--port-file=", 0) == 0) port_file = arg.substr(12);
    if (arg.rfind("--registry=", 0) == 0) {
      registry.kind = "etcd";
      registry.endpoints = absl::StrSplit(arg.substr(11), ',', absl::SkipEmpty());
    }
    if (arg.rfind("--service=", 0) == 0) registry.service = arg.substr(10);
    if (arg.rfind("--registry-ttl=", 0) == 0)
      registry.ttl = absl::Seconds(std::atoi(arg.c_str() + 15));
  }
  vireo::examples::StopSignals stop;
  rpctest::Timers timers;
  rpctest::TestHandler handler(&timers);
  vireo::ServerOptions options;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.num_loops = 1;
  options.registry = registry;
  vireo::Server server(options);
  server.AddService(&handler);
  return vireo::examples::ServeUntilStopped(server, "rpc_test_server", port_file, stop);
}
