// rpc_test_server: TestService in a process of its own, for the tests that
// kill or restart a server (rpc_fault_test).
//
// Usage: rpc_test_server --port=N --port-file=PATH
// Writes the bound port to PATH once it listens; runs until killed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "examples/common/server_main.h"
#include "test_service.h"
#include "vireo/core/server.h"

int main(int argc, char** argv) {
  int port = 0;
  std::string port_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--port=", 0) == 0) port = std::atoi(arg.c_str() + 7);
    if (arg.rfind("--port-file=", 0) == 0) port_file = arg.substr(12);
  }
  vireo::examples::StopSignals stop;
  rpctest::Timers timers;
  rpctest::TestHandler handler(&timers);
  vireo::ServerOptions options;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.num_loops = 1;
  vireo::Server server(options);
  server.AddService(&handler);
  return vireo::examples::ServeUntilStopped(server, "rpc_test_server", port_file, stop);
}
