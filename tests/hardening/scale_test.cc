// Connection scale: 10,000 connections open at once, each carrying calls.
//
// One vireo::Client in mux mode with 10,000 connections per address
// (mux_connections), on two loops, calls ScaleService.echo through each in
// turn; the server, scale_server, runs in a process of its own, because one
// process would need descriptors for both ends (20,000 and more) and the
// hard limit of the machines we run on is 20,000. The test raises its own
// soft RLIMIT_NOFILE to what it needs (the server raises its own too); a
// hard limit below that fails the test with a message naming the limit.
//
// Asserted: the first 10,000 calls (one per connection, at most 1,000 in
// flight, so that dials never overflow the listen backlog) all succeed with
// their own payload; the server then counts 10,000 connections open at
// once and accepted, none refused; a second round of 10,000 calls reuses
// them (no new connection is accepted); when the client is destroyed the
// server sees every connection close; the server exits cleanly on SIGTERM.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "scale_service_rpc.h"
#include "vireo/codec/bytes.h"
#include "vireo/core/client.h"

extern char** environ;

namespace scaletest {
namespace {

constexpr int kConnections = 10'000;
// Descriptors beyond the connections: loops' epoll and eventfd, listeners,
// the test framework, a connection to read the server's counters.
constexpr rlim_t kFdMargin = 256;
constexpr rlim_t kFdsNeeded = kConnections + kFdMargin;
// Calls (and so dials) in flight at once.
constexpr int kWindow = 1'000;
// Every wait gives up after this long: far beyond what a loaded machine
// needs, so reaching it means something is stuck.
constexpr absl::Duration kSettleTimeout = absl::Seconds(60);

// Raises this process's soft RLIMIT_NOFILE to at least `needed`, which the
// server child inherits.
absl::Status RaiseFdLimit(rlim_t needed) {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  if (rl.rlim_cur >= needed) return absl::OkStatus();
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < needed) {
    return absl::FailedPreconditionError(
        absl::StrCat("the hard RLIMIT_NOFILE is ", rl.rlim_max, " but this test needs ", needed,
                     " file descriptors (", kConnections, " connections + ", kFdMargin,
                     "): raise the hard limit (ulimit -Hn) to run it"));
  }
  rl.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    return absl::InternalError(
        absl::StrCat("setrlimit(RLIMIT_NOFILE, ", needed, "): ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// scale_server in a child process.
class ServerProcess {
 public:
  ServerProcess() {
    port_file_ = absl::StrCat(::testing::TempDir(), "scale_server_port_", ::getpid());
    std::remove(port_file_.c_str());
    std::vector<std::string> args = {VIREO_SCALE_SERVER, absl::StrCat("--port-file=", port_file_),
                                     absl::StrCat("--min-fds=", kFdsNeeded), "--loops=2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (int err = posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ); err != 0) {
      ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << std::strerror(err);
      pid_ = 0;
      return;
    }
    const absl::Time until = absl::Now() + kSettleTimeout;
    while (absl::Now() < until) {
      std::ifstream in(port_file_);
      int p = 0;
      if (in >> p && p > 0) {
        port_ = p;
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        ADD_FAILURE() << "scale_server exited before listening, status " << status;
        pid_ = 0;
        return;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "scale_server did not listen within " << kSettleTimeout;
  }
  ~ServerProcess() {
    if (pid_ != 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::remove(port_file_.c_str());
  }

  int port() const { return port_; }

  // SIGTERM, then waits for the exit; the exit code, or -1 when it had to
  // be killed or died of a signal.
  int Stop() {
    if (pid_ == 0) return -1;
    ::kill(pid_, SIGTERM);
    const absl::Time until = absl::Now() + kSettleTimeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (absl::Now() > until) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = 0;
        return -1;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string port_file_;
  pid_t pid_ = 0;
  int port_ = 0;
};

std::string PayloadOf(int round, int i) { return absl::StrCat("round ", round, " call ", i); }

// Makes one call per connection (calls go to the client's connections in
// turn), at most kWindow at a time. Returns the number that failed and
// records the first few reasons.
int OneCallPerConnection(ScaleServiceClient& client, int round) {
  std::counting_semaphore<kWindow> slots(kWindow);
  std::atomic<int> failed{0};
  std::mutex mu;
  std::vector<std::string> errors;
  auto note = [&](std::string what) {
    failed.fetch_add(1);
    std::lock_guard<std::mutex> lock(mu);
    if (errors.size() < 10) errors.push_back(std::move(what));
  };
  for (int i = 0; i < kConnections; ++i) {
    if (!slots.try_acquire_for(absl::ToChronoSeconds(kSettleTimeout))) {
      ADD_FAILURE() << "round " << round << ": no call completed for " << kSettleTimeout;
      return kConnections;
    }
    client.echo(vireo::codec::Bytes(PayloadOf(round, i)),
                [&, i, round](absl::StatusOr<vireo::codec::Bytes> r) {
                  if (!r.ok()) {
                    note(absl::StrCat("round ", round, " call ", i, ": ", r.status().ToString()));
                  } else if (r->view() != PayloadOf(round, i)) {
                    note(absl::StrCat("round ", round, " call ", i, ": wrong payload \"",
                                      std::string(r->view()), "\""));
                  }
                  slots.release();
                });
  }
  for (int i = 0; i < kWindow; ++i) {
    if (!slots.try_acquire_for(absl::ToChronoSeconds(kSettleTimeout))) {
      ADD_FAILURE() << "round " << round << ": " << kWindow - i << " calls never completed";
      return kConnections;
    }
  }
  for (const std::string& e : errors) ADD_FAILURE() << e;
  return failed.load();
}

TEST(Scale, TenThousandConnectionsOpenAtOnceEachMakingCalls) {
  const absl::Status limit = RaiseFdLimit(kFdsNeeded);
  ASSERT_TRUE(limit.ok()) << limit.message();
  const absl::Time started = absl::Now();

  ServerProcess server;
  ASSERT_NE(server.port(), 0);

  vireo::ClientOptions o;
  o.service = "ScaleService";
  o.targets = {absl::StrCat("127.0.0.1:", server.port())};
  o.mode = vireo::ConnectionMode::kMux;
  o.mux_connections = kConnections;
  o.num_loops = 2;
  o.connect_timeout = absl::Seconds(20);
  o.call_timeout = absl::Seconds(30);
  auto transport = std::make_unique<vireo::Client>(o);
  ScaleServiceClient client(transport.get());

  EXPECT_EQ(OneCallPerConnection(client, 1), 0);
  vireo::ClientStats stats = transport->Stats();
  EXPECT_EQ(stats.connections, static_cast<size_t>(kConnections));
  EXPECT_EQ(stats.in_flight, 0u);

  // Every connection is open at the server at the same time.
  absl::StatusOr<ServerCounts> counts = client.counts();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->open_connections, kConnections);
  EXPECT_EQ(counts->connections_accepted, kConnections);
  EXPECT_EQ(counts->connections_rejected, 0);
  const ServerCounts after_first = *counts;
  const absl::Duration first_round = absl::Now() - started;

  // Again through the same connections: none is redialed.
  EXPECT_EQ(OneCallPerConnection(client, 2), 0);
  counts = client.counts();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->open_connections, kConnections);
  EXPECT_EQ(counts->connections_accepted, kConnections);
  EXPECT_EQ(transport->Stats().connections, static_cast<size_t>(kConnections));

  // Without the client every connection closes at the server; a new client
  // (one connection) watches.
  transport.reset();
  vireo::ClientOptions watch_options = o;
  watch_options.mux_connections = 1;
  watch_options.num_loops = 1;
  vireo::Client watch_transport(watch_options);
  ScaleServiceClient watch(&watch_transport);
  const absl::Time until = absl::Now() + kSettleTimeout;
  int64_t open = -1;
  while (absl::Now() < until) {
    absl::StatusOr<ServerCounts> c = watch.counts();
    ASSERT_TRUE(c.ok()) << c.status();
    open = c->open_connections;
    if (open == 1) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(open, 1) << "server connections still open after the client was destroyed";

  EXPECT_EQ(server.Stop(), 0) << "scale_server did not stop cleanly";
  std::printf(
      "scale: %d connections open at once at the server (%lld accepted, %lld refused) after "
      "%s; 2 x %d calls, 0 errors; %s in all\n",
      kConnections, static_cast<long long>(after_first.connections_accepted),
      static_cast<long long>(after_first.connections_rejected),
      absl::FormatDuration(first_round).c_str(), kConnections,
      absl::FormatDuration(absl::Now() - started).c_str());
}

}  // namespace
}  // namespace scaletest
