// tcp_echo_client: sends numbered messages to an echo server and checks
// every byte that comes back.
//
// Connections are dialed with Dialer on an EventLoopGroup and driven by
// callbacks on their loops: each keeps up to --window messages in flight,
// checks each echo as soon as its last byte arrives, and sends the next.
// Message i (fixed size --size) holds bytes derived from i alone, so a
// reordered, truncated or corrupted echo is caught. Messages are dealt out
// to the connections in turn (message i goes to connection i % conns).
// When a connection has its last echo it half-closes; the server closes in
// turn, and the connection is done.
//
// Usage:
//   tcp_echo_client --port=9090 [--host=127.0.0.1] [--messages=1000]
//                   [--size=1024] [--conns=1] [--window=8] [--timeout=30s]
//
// Prints one summary line and exits 0 only when every message came back
// intact, 1 otherwise (including a timeout).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "examples/common/flags.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/dialer.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/link_buffer.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Echo server address (numeric or a name).");
ABSL_FLAG(int, port, 0, "Echo server port (required).");
ABSL_FLAG(int64_t, messages, 1000, "Messages to send, over all connections.");
ABSL_FLAG(int64_t, size, 1024, "Bytes per message.");
ABSL_FLAG(int, conns, 1, "Connections.");
ABSL_FLAG(int, window, 8, "Messages in flight per connection.");
ABSL_FLAG(int, loops, 0, "Event loops (threads); 0 = one per hardware thread.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "Give up (and exit 1) when the run takes longer than this.");

namespace {

using vireo::transport::Connection;
using vireo::transport::Dialer;
using vireo::transport::EventLoop;
using vireo::transport::EventLoopGroup;
using vireo::transport::InetAddress;
using vireo::transport::LinkBuffer;

// The content of message `index`: a xorshift stream seeded by the index.
void FillMessage(uint64_t index, char* out, size_t size) {
  uint64_t x = (index + 1) * 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < size; i += sizeof(x)) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(out + i, &x, std::min(sizeof(x), size - i));
  }
}

// Totals over all connections. Thread safe.
struct Totals {
  std::atomic<int64_t> messages_ok{0};
  std::atomic<int64_t> bytes_ok{0};
  std::atomic<int64_t> errors{0};
  // Connections not yet finished; the last one to finish fulfils `done`.
  std::atomic<int> open;
  std::promise<void> done;

  explicit Totals(int conns) : open(conns) {}
  void ConnectionFinished() {
    if (open.fetch_sub(1, std::memory_order_acq_rel) == 1) done.set_value();
  }
};

// One connection's share of the messages. Loop thread only, once dialed.
class EchoStream {
 public:
  EchoStream(Totals* totals, uint64_t first, uint64_t stride, int64_t count, size_t size,
             int window)
      : totals_(totals),
        first_(first),
        stride_(stride),
        count_(count),
        size_(size),
        window_(window),
        expected_(size) {}

  // Dials `address` from `loop`; the stream runs until its connection
  // closes and then reports to the totals.
  void Begin(EventLoop* loop, const InetAddress& address) {
    if (count_ == 0) {
      totals_->ConnectionFinished();
      return;
    }
    Dialer::Dial(loop, address, absl::Seconds(5), Connection::Options(),
                 [this](absl::StatusOr<std::shared_ptr<Connection>> conn) {
                   if (!conn.ok()) {
                     std::fprintf(stderr, "tcp_echo_client: %s\n",
                                  conn.status().ToString().c_str());
                     totals_->errors.fetch_add(count_, std::memory_order_relaxed);
                     Finish();
                     return;
                   }
                   OnConnected(*conn);
                 });
  }

  // Closes the connection if it is open (its close callback then reports
  // what is missing). Any thread; runs on `loop`, the one Begin was given.
  static void Abort(EventLoop* loop, EchoStream* stream) {
    loop->RunInLoop([stream] {
      if (stream->conn_ != nullptr) stream->conn_->Close(absl::CancelledError("timed out"));
    });
  }

 private:
  void OnConnected(const std::shared_ptr<Connection>& conn) {
    conn_ = conn;
    conn->SetMessageCallback([this](Connection& c, LinkBuffer& in) { OnMessage(c, in); });
    conn->SetCloseCallback([this](Connection&, const absl::Status& why) { OnClose(why); });
    conn->Start();  // we are on its loop: it starts now
    SendMore(*conn);
  }

  uint64_t IndexOf(int64_t k) const { return first_ + static_cast<uint64_t>(k) * stride_; }

  void SendMore(Connection& c) {
    bool queued = false;
    while (sent_ < count_ && sent_ - checked_ < window_) {
      // Written straight into the connection's output blocks.
      FillMessage(IndexOf(sent_), c.output().Malloc(size_), size_);
      ++sent_;
      queued = true;
    }
    if (queued) c.SendOutput();
  }

  void OnMessage(Connection& c, LinkBuffer& in) {
    while (checked_ < sent_ && in.Len() >= size_) {
      FillMessage(IndexOf(checked_), expected_.data(), size_);
      // Contiguous view; copied only when the echo straddles two blocks.
      absl::StatusOr<std::string_view> got = in.Next(size_);
      if (got.ok() && std::memcmp(got->data(), expected_.data(), size_) == 0) {
        totals_->messages_ok.fetch_add(1, std::memory_order_relaxed);
        totals_->bytes_ok.fetch_add(static_cast<int64_t>(size_), std::memory_order_relaxed);
      } else {
        if (totals_->errors.fetch_add(1, std::memory_order_relaxed) == 0) {
          std::fprintf(stderr, "tcp_echo_client: message %" PRIu64 " came back altered\n",
                       IndexOf(checked_));
        }
      }
      ++checked_;
    }
    if (in.Len() > 0 && checked_ == sent_) {
      totals_->errors.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "tcp_echo_client: %zu bytes more than were sent came back\n", in.Len());
      (void)in.Skip(in.Len());
    }
    if (checked_ == count_) {
      // Half-close: the server sees EOF, closes, and our close callback
      // runs with OK.
      c.Shutdown();
      return;
    }
    SendMore(c);
  }

  void OnClose(const absl::Status& why) {
    if (checked_ < count_) {
      std::fprintf(stderr,
                   "tcp_echo_client: connection closed with %" PRId64 " of %" PRId64
                   " echoes missing: %s\n",
                   count_ - checked_, count_, why.ToString().c_str());
      totals_->errors.fetch_add(count_ - checked_, std::memory_order_relaxed);
    }
    Finish();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    totals_->ConnectionFinished();
  }

  Totals* const totals_;
  const uint64_t first_;
  const uint64_t stride_;
  const int64_t count_;
  const size_t size_;
  const int64_t window_;
  std::vector<char> expected_;
  std::shared_ptr<Connection> conn_;
  int64_t sent_ = 0;
  int64_t checked_ = 0;
  bool finished_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  const int port = absl::GetFlag(FLAGS_port);
  const int64_t messages = absl::GetFlag(FLAGS_messages);
  const int64_t size = absl::GetFlag(FLAGS_size);
  const int conns = absl::GetFlag(FLAGS_conns);
  const int window = absl::GetFlag(FLAGS_window);
  if (port <= 0 || port > 65535 || messages < 0 || size <= 0 || size > (64 << 20) || conns <= 0 ||
      window <= 0) {
    std::fprintf(stderr,
                 "tcp_echo_client: need --port in 1..65535, --messages >= 0, --size in "
                 "1..64Mi, --conns > 0, --window > 0\n");
    return 2;
  }
  absl::StatusOr<InetAddress> address =
      InetAddress::Resolve(absl::GetFlag(FLAGS_host), static_cast<uint16_t>(port));
  if (!address.ok()) {
    std::fprintf(stderr, "tcp_echo_client: %s\n", address.status().ToString().c_str());
    return 2;
  }

  // Declared before the loops so that they outlive the loop threads.
  Totals totals(conns);
  std::vector<std::unique_ptr<EchoStream>> streams;
  for (int k = 0; k < conns; ++k) {
    const int64_t count = messages / conns + (k < messages % conns ? 1 : 0);
    streams.push_back(std::make_unique<EchoStream>(&totals, static_cast<uint64_t>(k),
                                                   static_cast<uint64_t>(conns), count,
                                                   static_cast<size_t>(size), window));
  }

  EventLoopGroup loops({.num_loops = absl::GetFlag(FLAGS_loops), .name = "echo-client"});
  std::vector<EventLoop*> stream_loops;
  const absl::Time start = absl::Now();
  for (auto& stream : streams) {
    stream_loops.push_back(loops.Next());
    stream->Begin(stream_loops.back(), *address);
  }

  std::future<void> done = totals.done.get_future();
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  const bool finished =
      done.wait_for(absl::ToChronoMilliseconds(timeout)) == std::future_status::ready;
  const absl::Duration elapsed = absl::Now() - start;
  if (!finished) {
    // Close what is still open and give the loops a moment to say so.
    for (size_t k = 0; k < streams.size(); ++k) {
      EchoStream::Abort(stream_loops[k], streams[k].get());
    }
    done.wait_for(std::chrono::seconds(5));
  }
  // Stopping the loops first keeps the streams alive for any callback
  // still running.
  loops.Stop();

  const int64_t ok = totals.messages_ok.load();
  int64_t errors = totals.errors.load();
  if (!finished) errors = messages - ok;
  std::printf("messages=%" PRId64 "/%" PRId64 " bytes=%" PRId64 " errors=%" PRId64
              " conns=%d time=%s%s\n",
              ok, messages, totals.bytes_ok.load(), errors, conns,
              absl::FormatDuration(absl::Trunc(elapsed, absl::Microseconds(1))).c_str(),
              finished ? "" : " (timed out)");
  std::fflush(stdout);
  return finished && errors == 0 && ok == messages ? 0 : 1;
}
