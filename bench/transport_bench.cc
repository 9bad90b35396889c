// vireo_transport_bench: echo of fixed-size messages over loopback TCP, in
// one process, with one message in flight per connection.
//
//   --mode=floor    Blocking sockets, a thread per connection on each side:
//                   the client writes N bytes and reads N back, the server
//                   reads exactly N and writes them back. What the kernel
//                   and the machine allow; the floor Vireo is measured
//                   against.
//   --mode=pipelined  The least work any framework can do for a framed
//                   echo with --depth calls in flight: one connection, the
//                   client keeps --depth frames (4-byte big-endian length +
//                   body, --payload bytes in all) in flight and sends one
//                   new frame per frame it reads back, batched per read; the
//                   server reads whatever is there and writes back every
//                   complete frame untouched, batched per read. No parsing
//                   of bodies, no allocation per frame; a thread per side,
//                   pinned with --server_cpu / --client_cpu.
//   --mode=reactor  A Vireo TcpServer on an EventLoopGroup echoing each
//                   complete message with Slice + Send (no copy), and Vireo
//                   client connections on a second EventLoopGroup, each
//                   sending its next message from the callback that
//                   received the previous echo.
//
// Latency is measured per message, from just before the client writes (or
// queues) it to the callback or read that completes its echo, into
// per-thread histograms merged at the end. Messages completed during the
// warm-up are not counted.
//
// Output: one JSON line on stdout,
//   {"mode":"reactor","conns":1,"payload":1024,"qps":...,"p50_us":...,
//    "p99_us":...,"p999_us":...}
// Diagnostics go to stderr.
//
// Usage:
//   vireo_transport_bench --mode=floor|pipelined|reactor [--conns=1] [--payload=1024]
//       [--depth=100] (pipelined)
//       [--duration=5] [--warmup=1] [--server_loops=0] [--client_loops=0]
//       [--server_cpu=-1] [--client_cpu=-1]
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "bench/latency_histogram.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/dialer.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/link_buffer.h"
#include "vireo/transport/tcp_server.h"

ABSL_FLAG(std::string, mode, "reactor", "floor (blocking sockets) or reactor (Vireo).");
ABSL_FLAG(int, conns, 1, "Connections, each with one message in flight.");
ABSL_FLAG(int64_t, payload, 1024, "Bytes per message.");
ABSL_FLAG(double, duration, 5, "Seconds measured, after the warm-up.");
ABSL_FLAG(double, warmup, 1, "Seconds run before measuring.");
ABSL_FLAG(int, server_loops, 0, "reactor: server event loops; 0 = one per hardware thread.");
ABSL_FLAG(int, client_loops, 0, "reactor: client event loops; 0 = one per hardware thread.");
ABSL_FLAG(int, depth, 100, "pipelined: frames kept in flight on the one connection.");
ABSL_FLAG(int, server_cpu, -1, "floor: pin the server threads to this CPU; -1 = no pinning.");
ABSL_FLAG(int, client_cpu, -1, "floor: pin the client threads to this CPU; -1 = no pinning.");

namespace {

using vireo::bench::LatencyHistogram;
using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "vireo_transport_bench: %s\n", what.c_str());
  std::exit(1);
}

[[noreturn]] void DieErrno(const char* what) {
  Die(std::string(what) + ": " + std::strerror(errno));
}

// The run's phases, advanced by the main thread; workers read it after
// each message to decide whether to count it and whether to go on.
enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

struct Config {
  int conns;
  size_t payload;
  double duration_s;
  double warmup_s;
  int server_loops;
  int client_loops;
  int server_cpu;
  int client_cpu;
  int depth;
};

// Pins the calling thread to `cpu` (the RPC benchmarks pin server and client
// to separate cores; in one process that takes a per-thread mask).
void PinTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set);
}

// One client thread's (or loop's) counts. Padded so that threads do not
// share a cache line.
struct alignas(64) WorkerStats {
  LatencyHistogram histogram;
  uint64_t messages = 0;
};

struct Result {
  double qps = 0;
  LatencyHistogram histogram;
  // Messages each connection completed while measuring (fairness).
  std::vector<uint64_t> per_connection;
};

// CPU seconds used by every process on the machine (from /proc/stat) and
// by this one (getrusage), to tell a quiet run from one that shared the
// machine with other work.
struct CpuTimes {
  double machine = 0;
  double self = 0;

  static CpuTimes Now() {
    CpuTimes t;
    if (std::FILE* f = std::fopen("/proc/stat", "r")) {
      unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                         steal = 0;
      if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
                      &idle, &iowait, &irq, &softirq, &steal) == 8) {
        t.machine = static_cast<double>(user + nice + system + irq + softirq + steal) /
                    static_cast<double>(::sysconf(_SC_CLK_TCK));
      }
      std::fclose(f);
    }
    struct rusage ru;
    ::getrusage(RUSAGE_SELF, &ru);
    auto seconds = [](const struct timeval& tv) {
      return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    t.self = seconds(ru.ru_utime) + seconds(ru.ru_stime);
    return t;
  }
};

// Runs the warm-up and the measured period, moving `phase` along; returns
// the measured period's length in seconds. Reports on stderr how much CPU
// this process and everything else used while measuring.
double RunPhases(const Config& config, std::atomic<int>& phase) {
  std::this_thread::sleep_for(std::chrono::duration<double>(config.warmup_s));
  const CpuTimes cpu_start = CpuTimes::Now();
  const int64_t start = NowNs();
  phase.store(kMeasure, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(config.duration_s));
  phase.store(kStop, std::memory_order_release);
  const double seconds = static_cast<double>(NowNs() - start) / 1e9;
  const CpuTimes cpu_end = CpuTimes::Now();
  const double self = cpu_end.self - cpu_start.self;
  const double others = std::max(0.0, (cpu_end.machine - cpu_start.machine) - self);
  std::fprintf(stderr,
               "vireo_transport_bench: measured %.2f s; cpu-seconds used: this process %.2f, "
               "others %.2f\n",
               seconds, self, others);
  return seconds;
}

Result Collect(const std::vector<std::unique_ptr<WorkerStats>>& workers,
               std::vector<uint64_t> per_connection, double seconds) {
  Result result;
  result.per_connection = std::move(per_connection);
  uint64_t messages = 0;
  for (const auto& w : workers) {
    result.histogram.Merge(w->histogram);
    messages += w->messages;
  }
  result.qps = static_cast<double>(messages) / seconds;
  return result;
}

// ---- floor: blocking sockets, a thread per connection per side ----

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

// False on EOF or error.
bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

void SetNoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

Result RunFloor(const Config& config) {
  const int listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) DieErrno("socket");
  struct sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
    DieErrno("bind");
  }
  if (::listen(listen_fd, 1024) < 0) DieErrno("listen");
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd, reinterpret_cast<struct sockaddr*>(&addr), &len);

  const size_t n = config.payload;
  std::vector<std::thread> servers;
  std::thread acceptor([&] {
    for (int i = 0; i < config.conns; ++i) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) DieErrno("accept");
      SetNoDelay(fd);
      servers.emplace_back([fd, n, cpu = config.server_cpu] {
        PinTo(cpu);
        std::vector<char> buf(n);
        while (ReadAll(fd, buf.data(), n) && WriteAll(fd, buf.data(), n)) {
        }
        ::close(fd);
      });
    }
  });

  std::atomic<int> phase{kWarmup};
  std::vector<std::unique_ptr<WorkerStats>> workers;
  std::vector<int> fds;
  for (int i = 0; i < config.conns; ++i) {
    workers.push_back(std::make_unique<WorkerStats>());
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) DieErrno("socket");
    if (::connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
      DieErrno("connect");
    }
    SetNoDelay(fd);
    fds.push_back(fd);
  }
  acceptor.join();

  std::vector<std::thread> clients;
  for (int i = 0; i < config.conns; ++i) {
    clients.emplace_back([&, fd = fds[i], stats = workers[i].get()] {
      PinTo(config.client_cpu);
      std::vector<char> out(n, 'v');
      std::vector<char> in(n);
      for (;;) {
        const int64_t sent = NowNs();
        if (!WriteAll(fd, out.data(), n) || !ReadAll(fd, in.data(), n)) {
          Die("floor: connection lost");
        }
        const int p = phase.load(std::memory_order_acquire);
        if (p == kStop) break;
        if (p == kMeasure) {
          stats->histogram.Record(NowNs() - sent);
          ++stats->messages;
        }
      }
      ::close(fd);
    });
  }

  const double seconds = RunPhases(config, phase);
  for (auto& t : clients) t.join();
  for (auto& t : servers) t.join();
  ::close(listen_fd);
  std::vector<uint64_t> per_connection;
  for (const auto& w : workers) per_connection.push_back(w->messages);
  return Collect(workers, std::move(per_connection), seconds);
}

// ---- reactor: Vireo server and client ----

using vireo::transport::Connection;
using vireo::transport::Dialer;
using vireo::transport::EventLoop;
using vireo::transport::EventLoopGroup;
using vireo::transport::InetAddress;
using vireo::transport::LinkBuffer;
using vireo::transport::TcpServer;

// Counts down to zero from any thread; Wait returns once it got there.
class Latch {
 public:
  explicit Latch(int count) : count_(count) {
    if (count == 0) done_.set_value();
  }
  void CountDown() {
    if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.set_value();
  }
  bool WaitFor(std::chrono::seconds timeout) {
    return done_.get_future().wait_for(timeout) == std::future_status::ready;
  }

 private:
  std::atomic<int> count_;
  std::promise<void> done_;
};

// One client connection: sends a message, waits for its echo, repeats.
// Loop thread only, once connected.
class PingPong {
 public:
  PingPong(const std::atomic<int>* phase, WorkerStats* stats, const std::string* message,
           Latch* connected, Latch* closed)
      : phase_(phase), stats_(stats), message_(message), connected_(connected), closed_(closed) {}

  void Dial(EventLoop* loop, const InetAddress& address) {
    Dialer::Dial(
        loop, address, absl::Seconds(10), Connection::Options(),
        [this](absl::StatusOr<std::shared_ptr<Connection>> conn) {
          if (!conn.ok()) Die("reactor: " + conn.status().ToString());
          conn_ = *conn;
          conn_->SetMessageCallback([this](Connection& c, LinkBuffer& in) { OnMessage(c, in); });
          conn_->SetCloseCallback([this](Connection&, const absl::Status& why) {
            if (phase_->load(std::memory_order_acquire) != kStop) {
              Die("reactor: connection closed early: " + why.ToString());
            }
            closed_->CountDown();
          });
          conn_->Start();
          SendNext(*conn_);
          connected_->CountDown();
        });
  }

  // Any thread; the connection closes on its loop.
  void Close() { conn_->Close(); }

  // Messages completed while measuring. Once the loop has stopped.
  uint64_t messages() const { return messages_; }

 private:
  void SendNext(Connection& c) {
    sent_ns_ = NowNs();
    std::memcpy(c.output().Malloc(message_->size()), message_->data(), message_->size());
    c.SendOutput();
  }

  void OnMessage(Connection& c, LinkBuffer& in) {
    const size_t n = message_->size();
    if (in.Len() < n) return;
    const int64_t now = NowNs();
    (void)in.Skip(n);
    const int p = phase_->load(std::memory_order_acquire);
    if (p == kStop) return;
    if (p == kMeasure) {
      stats_->histogram.Record(now - sent_ns_);
      ++stats_->messages;
      ++messages_;
    }
    SendNext(c);
  }

  const std::atomic<int>* const phase_;
  WorkerStats* const stats_;
  const std::string* const message_;
  Latch* const connected_;
  Latch* const closed_;
  std::shared_ptr<Connection> conn_;
  int64_t sent_ns_ = 0;
  uint64_t messages_ = 0;
};

Result RunReactor(const Config& config) {
  const size_t n = config.payload;
  EventLoopGroup server_loops({.num_loops = config.server_loops, .name = "bench-srv"});
  // Connections accepted by each server loop (SO_REUSEPORT spreads them
  // by a hash of the addresses, not evenly), reported on stderr.
  std::vector<std::atomic<int>> accepted(server_loops.size());
  TcpServer server(&server_loops, InetAddress::Loopback(0), TcpServer::Options(),
                   [n, &server_loops, &accepted](const std::shared_ptr<Connection>& conn) {
                     for (size_t i = 0; i < server_loops.size(); ++i) {
                       if (server_loops.loop(i) == conn->loop()) accepted[i].fetch_add(1);
                     }
                     conn->SetMessageCallback([n](Connection& c, LinkBuffer& in) {
                       // Every complete message, as one slice of the
                       // received blocks: echoed without a copy.
                       const size_t complete = in.Len() / n * n;
                       if (complete > 0) c.Send(*in.Slice(complete));
                     });
                   });
  if (absl::Status s = server.Start(); !s.ok()) Die(s.ToString());

  std::atomic<int> phase{kWarmup};
  const std::string message(n, 'v');
  Latch connected(config.conns);
  Latch closed(config.conns);
  // Declared before the client loops, whose threads write into them.
  std::vector<std::unique_ptr<WorkerStats>> workers;
  std::vector<std::unique_ptr<PingPong>> conns;
  EventLoopGroup client_loops({.num_loops = config.client_loops, .name = "bench-cli"});
  for (size_t i = 0; i < client_loops.size(); ++i) {
    workers.push_back(std::make_unique<WorkerStats>());
  }
  for (int i = 0; i < config.conns; ++i) {
    const size_t loop = static_cast<size_t>(i) % client_loops.size();
    conns.push_back(
        std::make_unique<PingPong>(&phase, workers[loop].get(), &message, &connected, &closed));
    conns.back()->Dial(client_loops.loop(loop), server.address());
  }
  if (!connected.WaitFor(std::chrono::seconds(30))) Die("reactor: connecting timed out");
  // The server may accept a moment after the client sees the connection.
  for (int i = 0; i < 1000 && server.connection_count() < static_cast<size_t>(config.conns); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string spread;
  for (const auto& count : accepted) spread += " " + std::to_string(count.load());
  std::fprintf(stderr, "vireo_transport_bench: connections per server loop:%s\n", spread.c_str());

  const double seconds = RunPhases(config, phase);
  for (auto& c : conns) c->Close();
  if (!closed.WaitFor(std::chrono::seconds(30))) Die("reactor: closing timed out");
  client_loops.Stop();
  server.Stop();
  server_loops.Stop();
  std::vector<uint64_t> per_connection;
  for (const auto& c : conns) per_connection.push_back(c->messages());
  return Collect(workers, std::move(per_connection), seconds);
}

// ---- pipelined: one connection, --depth frames in flight ----

// Bytes of complete frames at the start of [p, p + n): each is a 4-byte
// big-endian length and that many bytes.
size_t CompleteFrames(const char* p, size_t n, size_t* frames) {
  size_t at = 0;
  *frames = 0;
  while (n - at >= 4) {
    uint32_t len;
    std::memcpy(&len, p + at, 4);
    len = __builtin_bswap32(len);
    if (n - at - 4 < len) break;
    at += 4 + len;
    ++*frames;
  }
  return at;
}

Result RunPipelined(const Config& config) {
  const int listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) DieErrno("socket");
  struct sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
    DieErrno("bind");
  }
  if (::listen(listen_fd, 1) < 0) DieErrno("listen");
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd, reinterpret_cast<struct sockaddr*>(&addr), &len);

  const size_t frame = std::max<size_t>(config.payload, 5);
  const auto depth = static_cast<size_t>(config.depth);
  // Room for every frame in flight, twice: a read never has to wait for
  // the buffer, and no buffer grows after the start.
  const size_t buffer_bytes = std::max<size_t>(2 * depth * frame, 64 * 1024);

  std::thread server([&] {
    PinTo(config.server_cpu);
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) DieErrno("accept");
    SetNoDelay(fd);
    std::vector<char> buf(buffer_bytes);
    size_t have = 0;
    for (;;) {
      const ssize_t k = ::read(fd, buf.data() + have, buf.size() - have);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      have += static_cast<size_t>(k);
      size_t frames = 0;
      const size_t done = CompleteFrames(buf.data(), have, &frames);
      if (done > 0 && !WriteAll(fd, buf.data(), done)) break;
      std::memmove(buf.data(), buf.data() + done, have - done);
      have -= done;
    }
    ::close(fd);
  });

  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) DieErrno("socket");
  if (::connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
    DieErrno("connect");
  }
  SetNoDelay(fd);

  std::atomic<int> phase{kWarmup};
  std::vector<std::unique_ptr<WorkerStats>> workers;
  workers.push_back(std::make_unique<WorkerStats>());
  std::thread client([&, stats = workers[0].get()] {
    PinTo(config.client_cpu);
    // Non-blocking, reading whenever there is something to read: a client
    // blocked in a large write while the server blocks writing back to it
    // would deadlock.
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    // `depth` frames back to back. Every frame is the same, so any
    // `frame`-periodic window of this buffer is the stream to send.
    std::vector<char> out(depth * frame, 'v');
    const uint32_t body = __builtin_bswap32(static_cast<uint32_t>(frame - 4));
    for (size_t i = 0; i < depth; ++i) std::memcpy(out.data() + i * frame, &body, 4);
    std::vector<char> in(buffer_bytes);
    // When each frame in flight was sent, in order (replies come in order).
    std::vector<int64_t> sent(depth, NowNs());
    size_t head = 0;                 // the oldest frame in flight
    size_t to_send = depth * frame;  // bytes owed to the connection
    uint64_t sent_bytes = 0;         // the stream's position, for the window
    size_t have = 0;
    bool stopping = false;
    while (!stopping) {
      struct pollfd pfd {
        fd, static_cast<short>(POLLIN | (to_send > 0 ? POLLOUT : 0)), 0
      };
      if (::poll(&pfd, 1, 1000) < 0 && errno != EINTR) DieErrno("poll");
      if ((pfd.revents & (POLLERR | POLLHUP)) != 0) Die("pipelined: connection lost");
      if (to_send > 0 && (pfd.revents & POLLOUT) != 0) {
        const size_t off = static_cast<size_t>(sent_bytes % frame);
        const ssize_t k =
            ::send(fd, out.data() + off, std::min(to_send, out.size() - off), MSG_NOSIGNAL);
        if (k < 0 && errno != EAGAIN && errno != EINTR) Die("pipelined: connection lost");
        if (k > 0) {
          to_send -= static_cast<size_t>(k);
          sent_bytes += static_cast<uint64_t>(k);
        }
      }
      if ((pfd.revents & POLLIN) == 0) continue;
      const ssize_t k = ::read(fd, in.data() + have, in.size() - have);
      if (k < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (k <= 0) Die("pipelined: connection lost");
      have += static_cast<size_t>(k);
      size_t frames = 0;
      const size_t done = CompleteFrames(in.data(), have, &frames);
      std::memmove(in.data(), in.data() + done, have - done);
      have -= done;
      if (frames == 0) continue;
      const int p = phase.load(std::memory_order_acquire);
      stopping = p == kStop;
      const int64_t now = NowNs();
      for (size_t i = 0; i < frames; ++i) {
        if (p == kMeasure) {
          stats->histogram.Record(now - sent[head]);
          ++stats->messages;
        }
        sent[head] = now;  // its slot now times the frame owed below
        head = (head + 1) % depth;
      }
      to_send += frames * frame;  // one new frame per frame read back
    }
    // Drain what the server still echoes until it sees the end and closes,
    // so that neither side blocks on a full socket buffer.
    ::fcntl(fd, F_SETFL, flags);
    ::shutdown(fd, SHUT_WR);
    while (::read(fd, in.data(), in.size()) > 0) {
    }
  });

  const double seconds = RunPhases(config, phase);
  client.join();
  server.join();
  ::close(fd);
  ::close(listen_fd);
  return Collect(workers, {workers[0]->messages}, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Keep stdout for the one JSON line.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("vireo"));

  const std::string mode = absl::GetFlag(FLAGS_mode);
  Config config{
      .conns = absl::GetFlag(FLAGS_conns),
      .payload = static_cast<size_t>(absl::GetFlag(FLAGS_payload)),
      .duration_s = absl::GetFlag(FLAGS_duration),
      .warmup_s = absl::GetFlag(FLAGS_warmup),
      .server_loops = absl::GetFlag(FLAGS_server_loops),
      .client_loops = absl::GetFlag(FLAGS_client_loops),
      .server_cpu = absl::GetFlag(FLAGS_server_cpu),
      .client_cpu = absl::GetFlag(FLAGS_client_cpu),
      .depth = absl::GetFlag(FLAGS_depth),
  };
  if (config.conns <= 0 || absl::GetFlag(FLAGS_payload) <= 0 ||
      absl::GetFlag(FLAGS_payload) > (int64_t{64} << 20) || config.duration_s <= 0 ||
      config.warmup_s < 0) {
    Die("need --conns > 0, --payload in 1..64Mi, --duration > 0, --warmup >= 0");
  }

  Result result;
  if (mode == "floor") {
    result = RunFloor(config);
  } else if (mode == "pipelined") {
    if (config.depth <= 0 || config.depth > 100000) Die("need --depth in 1..100000");
    result = RunPipelined(config);
  } else if (mode == "reactor") {
    result = RunReactor(config);
  } else {
    Die("--mode must be floor, pipelined or reactor, not '" + mode + "'");
  }
  if (result.histogram.count() == 0) Die("no message completed in the measured period");
  std::sort(result.per_connection.begin(), result.per_connection.end());
  std::fprintf(
      stderr, "vireo_transport_bench: messages per connection: min %llu, median %llu, max %llu\n",
      static_cast<unsigned long long>(result.per_connection.front()),
      static_cast<unsigned long long>(result.per_connection[result.per_connection.size() / 2]),
      static_cast<unsigned long long>(result.per_connection.back()));

  std::printf(
      "{\"mode\":\"%s\",\"conns\":%d,\"depth\":%d,\"payload\":%zu,\"qps\":%.0f,"
      "\"p50_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%.2f}\n",
      mode.c_str(), mode == "pipelined" ? 1 : config.conns, mode == "pipelined" ? config.depth : 1,
      config.payload, result.qps, result.histogram.Quantile(0.50) / 1e3,
      result.histogram.Quantile(0.99) / 1e3, result.histogram.Quantile(0.999) / 1e3);
  return 0;
}
