// scale_server: ScaleService in a process of its own, for the
// connection-scale test (scale_test.cc), which needs more descriptors than
// one process may hold for both ends of its connections.
//
// Usage: scale_server --port-file=PATH [--port=N] [--min-fds=N] [--loops=N]
// Raises its soft RLIMIT_NOFILE to at least --min-fds (exit code 2 and a
// message naming the hard limit when that is lower), writes the bound port
// to PATH once it listens, and runs until SIGINT or SIGTERM, after which it
// stops gracefully and exits 0.
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "examples/common/server_main.h"
#include "scale_service_rpc.h"
#include "vireo/codec/bytes.h"
#include "vireo/core/server.h"

namespace scaletest {
namespace {

class ScaleHandler : public ScaleServiceHandler {
 public:
  // `server` is the one this handler is added to; set before it starts.
  void set_server(const vireo::Server* server) { server_ = server; }

  vireo::codec::Bytes echo(vireo::CallContext&, const vireo::codec::Bytes& payload) override {
    return payload;
  }

  ServerCounts counts(vireo::CallContext&) override {
    const vireo::ServerStats s = server_->stats();
    ServerCounts c;
    c.open_connections = s.open_connections;
    c.connections_accepted = static_cast<int64_t>(s.connections_accepted);
    c.connections_rejected = static_cast<int64_t>(s.connections_rejected);
    c.in_flight_calls = s.in_flight_calls;
    return c;
  }

 private:
  const vireo::Server* server_ = nullptr;
};

// Raises the soft descriptor limit to at least `min_fds`. False, with the
// reason on stderr, when the hard limit does not allow it.
bool RaiseFdLimit(rlim_t min_fds) {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    std::fprintf(stderr, "scale_server: getrlimit(RLIMIT_NOFILE): %s\n", std::strerror(errno));
    return false;
  }
  if (rl.rlim_cur >= min_fds) return true;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < min_fds) {
    std::fprintf(stderr,
                 "scale_server: needs %llu file descriptors but the hard RLIMIT_NOFILE is %llu "
                 "(raise it: ulimit -Hn)\n",
                 static_cast<unsigned long long>(min_fds),
                 static_cast<unsigned long long>(rl.rlim_max));
    return false;
  }
  rl.rlim_cur = min_fds;
  if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    std::fprintf(stderr, "scale_server: setrlimit(RLIMIT_NOFILE, %llu): %s\n",
                 static_cast<unsigned long long>(min_fds), std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace
}  // namespace scaletest

int main(int argc, char** argv) {
  int port = 0;
  int loops = 2;
  unsigned long long min_fds = 0;
  std::string port_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--port=", 0) == 0) port = std::atoi(arg.c_str() + 7);
    if (arg.rfind("--loops=", 0) == 0) loops = std::atoi(arg.c_str() + 8);
    if (arg.rfind("--min-fds=", 0) == 0) min_fds = std::strtoull(arg.c_str() + 10, nullptr, 10);
    if (arg.rfind("--port-file=", 0) == 0) port_file = arg.substr(12);
  }
  if (min_fds > 0 && !scaletest::RaiseFdLimit(static_cast<rlim_t>(min_fds))) return 2;
  vireo::examples::StopSignals stop;
  scaletest::ScaleHandler handler;
  vireo::ServerOptions options;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.num_loops = loops;
  vireo::Server server(options);
  handler.set_server(&server);
  server.AddService(&handler);
  return vireo::examples::ServeUntilStopped(server, "scale_server", port_file, stop);
}
