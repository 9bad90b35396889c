// ServerProcess: rpc_test_server (VIREO_RPC_TEST_SERVER) in a child
// process, for the tests that kill, stop or restart servers
// (rpc_fault_test, rpc_discovery_test).
//
// Example:
//   rpctest::ServerProcess server({"--port=0"});
//   ASSERT_NE(server.port(), 0);
//   server.Signal(SIGKILL);
//
// Thread rules: one thread at a time.
#ifndef VIREO_TESTS_RPC_SERVER_PROCESS_H_
#define VIREO_TESTS_RPC_SERVER_PROCESS_H_

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace rpctest {

class ServerProcess {
 public:
  // Starts rpc_test_server with `args` (and a --port-file of its own) and
  // waits, up to 30 s, until it listens; port() is 0 if it did not.
  explicit ServerProcess(std::vector<std::string> args) {
    static int n = 0;
    port_file_ = absl::StrCat(::testing::TempDir(), "rpc_server_port_", ::getpid(), "_", ++n);
    std::remove(port_file_.c_str());
    args.insert(args.begin(), VIREO_RPC_TEST_SERVER);
    args.push_back(absl::StrCat("--port-file=", port_file_));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::ifstream in(port_file_);
      int p = 0;
      if (in >> p && p > 0) {
        port_ = p;
        break;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        break;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_NE(port_, 0) << "rpc_test_server did not start";
  }
  ~ServerProcess() { Signal(SIGKILL); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Sends `sig` and waits for the process to end.
  void Signal(int sig) {
    if (pid_ == 0) return;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    std::remove(port_file_.c_str());
  }
  void Kill() { Signal(SIGKILL); }
  int port() const { return port_; }

 private:
  std::string port_file_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace rpctest

#endif  // VIREO_TESTS_RPC_SERVER_PROCESS_H_
