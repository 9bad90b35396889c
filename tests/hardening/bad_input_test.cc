// The bad-input battery: dozens of malformed, hostile or merely rude
// clients against one live vireo::Server in this process.
//
// Each case opens its own raw TCP connection and sends its bytes. The server
// must close that connection (the client reads EOF or a reset within a
// bounded wait), log a line naming the connection's peer address (the
// client's local port) and the reason, and then answer a valid call on
// another connection. The server's resident memory is sampled throughout
// and must stay within kRssBound of what it was before the battery.
//
// Timeouts are short through the server's options (read_timeout,
// idle_timeout), and every wait in the test is bounded, so a server that
// fails to close a connection fails the test instead of hanging it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bad_input_rpc.h"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/spdlog.h"
#include "vireo/core/server.h"
#include "vireo/transport/block_pool.h"
#include "vireo/transport/event_loop.h"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer keeps freed memory in a quarantine (256 MiB by default)
// before reusing it, which would count against the RSS bound below as if
// the server had kept it. A small quarantine still catches use after free
// of recent allocations. Options in ASAN_OPTIONS take precedence.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=8"; }
#endif

namespace badinput {
namespace {

// How much the process's resident memory may grow over the battery, at
// any moment (worst cases included) and at the end. What one connection
// may make the server hold follows from the limits below (a frame, an
// inflated payload, the replies it does not read), and the buffer pool
// keeps some of the blocks it freed for reuse (transport/block_pool.h).
constexpr int64_t kRssBound = 64 << 20;
// The server's clocks, short so that the slow cases end quickly.
constexpr absl::Duration kReadTimeout = absl::Seconds(2);
constexpr absl::Duration kIdleTimeout = absl::Seconds(3);
// Bytes of unsent replies before the server stops reading a connection.
constexpr size_t kMaxPendingOutput = 4 << 20;
// The codec limits, as a deployment that expects hostile clients would set
// them: frames and inflated payloads of 4 MiB at most, strings of 1 MiB
// (below the frame limit, so that a frame can carry one over it).
constexpr uint32_t kMaxFrameSize = 4 << 20;
constexpr uint32_t kMaxInflatedSize = 4 << 20;
constexpr uint32_t kMaxStringSize = 1 << 20;
// Every wait for the server ends after this long.
constexpr absl::Duration kWait = absl::Seconds(10);

// ---- Bytes ----

std::string B(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}
std::string Be16(uint16_t v) { return B({v >> 8, v & 0xFF}); }
std::string Be32(uint32_t v) {
  return B({static_cast<int>(v >> 24), static_cast<int>((v >> 16) & 0xFF),
            static_cast<int>((v >> 8) & 0xFF), static_cast<int>(v & 0xFF)});
}
std::string Varint(uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s;
}
uint32_t Zigzag(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s);
  return out;
}
std::string Random(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// Binary protocol: a strict message header, field headers, structs.
constexpr int kCall = 1;
constexpr int kReply = 2;
std::string BinMsg(std::string_view name, int type, int32_t seq) {
  return Be32(0x80010000u | static_cast<uint32_t>(type)) +
         Be32(static_cast<uint32_t>(name.size())) + std::string(name) +
         Be32(static_cast<uint32_t>(seq));
}
std::string BinField(int type, int16_t id) { return B({type}) + Be16(static_cast<uint16_t>(id)); }
std::string BinString(std::string_view s) {
  return Be32(static_cast<uint32_t>(s.size())) + std::string(s);
}
std::string BinAddArgs(int32_t a, int32_t b) {
  return BinField(8, 1) + Be32(static_cast<uint32_t>(a)) + BinField(8, 2) +
         Be32(static_cast<uint32_t>(b)) + B({0});
}
std::string BinAdd(int32_t seq, int32_t a, int32_t b) {
  return BinMsg("add", kCall, seq) + BinAddArgs(a, b);
}

// Compact protocol.
std::string CompactMsg(std::string_view name, int type, int32_t seq) {
  return B({0x82, (type << 5) | 1}) + Varint(static_cast<uint32_t>(seq)) + Varint(name.size()) +
         std::string(name);
}
std::string CompactAdd(int32_t seq, int32_t a, int32_t b) {
  return CompactMsg("add", kCall, seq) + B({0x15}) + Varint(Zigzag(a)) + B({0x15}) +
         Varint(Zigzag(b)) + B({0});
}

// Framings.
std::string Framed(std::string_view message) {
  return Be32(static_cast<uint32_t>(message.size())) + std::string(message);
}
constexpr uint16_t kTHeader = 0x0FFF;
constexpr uint16_t kTTHeader = 0x1000;
// A header frame with `section` (zero-padded to whole words) and `payload`.
std::string HeaderFrame(uint16_t magic, std::string section, std::string_view payload,
                        uint32_t seq = 1) {
  while (section.size() % 4 != 0) section.push_back('\0');
  const uint32_t length = static_cast<uint32_t>(10 + section.size() + payload.size());
  return Be32(length) + Be16(magic) + Be16(0) + Be32(seq) +
         Be16(static_cast<uint16_t>(section.size() / 4)) + section + std::string(payload);
}
// Header sections: Binary protocol, no transforms, no headers.
const std::string kTHeaderBinary = B({0x00, 0x00});
const std::string kTTHeaderBinary = B({0x00, 0x00});

// zlib, streamed from a small buffer so that a large input costs no memory.
std::string Deflate(size_t zeros, std::string_view data) {
  z_stream zs{};
  if (deflateInit(&zs, Z_BEST_COMPRESSION) != Z_OK) return {};
  const std::string zero_block(64 * 1024, '\0');
  std::string out;
  char buf[64 * 1024];
  size_t left = zeros;
  auto feed = [&](const char* p, size_t n, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    zs.avail_in = static_cast<uInt>(n);
    int rc = Z_OK;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof(buf);
      rc = deflate(&zs, flush);
      out.append(buf, sizeof(buf) - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  };
  while (left > 0) {
    const size_t n = std::min(left, zero_block.size());
    feed(zero_block.data(), n, Z_NO_FLUSH);
    left -= n;
  }
  feed(data.data(), data.size(), Z_FINISH);
  deflateEnd(&zs);
  return out;
}

// ---- Memory ----

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

// Samples the resident set every few milliseconds and keeps the peak.
class RssWatch {
 public:
  RssWatch() : thread_([this] { Run(); }) {}
  ~RssWatch() {
    stop_.store(true);
    thread_.join();
  }
  int64_t peak() const { return peak_.load(); }
  void ResetPeak() { peak_.store(RssBytes()); }

 private:
  void Run() {
    while (!stop_.load()) {
      const int64_t now = RssBytes();
      int64_t seen = peak_.load();
      while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_{0};
  std::thread thread_;
};

double MiB(int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

// ---- Logs ----

// The lines spdlog's default logger writes while the test runs.
class LogLines : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Waits until a line names `peer` (not as the prefix of a longer port)
  // and contains one of `reasons`; returns it, or "" after kWait.
  std::string WaitFor(const std::string& peer, const std::vector<std::string>& reasons) {
    std::unique_lock<std::mutex> lock(lines_mu_);
    std::string found;
    cv_.wait_for(lock, absl::ToChronoNanoseconds(kWait), [&] {
      for (const std::string& line : lines_) {
        if (!Names(line, peer)) continue;
        for (const std::string& reason : reasons) {
          if (line.find(reason) == std::string::npos) continue;
          found = line;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  // Every line naming `peer`.
  std::vector<std::string> About(const std::string& peer) {
    std::lock_guard<std::mutex> lock(lines_mu_);
    std::vector<std::string> out;
    for (const std::string& line : lines_) {
      if (Names(line, peer)) out.push_back(line);
    }
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(lines_mu_);
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
    cv_.notify_all();
  }
  void flush_() override {}

 private:
  static bool Names(const std::string& line, const std::string& peer) {
    for (size_t at = line.find(peer); at != std::string::npos; at = line.find(peer, at + 1)) {
      const size_t end = at + peer.size();
      if (end == line.size() || line[end] < '0' || line[end] > '9') return true;
    }
    return false;
  }

  std::mutex lines_mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

std::shared_ptr<LogLines>& Log() {
  static std::shared_ptr<LogLines> log;
  return log;
}

// spdlog's default logger is read without a lock by every thread that
// logs: it is replaced once, before the server starts any thread.
class LogEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    Log() = std::make_shared<LogLines>();
    std::vector<spdlog::sink_ptr> sinks = spdlog::default_logger()->sinks();
    sinks.push_back(Log());
    auto logger = std::make_shared<spdlog::logger>("bad_input_test", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
};
const bool kLogEnvironmentAdded = [] {
  ::testing::AddGlobalTestEnvironment(new LogEnvironment);
  return true;
}();

// ---- A raw client ----

// A blocking TCP client with bounded waits.
class RawConn {
 public:
  explicit RawConn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      Close();
      return;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    SetSendTimeout(kWait);
    struct sockaddr_in local {};
    socklen_t len = sizeof(local);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
    peer_ = absl::StrCat("127.0.0.1:", ntohs(local.sin_port));
  }
  ~RawConn() { Close(); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return fd_ >= 0; }
  // This connection as the server's log names it.
  const std::string& peer() const { return peer_; }

  void SetSendTimeout(absl::Duration d) {
    const struct timeval tv = absl::ToTimeval(d);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  // Sends all of `bytes`; false on an error or a send timeout. `sent`
  // counts what went out.
  bool Send(std::string_view bytes, size_t* sent = nullptr) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (sent != nullptr) *sent += static_cast<size_t>(n);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // True when bytes (or the close) are there to read within `ms`.
  bool Readable(int ms) {
    struct pollfd p {
      fd_, POLLIN, 0
    };
    return ::poll(&p, 1, ms) == 1;
  }
  // Reads exactly `n` bytes; fewer when the server closes or kWait passes.
  std::string Read(size_t n) {
    std::string out;
    const absl::Time deadline = absl::Now() + kWait;
    char buf[64 * 1024];
    while (out.size() < n) {
      const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (ms <= 0 || !Readable(ms)) break;
      const ssize_t k = ::recv(fd_, buf, std::min(sizeof(buf), n - out.size()), 0);
      if (k <= 0) break;
      out.append(buf, static_cast<size_t>(k));
    }
    return out;
  }
  // Reads (and drops) whatever comes until the server closes: true on EOF
  // or a reset within kWait. `bytes` counts what arrived first.
  bool WaitClosedByServer(size_t* bytes = nullptr) {
    const absl::Time deadline = absl::Now() + kWait;
    char buf[64 * 1024];
    for (;;) {
      const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      if (ms <= 0 || !Readable(ms)) return false;
      const ssize_t k = ::recv(fd_, buf, sizeof(buf), 0);
      if (k == 0) return true;
      if (k < 0) {
        if (errno == EINTR) continue;
        return errno == ECONNRESET;
      }
      if (bytes != nullptr) *bytes += static_cast<size_t>(k);
    }
  }

 private:
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd_ = -1;
  std::string peer_;
};

// ---- The service ----

class Battery : public BatteryServiceHandler {
 public:
  Battery() : timer_thread_([this] { timers_.Run(); }) {}
  ~Battery() override {
    timers_.Stop();
    timer_thread_.join();
  }

  int32_t add(vireo::CallContext&, int32_t a, int32_t b) override { return a + b; }
  std::string echo(vireo::CallContext&, const std::string& s) override { return s; }
  int32_t count(vireo::CallContext&, const std::vector<Item>& items,
                const std::map<std::string, int64_t>& weights,
                const std::set<int32_t>& ids) override {
    return static_cast<int32_t>(items.size() + weights.size() + ids.size());
  }
  int32_t deep(vireo::CallContext&,
               const std::vector<std::vector<std::vector<std::vector<int32_t>>>>& nested) override {
    int32_t n = 0;
    for (const auto& a : nested) {
      for (const auto& b : a) n += static_cast<int32_t>(b.size());
    }
    return n;
  }
  vireo::Task<int32_t> co_slow(vireo::CallContext&, int32_t ms) override {
    co_await vireo::Suspend<bool>([this, ms](absl::AnyInvocable<void(bool) &&> resume) {
      timers_.Post([this, ms, resume = std::move(resume)]() mutable {
        timers_.RunAfter(absl::Milliseconds(ms),
                         [resume = std::move(resume)]() mutable { std::move(resume)(true); });
      });
    });
    co_return ms;
  }

 private:
  // Resumes slow calls; a loop of its own, not the server's.
  vireo::transport::EventLoop timers_;
  std::thread timer_thread_;
};

// The reply to BinAdd(seq, a, b) in Framed Binary.
std::string AddReply(int32_t seq, int32_t sum) {
  return Framed(BinMsg("add", kReply, seq) + BinField(8, 0) + Be32(static_cast<uint32_t>(sum)) +
                B({0}));
}

// ---- The cases ----

struct Case {
  std::string name;
  // What the server's log line for the connection must contain.
  std::string reason;
  // Sends the bad input on `c`.
  std::function<void(RawConn& c)> send;
};

// A case that sends `bytes` at once, then (when `fin`) half-closes.
Case Bytes(std::string name, std::string reason, std::string bytes, bool fin = false) {
  return {std::move(name), std::move(reason), [bytes = std::move(bytes), fin](RawConn& c) {
            // The server may close before it has read everything.
            (void)c.Send(bytes);
            if (fin) c.ShutdownWrite();
          }};
}

std::vector<Case> MakeCases() {
  std::vector<Case> cases;
  const std::string framed_add = Framed(BinAdd(1, 1, 2));
  const std::string theader_add = HeaderFrame(kTHeader, kTHeaderBinary, BinAdd(1, 1, 2));
  const std::string ttheader_add = HeaderFrame(kTTHeader, kTTHeaderBinary, BinAdd(1, 1, 2));
  const std::string mid_frame = "in the middle of a frame";
  const std::string bad_args = "cannot decode the arguments";

  // Truncated frames: the client half-closes inside a frame.
  cases.push_back(Bytes("truncated Framed frame", mid_frame,
                        framed_add.substr(0, framed_add.size() / 2), true));
  cases.push_back(Bytes("truncated Framed length", mid_frame, framed_add.substr(0, 3), true));
  cases.push_back(Bytes("truncated THeader preamble", mid_frame, theader_add.substr(0, 14), true));
  cases.push_back(Bytes("truncated TTHeader payload", mid_frame, ttheader_add.substr(0, 24), true));
  cases.push_back(
      Bytes("truncated Buffered Binary message", mid_frame, BinAdd(1, 1, 2).substr(0, 16), true));
  cases.push_back(Bytes("truncated Buffered Compact message", mid_frame,
                        CompactAdd(1, 1, 2).substr(0, 8), true));
  cases.push_back(Bytes("second Framed frame truncated", mid_frame,
                        framed_add + framed_add.substr(0, 9), true));

  // Oversized frame lengths.
  cases.push_back(
      Bytes("Framed length 0x3fffffff", "max_frame_size", Be32(0x3FFFFFFF) + BinAdd(1, 1, 2)));
  cases.push_back(Bytes("THeader length 0x3fffffff", "max_frame_size",
                        Be32(0x3FFFFFFF) + theader_add.substr(4)));
  cases.push_back(Bytes("TTHeader length 0x10000000", "max_frame_size",
                        Be32(0x10000000) + ttheader_add.substr(4)));
  cases.push_back(Bytes("Framed length 0", "frame length is 0", Be32(0) + B({0x80, 0x01})));
  cases.push_back(Bytes("Framed length max_frame_size + 1", "max_frame_size",
                        Be32(kMaxFrameSize + 1) + BinAdd(1, 1, 2)));

  // Wrong magic and versions.
  cases.push_back(Bytes("THeader magic 0x0ffe", "unknown protocol",
                        Be32(30) + Be16(0x0FFE) + theader_add.substr(6)));
  cases.push_back(Bytes("THeader connection, TTHeader magic in its second frame",
                        "wrong magic 0x1000", theader_add + ttheader_add));
  cases.push_back(Bytes("TTHeader connection, magic 0xbeef in its second frame",
                        "wrong magic 0xbeef",
                        ttheader_add + Be32(30) + Be16(0xBEEF) + ttheader_add.substr(6)));
  cases.push_back(Bytes("Binary version 0x8002, unframed", "unknown protocol",
                        B({0x80, 0x02, 0x00, 0x01}) + BinAdd(1, 1, 2).substr(4)));
  cases.push_back(Bytes("Binary version 0x8002 in a THeader frame", "bad version 0x8002",
                        HeaderFrame(kTHeader, kTHeaderBinary,
                                    B({0x80, 0x02, 0x00, 0x01}) + BinAdd(1, 1, 2).substr(4))));
  cases.push_back(
      Bytes("Binary version 0x8003 in a second Framed frame", "bad version 0x8003",
            framed_add + Framed(B({0x80, 0x03, 0x00, 0x01}) + BinAdd(2, 1, 2).substr(4))));
  cases.push_back(Bytes("reply message sent to the server", "not a call",
                        Framed(BinMsg("add", kReply, 1) + BinAddArgs(1, 2))));
  cases.push_back(Bytes("message type 9", "invalid message type 9",
                        Framed(BinMsg("add", 9, 1) + BinAddArgs(1, 2))));

  // THeader header sections that lie.
  cases.push_back(Bytes(
      "THeader header size past the frame", "runs past the end of the frame",
      Be32(20) + Be16(kTHeader) + Be16(0) + Be32(1) + Be16(0x00FF) + B({0, 0, 0, 0, 0, 0, 0, 0})));
  cases.push_back(Bytes("THeader header size 0", "header size 0",
                        Be32(14) + Be16(kTHeader) + Be16(0) + Be32(1) + Be16(0) + B({0, 0, 0, 0})));
  cases.push_back(
      Bytes("THeader key/value count bomb", "key/value count 268435455",
            HeaderFrame(kTHeader, B({0x00, 0x00, 0x01}) + Varint(0x0FFFFFFF), BinAdd(1, 1, 2))));
  cases.push_back(Bytes(
      "THeader header string past the section", "runs past the end of the header",
      HeaderFrame(kTHeader, B({0x00, 0x00, 0x01, 0x01}) + Varint(1000) + "k", BinAdd(1, 1, 2))));
  cases.push_back(
      Bytes("TTHeader string key/value count bomb", "count 65535 needs at least",
            HeaderFrame(kTTHeader, B({0x00, 0x00, 0x01, 0xFF, 0xFF}), BinAdd(1, 1, 2))));
  cases.push_back(
      Bytes("TTHeader int key/value count bomb", "count 65535 needs at least",
            HeaderFrame(kTTHeader, B({0x00, 0x00, 0x10, 0xFF, 0xFF}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("TTHeader unknown info id", "unknown info id 0x42",
                        HeaderFrame(kTTHeader, B({0x00, 0x00, 0x42}), BinAdd(1, 1, 2))));

  // Bad varints.
  cases.push_back(
      Bytes("THeader varint of 6 bytes", "varint longer than 5 bytes",
            HeaderFrame(kTHeader, B({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), BinAdd(1, 1, 2))));
  cases.push_back(
      Bytes("THeader varint over 32 bits", "exceeds 32 bits",
            HeaderFrame(kTHeader, B({0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), BinAdd(1, 1, 2))));
  cases.push_back(
      Bytes("Compact sequence id varint of 6 bytes", "bad message header",
            Framed(B({0x82, 0x21, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x03}) + "add" + B({0}))));
  cases.push_back(Bytes(
      "Compact argument varint of 11 bytes", bad_args,
      Framed(CompactMsg("add", kCall, 1) + B({0x15}) + Repeat(B({0xFF}), 10) + B({0x01, 0x00}))));
  cases.push_back(
      Bytes("Compact varint of 6 bytes, unframed", "varint",
            CompactMsg("add", kCall, 1) + B({0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00})));

  // Container-count bombs.
  cases.push_back(Bytes(
      "Binary list count 0x7fffffff", "max_container_size",
      Framed(BinMsg("count", kCall, 1) + BinField(15, 1) + B({12}) + Be32(0x7FFFFFFF) + B({0}))));
  cases.push_back(Bytes(
      "Binary map count 1,000,000 with no entries", "needs at least",
      Framed(BinMsg("count", kCall, 1) + BinField(13, 2) + B({11, 10}) + Be32(1000000) + B({0}))));
  cases.push_back(
      Bytes("Binary set count 1,048,576 with no elements", "needs at least",
            Framed(BinMsg("count", kCall, 1) + BinField(14, 3) + B({8}) + Be32(1 << 20) + B({0}))));
  cases.push_back(Bytes("Binary unknown field: list count 0x0fffffff", "max_container_size",
                        Framed(BinMsg("add", kCall, 1) + BinField(15, 99) + B({10}) +
                               Be32(0x0FFFFFFF) + BinAddArgs(1, 2))));
  cases.push_back(
      Bytes("Compact list count 0x7fffffff", "max_container_size",
            Framed(CompactMsg("count", kCall, 1) + B({0x19, 0xFC}) + Varint(0x7FFFFFFF) + B({0}))));
  cases.push_back(
      Bytes("Compact set count 1,000,000 with no elements", "needs at least",
            Framed(CompactMsg("count", kCall, 1) + B({0x3A, 0xF5}) + Varint(1000000) + B({0}))));
  cases.push_back(Bytes(
      "Compact map count 0x0fffffff", "max_container_size",
      Framed(CompactMsg("count", kCall, 1) + B({0x2B}) + Varint(0x0FFFFFFF) + B({0x86, 0x00}))));
  cases.push_back(
      Bytes("Binary list count 0x7fffffff, unframed", "max_container_size",
            BinMsg("count", kCall, 1) + BinField(15, 1) + B({12}) + Be32(0x7FFFFFFF) + B({0})));

  // Nesting-depth bombs: 100,000 levels of one-element containers.
  const std::string binary_lists = Repeat(B({15}) + Be32(1), 100000);
  cases.push_back(Bytes("Binary nested lists in an unknown field", "max_depth",
                        Framed(BinMsg("add", kCall, 1) + BinField(15, 77) + binary_lists)));
  cases.push_back(Bytes("Binary nested lists, unframed", "max_depth",
                        BinMsg("add", kCall, 1) + BinField(15, 77) + binary_lists));
  cases.push_back(Bytes("Binary nested maps in a THeader frame", "max_depth",
                        HeaderFrame(kTHeader, kTHeaderBinary,
                                    BinMsg("add", kCall, 1) + BinField(13, 77) +
                                        Repeat(B({8, 13}) + Be32(1) + Be32(7), 100000))));
  cases.push_back(Bytes("Binary list<list<...>> deeper than declared", "max_depth",
                        Framed(BinMsg("deep", kCall, 1) + BinField(15, 1) + binary_lists)));
  const std::string compact_structs = Repeat(B({0x1C}), 100000);
  cases.push_back(Bytes("Compact nested structs in an unknown field", "max_depth",
                        Framed(CompactMsg("add", kCall, 1) + B({0x7C}) + compact_structs)));
  cases.push_back(Bytes("Compact nested structs, unframed", "max_depth",
                        CompactMsg("add", kCall, 1) + B({0x7C}) + compact_structs));
  cases.push_back(
      Bytes("Compact nested lists", "max_depth",
            Framed(CompactMsg("deep", kCall, 1) + B({0x19}) + Repeat(B({0x19}), 100000))));

  // Unknown protocol ids and transforms.
  cases.push_back(Bytes("THeader protocol id 1 (JSON)", "protocol id 1 (JSON)",
                        HeaderFrame(kTHeader, B({0x01, 0x00}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("THeader protocol id 7", "unknown protocol id 7",
                        HeaderFrame(kTHeader, B({0x07, 0x00}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("TTHeader protocol id 9", "unknown protocol id 9",
                        HeaderFrame(kTTHeader, B({0x09, 0x00}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("THeader transform 3 (snappy)", "transform 3 (snappy) is not supported",
                        HeaderFrame(kTHeader, B({0x00, 0x01, 0x03}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("TTHeader transform 200", "transform 200 (unknown) is not supported",
                        HeaderFrame(kTTHeader, B({0x00, 0x01, 0xC8}), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("THeader zlib transform over a corrupt stream", "zlib",
                        HeaderFrame(kTHeader, B({0x00, 0x01, 0x01}), Random(7, 200))));

  // Strings longer than the frame or the limit, and negative sizes.
  cases.push_back(
      Bytes("Binary string longer than its frame", "of 1000000 bytes",
            Framed(BinMsg("echo", kCall, 1) + BinField(11, 1) + Be32(1000000) + "short" + B({0}))));
  cases.push_back(Bytes("Binary string over max_string_size", "max_string_size",
                        Framed(BinMsg("echo", kCall, 1) + BinField(11, 1) +
                               BinString(std::string(kMaxStringSize + 1, 's')) + B({0}))));
  cases.push_back(
      Bytes("Compact string over max_string_size", "max_string_size",
            Framed(CompactMsg("echo", kCall, 1) + B({0x18}) + Varint(kMaxStringSize + 1) +
                   std::string(kMaxStringSize + 1, 's') + B({0}))));
  cases.push_back(Bytes("message name of 0x7fffffff bytes", "bad message header",
                        Framed(Be32(0x80010001) + Be32(0x7FFFFFFF) + "add" + Be32(1))));
  cases.push_back(
      Bytes("negative string length", "negative",
            Framed(BinMsg("echo", kCall, 1) + BinField(11, 1) + Be32(0xFFFFFFFF) + B({0}))));
  cases.push_back(Bytes(
      "negative list count", "negative",
      Framed(BinMsg("count", kCall, 1) + BinField(15, 1) + B({12}) + Be32(0xFFFFFFFB) + B({0}))));
  cases.push_back(Bytes("negative map count", "negative",
                        Framed(BinMsg("count", kCall, 1) + BinField(13, 2) + B({11, 10}) +
                               Be32(0x80000000) + B({0}))));
  cases.push_back(Bytes("negative Framed length in a second frame", "is negative",
                        framed_add + Be32(0xFFFFFFF0) + BinAdd(2, 1, 2)));
  // A Buffered message has no length: the scanner must stop it at
  // max_frame_size however it is made up, here of 1 MiB strings.
  cases.push_back({"unframed message over max_frame_size", "max_frame_size", [](RawConn& c) {
                     const std::string field =
                         BinField(11, 50) + BinString(std::string(kMaxStringSize, 'z'));
                     if (!c.Send(BinMsg("echo", kCall, 1))) return;
                     for (int i = 0; i < 20; ++i) {
                       if (!c.Send(field)) return;
                     }
                   }});

  // Other protocols and garbage.
  // HTTP/1.x is the admin pages' (loopback clients, by default): a
  // malformed or oversized request is answered 400 or 431 and closed.
  cases.push_back(Bytes("HTTP/1.x request line of another version", "malformed request line",
                        "GET /index.html HTTP/9\r\nHost: localhost\r\n\r\n"));
  cases.push_back(Bytes("HTTP/1.1 headers over admin_max_request_bytes", "over 8192 bytes",
                        "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n"));
  cases.push_back(Bytes("HTTP/1.1 header line without a colon", "malformed header line",
                        "GET /metrics HTTP/1.1\r\nHost localhost\r\n\r\n"));
  cases.push_back(Bytes("random bytes after an HTTP method, seed 7", "bad admin request",
                        "GET /" + Random(7, 9000)));
  cases.push_back(Bytes("HTTP/2 preface", "looks like HTTP/2", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  cases.push_back(Bytes(
      "TLS ClientHello", "looks like TLS",
      B({0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03}) + Random(11, 200)));
  for (uint32_t seed : {1u, 2u, 3u}) {
    cases.push_back(Bytes(absl::StrCat("random garbage, seed ", seed), "closing connection from",
                          Random(seed, 4096)));
  }
  cases.push_back(Bytes("random THeader header section, seed 4", "THeader",
                        HeaderFrame(kTHeader, Random(4, 64), BinAdd(1, 1, 2))));
  cases.push_back(Bytes("random Framed Binary payload, seed 5", "closing connection from",
                        Framed(B({0x80, 0x01, 0x00, 0x01}) + Random(5, 512))));
  cases.push_back(Bytes("random Framed Compact payload, seed 6", "closing connection from",
                        Framed(B({0x82, 0x21}) + Random(6, 512))));
  return cases;
}

// ---- The battery ----

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kLogEnvironmentAdded);
    vireo::ServerOptions options;
    options.address = "127.0.0.1:0";
    // One loop: a bad connection that wedged it would stall the probes too.
    options.num_loops = 1;
    options.read_timeout = kReadTimeout;
    options.idle_timeout = kIdleTimeout;
    options.max_pending_output = kMaxPendingOutput;
    options.limits.max_frame_size = kMaxFrameSize;
    options.limits.max_inflated_size = kMaxInflatedSize;
    options.limits.max_string_size = kMaxStringSize;
    options.shutdown_grace = absl::Seconds(1);
    server_ = std::make_unique<vireo::Server>(options);
    server_->AddService(&service_);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }

  // A valid call on a new connection is answered.
  void Probe() {
    const int32_t seq = ++probes_;
    RawConn c(port_);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send(Framed(BinAdd(seq, seq, 1000))));
    const std::string want = AddReply(seq, seq + 1000);
    EXPECT_EQ(c.Read(want.size()), want) << "probe " << seq << " was not answered";
  }

  // `c`, already sent its bad input: the server closes it and logs why,
  // in a line with one of `reasons` (returned; "" when none came).
  std::string ExpectRejected(RawConn& c, const std::vector<std::string>& reasons) {
    EXPECT_TRUE(c.WaitClosedByServer()) << "the server did not close " << c.peer();
    const std::string line = Log()->WaitFor(c.peer(), reasons);
    EXPECT_FALSE(line.empty()) << "no log line naming " << c.peer() << " with any of "
                               << ::testing::PrintToString(reasons) << "; lines about it: "
                               << ::testing::PrintToString(Log()->About(c.peer()));
    return line;
  }

  void RunCase(const Case& k) {
    SCOPED_TRACE(k.name);
    RawConn c(port_);
    ASSERT_TRUE(c.connected());
    k.send(c);
    const std::string line = ExpectRejected(c, {k.reason});
    std::printf("case \"%s\": %s\n", k.name.c_str(), line.c_str());
    Probe();
  }

  // RSS growth over the baseline, at the peak so far; records it under
  // `what`.
  void Checkpoint(RssWatch& watch, const std::string& what) {
    const int64_t now = RssBytes() - baseline_;
    const int64_t peak = watch.peak() - baseline_;
    const vireo::transport::BlockPool::Stats pool =
        vireo::transport::BlockPool::Default().GetStats();
    std::printf("RSS %-42s now %+6.1f MiB, peak %+6.1f MiB (buffer pool: %.1f MiB idle)\n",
                what.c_str(), MiB(now), MiB(peak), MiB(pool.idle_bytes));
    EXPECT_LT(peak, kRssBound) << what;
    EXPECT_LT(now, kRssBound) << what;
  }

  Battery service_;
  std::unique_ptr<vireo::Server> server_;
  uint16_t port_ = 0;
  std::atomic<int32_t> probes_{0};
  int64_t baseline_ = 0;
};

TEST_F(BadInput, EveryCaseIsClosedWithALoggedReasonAndTheServerKeepsServing) {
  const absl::Time start = absl::Now();
  // Everything the cases send is made before the baseline is taken.
  const std::vector<Case> cases = MakeCases();
  const std::string zlib_bomb = Deflate(size_t{256} << 20, BinAdd(1, 1, 2));
  const std::string zlib_double_bomb = Deflate(0, Deflate(size_t{256} << 20, BinAdd(1, 1, 2)));
  const std::string never_read_request = Framed(BinMsg("echo", kCall, 1) + BinField(11, 1) +
                                                BinString(std::string(64 << 10, 'e')) + B({0}));
  ASSERT_LT(zlib_bomb.size(), size_t{1} << 20);
  Probe();
  Probe();
  baseline_ = RssBytes();
  RssWatch watch;
  watch.ResetPeak();
  std::printf("RSS baseline %.1f MiB\n", MiB(baseline_));

  // The slow cases run beside the others, each on its own connection.
  std::vector<std::thread> slow;
  // Slowloris: a valid frame, one byte a second. Bytes keep arriving, so
  // the idle timeout never fires; the read timeout must.
  slow.emplace_back([&] {
    SCOPED_TRACE("slowloris");
    RawConn c(port_);
    ASSERT_TRUE(c.connected());
    const std::string frame = Framed(BinAdd(1, 1, 2));
    for (size_t i = 0; i + 1 < frame.size(); ++i) {
      if (!c.Send(frame.substr(i, 1)) || c.Readable(1000)) break;
    }
    const std::string line = ExpectRejected(c, {"read timeout"});
    std::printf("case \"slowloris\": %s\n", line.c_str());
    Probe();
  });
  // A connection that never sends anything: closed by the idle timeout.
  slow.emplace_back([&] {
    SCOPED_TRACE("silent connection");
    RawConn c(port_);
    ASSERT_TRUE(c.connected());
    const std::string line = ExpectRejected(c, {"idle for"});
    std::printf("case \"silent connection\": %s\n", line.c_str());
    Probe();
  });

  for (const Case& k : cases) RunCase(k);
  Checkpoint(watch, "after the byte cases");

  // Half-open after a complete request: the reply still arrives, then the
  // server closes; nothing is wrong with this client.
  {
    SCOPED_TRACE("half-closed after a complete request");
    RawConn c(port_);
    ASSERT_TRUE(c.Send(Framed(BinAdd(5, 20, 22))));
    c.ShutdownWrite();
    const std::string want = AddReply(5, 42);
    EXPECT_EQ(c.Read(want.size()), want);
    EXPECT_TRUE(c.WaitClosedByServer());
    EXPECT_TRUE(Log()->About(c.peer()).empty()) << ::testing::PrintToString(Log()->About(c.peer()));
    Probe();
  }

  // zlib bombs: 256 MiB of zeros in a quarter-MiB frame, once and twice
  // compressed. Inflating stops at max_inflated_size.
  RunCase({"THeader zlib bomb", "max_inflated_size", [&](RawConn& c) {
             (void)c.Send(HeaderFrame(kTHeader, B({0x00, 0x01, 0x01}), zlib_bomb));
           }});
  RunCase({"TTHeader double zlib bomb", "max_inflated_size", [&](RawConn& c) {
             (void)c.Send(HeaderFrame(kTTHeader, B({0x00, 0x02, 0x01, 0x01}), zlib_double_bomb));
           }});
  Checkpoint(watch, "after the zlib bombs");

  // Clients that pipeline requests for 64 KiB replies and never read them,
  // both at once: one plain, one on a Framed connection behind a slow call
  // (replies go back in request order, so every reply behind the slow one
  // is held back rather than queued for the socket; those count against
  // max_pending_output too). The server stops reading each once 4 MiB of
  // its replies wait, so the client's sends stall long before its 256 MiB
  // are out. The server then closes it with the idle timeout (nothing moves
  // any more) or, when the kernel took enough replies for it to read
  // again, with the read timeout: the client gave up in the middle of a
  // request.
  auto never_reads = [&](const std::string& name, bool behind_slow_call) {
    SCOPED_TRACE(name);
    RawConn c(port_);
    ASSERT_TRUE(c.connected());
    c.SetSendTimeout(absl::Seconds(1));
    if (behind_slow_call) {
      ASSERT_TRUE(c.Send(Framed(BinMsg("slow", kCall, 1) + BinField(8, 1) + Be32(1500) + B({0}))));
    }
    size_t sent = 0;
    const size_t want = size_t{256} << 20;
    while (sent < want && c.Send(never_read_request, &sent)) {
    }
    std::printf("%s: sent %.1f MiB of %.0f MiB before its sends stalled\n", name.c_str(),
                MiB(static_cast<int64_t>(sent)), MiB(static_cast<int64_t>(want)));
    EXPECT_LT(sent, want / 4) << "the server kept reading a client that does not read";
    Checkpoint(watch, "while " + name + " stalls");
    Probe();
    const std::string line = ExpectRejected(c, {"idle for", "read timeout"});
    std::printf("case \"%s\": %s\n", name.c_str(), line.c_str());
    Probe();
  };
  std::thread plain(never_reads, "a client that never reads", false);
  std::thread held(never_reads, "a client behind a slow call", true);
  plain.join();
  held.join();
  Checkpoint(watch, "after the clients that never read");

  for (std::thread& t : slow) t.join();

  // Every connection is gone.
  const absl::Time deadline = absl::Now() + kWait;
  while (server_->stats().open_connections > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(server_->stats().open_connections, 0);
  EXPECT_EQ(server_->stats().in_flight_calls, 0);
  Checkpoint(watch, "after the battery");
  std::printf("%zu byte cases + 2 zlib bombs + 5 slow cases, %d probes, %.1f s\n", cases.size(),
              probes_.load(), absl::ToDoubleSeconds(absl::Now() - start));
}

}  // namespace
}  // namespace badinput
