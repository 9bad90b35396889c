// EtcdProcess: a real, single-member etcd for tests, on free loopback
// ports with a fresh data directory, stopped and removed with the object.
//
// Test-only (library vireo_etcd_testing, not installed). The binary is
// /usr/bin/etcd, or $VIREO_ETCD; etcdctl is /usr/bin/etcdctl, or
// $VIREO_ETCDCTL. etcd runs with a 500 ms election timeout, which also
// makes its minimum lease TTL 1 s (the default would raise it to 2 s).
//
// Example:
//   absl::StatusOr<std::unique_ptr<EtcdProcess>> etcd = EtcdProcess::Start();
//   ASSERT_TRUE(etcd.ok()) << etcd.status();
//   EtcdClientOptions options;
//   options.endpoints = {(*etcd)->endpoint()};
//   ...
//   ASSERT_TRUE((*etcd)->Kill().ok());      // etcd down: calls fail Unavailable
//   ASSERT_TRUE((*etcd)->Restart().ok());   // back, same data, same port
//   absl::StatusOr<std::string> out = (*etcd)->Etcdctl({"compact", "5"});
//
// Thread rules: one thread at a time (the test's). When Start or Restart
// runs on the process's main thread, etcd is also killed if the test
// process dies without running the destructor (PR_SET_PDEATHSIG, which
// follows the thread that started it; started from another thread, it is
// not armed, so that etcd does not die with that thread).
#ifndef VIREO_CORE_DISCOVERY_ETCD_PROCESS_H_
#define VIREO_CORE_DISCOVERY_ETCD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vireo::etcd {

class EtcdProcess {
 public:
  // Starts etcd on free 127.0.0.1 client and peer ports with a fresh data
  // directory under $TMPDIR (or /tmp), logging to etcd.log in it, and
  // waits (up to 15 s) until `POST /v3/kv/range` answers. Tries again with
  // new ports when a start fails (a port taken meanwhile). FailedPrecondition
  // naming the binary when etcd is not installed; Unavailable with the end
  // of etcd's log when it does not come up.
  static absl::StatusOr<std::unique_ptr<EtcdProcess>> Start();

  // Kills etcd if it runs and removes the data directory.
  ~EtcdProcess();
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  // "127.0.0.1:<client port>".
  std::string endpoint() const;
  // The data directory's parent, which also holds etcd.log.
  const std::string& dir() const { return dir_; }
  // True while the etcd process runs (not yet reaped).
  bool running() const { return pid_ > 0; }

  // SIGKILL and reap. OK when not running.
  absl::Status Kill();
  // SIGTERM and reap (SIGKILL after 10 s). OK when not running.
  absl::Status Stop();
  // Starts etcd again with the same data directory and ports (stopping it
  // first if it runs) and waits until it answers.
  absl::Status Restart();

  // Runs etcdctl (ETCDCTL_API=3) --endpoints=<endpoint()> with `args`;
  // its stdout, or an error with its exit status and stderr.
  absl::StatusOr<std::string> Etcdctl(const std::vector<std::string>& args);

  // The last 2000 bytes of etcd's log, for a failing test's message.
  std::string LogTail() const;

 private:
  EtcdProcess(std::string binary, std::string dir);

  // Picks ports if none yet, spawns etcd and waits until it answers.
  absl::Status Launch();
  absl::Status Spawn();
  absl::Status WaitUntilServing(absl::Duration timeout);
  absl::Status Signal(int signal, absl::Duration reap_timeout);

  const std::string binary_;
  const std::string dir_;
  uint16_t client_port_ = 0;
  uint16_t peer_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace vireo::etcd

#endif  // VIREO_CORE_DISCOVERY_ETCD_PROCESS_H_
