#include "tests/interop/rpc_peer_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace vireo::interop_test {
namespace {

// How often a wait without a pidfd, or a connect that was refused, looks
// again. A pidfd wakes the wait at once; this is the fallback.
constexpr absl::Duration kRecheck = absl::Milliseconds(10);

std::string Errno(int err) { return std::strerror(err); }

// The exit code of a wait status: the code, or 128 + the signal.
int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Sleeps until `pidfd` says the child exited or `timeout` passes; without a
// pidfd sleeps one recheck interval.
void AwaitExit(int pidfd, absl::Duration timeout) {
  if (pidfd < 0) {
    absl::SleepFor(std::min(timeout, kRecheck));
    return;
  }
  pollfd p{pidfd, POLLIN, 0};
  const int64_t ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(timeout));
  ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1000)));
}

}  // namespace

absl::StatusOr<PeerProcess> PeerProcess::Start(const std::vector<std::string>& argv,
                                               const std::vector<std::string>& env) {
  if (argv.empty()) return absl::InvalidArgumentError("PeerProcess::Start: no program");
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const std::string& mine : env) {
      if (std::string_view(mine).substr(0, mine.find('=')) == name) overridden = true;
    }
    if (!overridden) envp.push_back(*e);
  }
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int err = ::posix_spawn(&pid, argv[0].c_str(), nullptr, nullptr, args.data(), envp.data());
  if (err != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", Errno(err)));
  }
  std::string name = argv[0].substr(argv[0].rfind('/') + 1);
  for (size_t i = 1; i < argv.size(); ++i) absl::StrAppend(&name, " ", argv[i]);
  return PeerProcess(pid, std::move(name));
}

PeerProcess::~PeerProcess() { Kill(); }

bool PeerProcess::Running() {
  if (pid_ < 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = r == pid_ ? ExitCode(status) : -1;
  pid_ = -1;
  return false;
}

absl::StatusOr<int> PeerProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const int pidfd = pid_ < 0 ? -1 : static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  while (Running()) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      if (pidfd >= 0) ::close(pidfd);
      Kill();
      return absl::DeadlineExceededError(
          absl::StrCat(name_, ": still running after ", absl::FormatDuration(timeout), "; killed"));
    }
    AwaitExit(pidfd, left);
  }
  if (pidfd >= 0) ::close(pidfd);
  return exit_code_;
}

void PeerProcess::Kill() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = ExitCode(status);
  pid_ = -1;
}

absl::StatusOr<int> PickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", Errno(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::InternalError(absl::StrCat("bind 127.0.0.1:0: ", Errno(err)));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

absl::Status WaitForPort(int port, absl::Duration timeout, PeerProcess* server) {
  const absl::Time deadline = absl::Now() + timeout;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", Errno(errno)));
    const int r = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    const int err = errno;
    ::close(fd);
    if (r == 0) return absl::OkStatus();
    if (server != nullptr && !server->Running()) {
      absl::StatusOr<int> code = server->Wait(absl::ZeroDuration());
      return absl::FailedPreconditionError(absl::StrCat(server->name(), " exited with ",
                                                        code.ok() ? *code : -1,
                                                        " before accepting on port ", port));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("nothing accepted on 127.0.0.1:", port,
                                                      " within ", absl::FormatDuration(timeout),
                                                      " (last error: ", Errno(err), ")"));
    }
    absl::SleepFor(kRecheck);
  }
}

namespace {

std::vector<std::string> WireArgs(const PeerWire& wire) {
  std::vector<std::string> args = {"--transport", wire.transport, "--protocol", wire.protocol};
  if (wire.multiplexed) args.push_back("--multiplexed");
  return args;
}

// An Apache server that cannot bind exits with 1 ("Could not bind").
constexpr int kBindAttempts = 3;

}  // namespace

absl::StatusOr<ApacheServer> StartApacheServer(const std::string& server, const PeerWire& wire) {
  absl::Status last = absl::UnknownError("no attempt");
  for (int attempt = 0; attempt < kBindAttempts; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    std::vector<std::string> argv = {RPC_APACHE_SERVER, "--port", std::to_string(*port), "--server",
                                     server};
    for (std::string& a : WireArgs(wire)) argv.push_back(std::move(a));
    absl::StatusOr<PeerProcess> process = PeerProcess::Start(argv);
    if (!process.ok()) return process.status();
    last = WaitForPort(*port, kPeerStartTimeout, &*process);
    if (last.ok()) return ApacheServer{std::move(*process), *port};
    if (last.code() != absl::StatusCode::kFailedPrecondition) return last;
  }
  return last;
}

absl::StatusOr<int> RunApacheClient(int port, const PeerWire& wire) {
  std::vector<std::string> argv = {RPC_APACHE_CLIENT, "--port", std::to_string(port)};
  for (std::string& a : WireArgs(wire)) argv.push_back(std::move(a));
  absl::StatusOr<PeerProcess> process = PeerProcess::Start(argv);
  if (!process.ok()) return process.status();
  return process->Wait(kPeerRunTimeout);
}

absl::StatusOr<int> RunPythonClient(int port, const PeerWire& wire, bool zlib) {
  std::vector<std::string> argv = {RPC_PYTHON,           RPC_PYTHON_CLIENT, "--port",
                                   std::to_string(port), "--protocol",      wire.protocol};
  if (wire.multiplexed) argv.push_back("--multiplexed");
  if (zlib) argv.push_back("--zlib");
  absl::StatusOr<PeerProcess> process = PeerProcess::Start(
      argv, {absl::StrCat("PYTHONPATH=", RPC_PYTHON_PATH), "PYTHONDONTWRITEBYTECODE=1"});
  if (!process.ok()) return process.status();
  return process->Wait(kPeerRunTimeout);
}

bool PythonAvailable() { return RPC_PYTHON_OK != 0; }

namespace {

// Apache's header sequence id stays 0; header size 1 word: protocol 0
// (Binary), no transforms, padding.
constexpr char kApacheEmptyTHeaderFrame[] =
    "\x00\x00\x00\x0e\x0f\xff\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00";
constexpr char kApachePingCall[] =
    "\x00\x00\x00\x1f\x0f\xff\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"
    "\x80\x01\x00\x01\x00\x00\x00\x04ping\x00\x00\x00\x00\x00";
// A strict Binary message header: REPLY, name "ping".
constexpr char kPingReply[] = "\x80\x01\x00\x02\x00\x00\x00\x04ping";

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one length-prefixed frame (its bytes after the length), or "" when
// the connection closes or the socket's receive timeout passes first.
std::string ReadFrame(int fd) {
  auto read_n = [fd](size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
      if (r <= 0) return std::string();
      got += static_cast<size_t>(r);
    }
    return out;
  };
  const std::string length = read_n(4);
  if (length.size() != 4) return "";
  const uint32_t n = (uint32_t{static_cast<uint8_t>(length[0])} << 24) |
                     (uint32_t{static_cast<uint8_t>(length[1])} << 16) |
                     (uint32_t{static_cast<uint8_t>(length[2])} << 8) |
                     uint32_t{static_cast<uint8_t>(length[3])};
  return n > (1u << 20) ? std::string() : read_n(n);
}

bool IsPingReply(const std::string& frame) {
  return frame.size() > 2 && frame[0] == '\x0f' && frame[1] == '\xff' &&
         frame.find(std::string(kPingReply, sizeof(kPingReply) - 1)) != std::string::npos;
}

}  // namespace

absl::Status PingAfterEmptyTHeaderFrame(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", Errno(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const timeval timeout{absl::ToInt64Seconds(kPeerRunTimeout), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect 127.0.0.1:", port, ": ", Errno(errno)));
  }
  const std::string_view ping(kApachePingCall, sizeof(kApachePingCall) - 1);
  const std::string_view empty(kApacheEmptyTHeaderFrame, sizeof(kApacheEmptyTHeaderFrame) - 1);
  if (!SendAll(fd, ping) || !IsPingReply(ReadFrame(fd))) {
    return absl::UnknownError(absl::StrCat("127.0.0.1:", port, ": no THeader reply to ping"));
  }
  if (!SendAll(fd, empty) || !SendAll(fd, ping) || !IsPingReply(ReadFrame(fd))) {
    return absl::UnknownError(absl::StrCat("127.0.0.1:", port,
                                           ": no reply to a ping after an empty THeader frame "
                                           "(the server closed the connection?)"));
  }
  return absl::OkStatus();
}

}  // namespace vireo::interop_test
