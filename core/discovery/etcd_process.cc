#include "vireo/core/discovery/etcd_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "vireo/core/discovery/etcd_client.h"
#include "vireo/core/internal/str_cat.h"

extern char** environ;

namespace vireo::etcd {
namespace {

using ::vireo::internal::Cat;

constexpr absl::Duration kStartTimeout = absl::Seconds(15);
constexpr int kStartAttempts = 3;

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string Errno(std::string_view what) { return Cat(what, ": ", std::strerror(errno)); }

// A port free on 127.0.0.1 now (the kernel's pick; it may be taken again
// before etcd binds it, which Start survives by trying new ports).
absl::StatusOr<uint16_t> FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(Errno("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const absl::Status error = absl::InternalError(Errno("bind 127.0.0.1:0"));
    ::close(fd);
    return error;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return Cat("exit status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return Cat("signal ", WTERMSIG(status));
  return Cat("wait status ", status);
}

}  // namespace

EtcdProcess::EtcdProcess(std::string binary, std::string dir)
    : binary_(std::move(binary)), dir_(std::move(dir)) {}

EtcdProcess::~EtcdProcess() {
  (void)Kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::StatusOr<std::unique_ptr<EtcdProcess>> EtcdProcess::Start() {
  std::string binary = EnvOr("VIREO_ETCD", "/usr/bin/etcd");
  if (::access(binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        Cat("etcd binary ", binary, " is not installed or not executable (", Errno("access"),
            "); install Debian's etcd-server and etcd-client (scripts/setup.sh), or set "
            "VIREO_ETCD"));
  }
  std::string base = EnvOr("TMPDIR", "/tmp");
  std::string templ = Cat(base, "/vireo-etcd-XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(Errno(Cat("mkdtemp ", templ)));
  }
  std::unique_ptr<EtcdProcess> process(new EtcdProcess(std::move(binary), std::move(templ)));
  std::vector<std::string> failures;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    const absl::Status launched = process->Launch();
    if (launched.ok()) return process;
    failures.push_back(std::string(launched.message()));
    (void)process->Kill();
    process->client_port_ = process->peer_port_ = 0;
    std::error_code ignored;
    std::filesystem::remove_all(process->dir_ + "/data", ignored);
  }
  return absl::UnavailableError(
      Cat("etcd did not start in ", kStartAttempts, " attempts: ", absl::StrJoin(failures, " | ")));
}

std::string EtcdProcess::endpoint() const { return Cat("127.0.0.1:", client_port_); }

absl::Status EtcdProcess::Launch() {
  if (client_port_ == 0) {
    absl::StatusOr<uint16_t> client = FreePort();
    absl::StatusOr<uint16_t> peer = FreePort();
    while (client.ok() && peer.ok() && *peer == *client) peer = FreePort();
    if (!client.ok()) return client.status();
    if (!peer.ok()) return peer.status();
    client_port_ = *client;
    peer_port_ = *peer;
  }
  if (absl::Status s = Spawn(); !s.ok()) return s;
  return WaitUntilServing(kStartTimeout);
}

absl::Status EtcdProcess::Spawn() {
  const std::string client_url = Cat("http://127.0.0.1:", client_port_);
  const std::string peer_url = Cat("http://127.0.0.1:", peer_port_);
  const std::vector<std::string> args = {
      binary_,
      "--name=vireo-test",
      Cat("--data-dir=", dir_, "/data"),
      Cat("--listen-client-urls=", client_url),
      Cat("--advertise-client-urls=", client_url),
      Cat("--listen-peer-urls=", peer_url),
      Cat("--initial-advertise-peer-urls=", peer_url),
      Cat("--initial-cluster=vireo-test=", peer_url),
      "--initial-cluster-state=new",
      // A short election timeout lowers etcd's minimum lease TTL
      // (1.5 x election ticks x heartbeat) from 2 s to 1 s.
      "--heartbeat-interval=100",
      "--election-timeout=500",
      "--logger=zap",
      "--log-outputs=stderr",
  };
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const std::string log_path = dir_ + "/etcd.log";
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(Errno(Cat("open ", log_path)));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    return absl::InternalError(Errno("open /dev/null"));
  }
  // Armed only from the main thread: the signal follows the thread that
  // forks, not the process.
  const bool arm_death_signal = ::getpid() == static_cast<pid_t>(::syscall(SYS_gettid));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    ::close(null_fd);
    return absl::InternalError(Errno("fork"));
  }
  if (pid == 0) {
    // The child: async-signal-safe calls only until exec.
    if (arm_death_signal) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);
    }
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status EtcdProcess::WaitUntilServing(absl::Duration timeout) {
  EtcdClientOptions options;
  options.endpoints = {endpoint()};
  options.connect_timeout = absl::Milliseconds(500);
  options.request_timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(options);
  if (!client.ok()) return client.status();
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(Cat("etcd on ", endpoint(), " exited (",
                                        DescribeWaitStatus(status),
                                        ") while starting; log: ", LogTail()));
    }
    absl::StatusOr<RangeResult> range = (*client)->Get("vireo-etcd-process-ready");
    if (range.ok()) return absl::OkStatus();
    last = range.status();
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(Cat("etcd on ", endpoint(), " not serving after ",
                                        absl::FormatDuration(timeout), " (", last.ToString(),
                                        "); log: ", LogTail()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::Status EtcdProcess::Signal(int signal, absl::Duration reap_timeout) {
  if (pid_ <= 0) return absl::OkStatus();
  if (::kill(pid_, signal) != 0 && errno != ESRCH) return absl::InternalError(Errno("kill"));
  const absl::Time deadline = absl::Now() + reap_timeout;
  for (;;) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) break;
    if (reaped < 0 && errno != EINTR) return absl::InternalError(Errno("waitpid"));
    if (absl::Now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  pid_ = -1;
  return absl::OkStatus();
}

absl::Status EtcdProcess::Kill() { return Signal(SIGKILL, absl::Seconds(10)); }

absl::Status EtcdProcess::Stop() { return Signal(SIGTERM, absl::Seconds(10)); }

absl::Status EtcdProcess::Restart() {
  if (absl::Status s = Stop(); !s.ok()) return s;
  if (absl::Status s = Launch(); !s.ok()) {
    (void)Kill();
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EtcdProcess::Etcdctl(const std::vector<std::string>& args) {
  const std::string binary = EnvOr("VIREO_ETCDCTL", "/usr/bin/etcdctl");
  std::vector<std::string> all = {binary, Cat("--endpoints=", endpoint()), "--dial-timeout=2s",
                                  "--command-timeout=5s"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (const std::string& a : all) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"ETCDCTL_API=3"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("ETCDCTL_", 0) != 0) env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  const std::string out_path = dir_ + "/etcdctl.out";
  const std::string err_path = dir_ + "/etcdctl.err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int err = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    return absl::FailedPreconditionError(
        Cat("cannot run ", binary, ": ", std::strerror(err),
            " (install Debian's etcd-client, or set VIREO_ETCDCTL)"));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(Errno("waitpid etcdctl"));
  }
  std::string out = ReadFile(out_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::UnknownError(Cat("etcdctl ", absl::StrJoin(args, " "), ": ",
                                  DescribeWaitStatus(status), ": ", ReadFile(err_path)));
  }
  return out;
}

std::string EtcdProcess::LogTail() const {
  constexpr size_t kTail = 2000;
  const std::string log = ReadFile(dir_ + "/etcd.log");
  return log.size() <= kTail ? log : "..." + log.substr(log.size() - kTail);
}

}  // namespace vireo::etcd
