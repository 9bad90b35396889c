// PeerProcess: a peer program of the RPC interoperability tests (Apache's
// C++ client or server, the Python client) run as a child process, waited
// for with a bound so that a hung peer fails a test instead of hanging it.
//
// Example:
//   absl::StatusOr<PeerProcess> server = PeerProcess::Start({kServer, "--port", "9090"});
//   ASSERT_TRUE(server.ok()) << server.status();
//   ASSERT_TRUE(WaitForPort(9090, absl::Seconds(20), &*server).ok());
//   absl::StatusOr<int> exit_code = client->Wait(absl::Seconds(60));  // kills on timeout
//
// The child inherits stdout and stderr, so what a peer prints about a
// failed check lands in the test's log.
//
// Thread rules: a PeerProcess belongs to one thread; the free functions
// are thread safe.
#ifndef VIREO_TESTS_INTEROP_RPC_PEER_PROCESS_H_
#define VIREO_TESTS_INTEROP_RPC_PEER_PROCESS_H_

#include <sys/types.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vireo::interop_test {

class PeerProcess {
 public:
  // Starts argv[0] (a path) with the arguments that follow, with this
  // process's environment plus `env` ("NAME=value" entries, which win).
  static absl::StatusOr<PeerProcess> Start(const std::vector<std::string>& argv,
                                           const std::vector<std::string>& env = {});

  PeerProcess(PeerProcess&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)),
        name_(std::move(other.name_)),
        exit_code_(other.exit_code_) {}
  PeerProcess& operator=(PeerProcess&&) = delete;
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;
  // Kills and reaps the child if it still runs.
  ~PeerProcess();

  // Waits up to `timeout` for the child to exit and returns its exit code
  // (128 + the signal's number when a signal ended it). On timeout kills it
  // and returns DEADLINE_EXCEEDED naming the program.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  // True while the child has not exited (reaps it when it has).
  bool Running();
  // Sends SIGKILL and reaps the child. Idempotent.
  void Kill();

  const std::string& name() const { return name_; }

 private:
  PeerProcess(pid_t pid, std::string name) : pid_(pid), name_(std::move(name)) {}

  pid_t pid_ = -1;  // -1 once reaped
  std::string name_;
  int exit_code_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0,
// read back, closed), for a peer server that cannot report its own.
absl::StatusOr<int> PickFreePort();

// Connects to 127.0.0.1:`port` until a connection succeeds (OK), `server`
// exits (FAILED_PRECONDITION with its exit code), or `timeout` passes
// (DEADLINE_EXCEEDED).
absl::Status WaitForPort(int port, absl::Duration timeout, PeerProcess* server);

// ---- The peers of rpc_interop.thrift (paths from the build) ----

// Generous bounds for a loaded machine: a peer that takes longer is hung.
inline constexpr absl::Duration kPeerStartTimeout = absl::Seconds(30);
inline constexpr absl::Duration kPeerRunTimeout = absl::Seconds(60);

// How a peer frames and encodes: "framed" | "buffered" | "header", and
// "binary" | "compact".
struct PeerWire {
  std::string transport = "framed";
  std::string protocol = "binary";
  bool multiplexed = false;
};

// "header compact multiplexed": how test names and failures show a PeerWire.
inline void PrintTo(const PeerWire& w, std::ostream* os) {
  *os << w.transport << " " << w.protocol << (w.multiplexed ? " multiplexed" : "");
}

// A running rpc_apache_server and the port it accepts on.
struct ApacheServer {
  PeerProcess process;
  int port = 0;
};

// Starts rpc_apache_server (`server`: "threaded" | "nonblocking") on a free
// port and waits until it accepts; picks another port when the server
// could not bind (another process took the port in between).
absl::StatusOr<ApacheServer> StartApacheServer(const std::string& server, const PeerWire& wire);

// Runs rpc_apache_client against 127.0.0.1:`port` to the end; returns its
// exit code (0: every check passed).
absl::StatusOr<int> RunApacheClient(int port, const PeerWire& wire);

// Runs rpc_python_client.py (THeader only; `wire.transport` is ignored).
absl::StatusOr<int> RunPythonClient(int port, const PeerWire& wire, bool zlib = false);

// One run of the Python client: its wire, and whether its frames are
// zlib-compressed.
struct PythonCase {
  PeerWire wire;
  bool zlib = false;
};

inline void PrintTo(const PythonCase& c, std::ostream* os) {
  PrintTo(c.wire, os);
  if (c.zlib) *os << " zlib";
}

// True when /usr/bin/python3 imports python3-thrift (checked at configure).
bool PythonAvailable();

// Plays the bytes Apache's THeader client (Binary) writes to a THeader
// server at 127.0.0.1:`port`, captured from rpc_apache_client: a call of
// Store.ping; the frame with a header and no message that
// THeaderTransport::close() flushes; another ping. OK when both pings get
// a THeader Binary REPLY on the one connection; otherwise says which did not.
absl::Status PingAfterEmptyTHeaderFrame(int port);

}  // namespace vireo::interop_test

#endif  // VIREO_TESTS_INTEROP_RPC_PEER_PROCESS_H_
