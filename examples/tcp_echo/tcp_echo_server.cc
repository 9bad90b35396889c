// tcp_echo_server: sends every byte it receives back to its sender.
//
// A TcpServer on an EventLoopGroup; each connection's message callback
// slices whatever arrived out of the input buffer and queues the slice for
// sending, so the echoed bytes are never copied in user space.
//
// Usage:
//   tcp_echo_server --port=9090 [--host=0.0.0.0] [--loops=0] [--port-file=PATH]
//
// --port=0 lets the kernel choose; --port-file then tells a script which
// port it chose. Runs until SIGINT or SIGTERM, then closes every connection
// and exits 0.

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "examples/common/flags.h"
#include "examples/common/server_main.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/link_buffer.h"
#include "vireo/transport/tcp_server.h"

ABSL_FLAG(int, port, 9090, "TCP port to listen on; 0 lets the kernel choose.");
ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on (numeric or a name).");
ABSL_FLAG(int, loops, 0, "Event loops (threads); 0 = one per hardware thread.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server listens.");

namespace {

using vireo::transport::Connection;
using vireo::transport::EventLoopGroup;
using vireo::transport::InetAddress;
using vireo::transport::LinkBuffer;
using vireo::transport::TcpServer;

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  const int port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "tcp_echo_server: --port=%d is not a TCP port\n", port);
    return 2;
  }
  absl::StatusOr<InetAddress> address =
      InetAddress::Resolve(absl::GetFlag(FLAGS_host), static_cast<uint16_t>(port));
  if (!address.ok()) {
    std::fprintf(stderr, "tcp_echo_server: %s\n", address.status().ToString().c_str());
    return 2;
  }

  // Before any thread starts, so that only Wait() below receives them.
  vireo::examples::StopSignals stop;

  EventLoopGroup loops({.num_loops = absl::GetFlag(FLAGS_loops), .name = "echo-loop"});
  TcpServer server(&loops, *address, TcpServer::Options(),
                   [](const std::shared_ptr<Connection>& conn) {
                     conn->SetMessageCallback([](Connection& c, LinkBuffer& in) {
                       // Slice shares the received blocks: the echo is not copied.
                       c.Send(*in.Slice(in.Len()));
                     });
                   });
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "tcp_echo_server: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("listening on %s\n", server.address().ToString().c_str());
  std::fflush(stdout);

  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    if (absl::Status s = vireo::examples::WritePortFile(port_file, server.address().port()); !s.ok()) {
      std::fprintf(stderr, "tcp_echo_server: %s\n", s.ToString().c_str());
      server.Stop();
      loops.Stop();
      return 1;
    }
  }

  const char* signal_name = stop.Wait();
  std::printf("received %s; stopping with %zu connections open\n", signal_name,
              server.connection_count());
  std::fflush(stdout);
  server.Stop();
  loops.Stop();
  return 0;
}
