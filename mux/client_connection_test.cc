// ClientConnection against a small Thrift echo server built on
// transport::TcpServer and codec framing: it decodes each request frame,
// reads the message header and answers with a REPLY of the same sequence id
// whose body is the request's body (a struct { 1: i32 id }), so each reply
// tells which call it belongs to. Knobs make it answer late (random delays:
// out of order), never (held until released), with garbage, or go away.
#include "vireo/mux/client_connection.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/ttheader.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/tcp_server.h"

namespace vireo::mux {
namespace {

using codec::Framing;
using codec::MessageType;
using codec::ProtocolId;
using transport::Connection;
using transport::EventLoopGroup;
using transport::InetAddress;
using transport::LinkBuffer;

// Waits for `pred` to hold, checking often; false after `timeout`. For
// counters with no callback to wait on.
template <class Pred>
bool WaitUntil(Pred pred, absl::Duration timeout = absl::Seconds(60)) {
  const absl::Time end = absl::Now() + timeout;
  while (!pred()) {
    if (absl::Now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// ---- The argument / result struct: struct { 1: i32 id } ----

template <class Writer>
void WriteIdStruct(LinkBuffer& buf, int32_t id) {
  Writer w(buf);
  w.WriteStructBegin();
  w.WriteFieldBegin(codec::TType::kI32, 1);
  w.WriteI32(id);
  w.WriteFieldEnd();
  w.WriteFieldStop();
  w.WriteStructEnd();
  w.Finish();
}

LinkBuffer IdBody(ProtocolId protocol, int32_t id) {
  LinkBuffer buf;
  if (protocol == ProtocolId::kCompact) {
    WriteIdStruct<codec::CompactWriter>(buf, id);
  } else {
    WriteIdStruct<codec::BinaryWriter>(buf, id);
  }
  buf.Flush();
  return buf;
}

template <class Reader>
absl::StatusOr<int32_t> ReadIdStruct(LinkBuffer& buf) {
  Reader r(buf, codec::Limits());
  if (absl::Status s = r.ReadStructBegin(); !s.ok()) return s;
  codec::TType type;
  int16_t field;
  if (absl::Status s = r.ReadFieldBegin(&type, &field); !s.ok()) return s;
  if (type != codec::TType::kI32 || field != 1) return absl::InvalidArgumentError("not field 1");
  int32_t id = 0;
  if (absl::Status s = r.ReadI32(&id); !s.ok()) return s;
  return id;
}

absl::StatusOr<int32_t> ReadId(ProtocolId protocol, LinkBuffer& body) {
  if (protocol == ProtocolId::kCompact) return ReadIdStruct<codec::CompactReader>(body);
  return ReadIdStruct<codec::BinaryReader>(body);
}

OutgoingCall MakeCall(ProtocolId protocol, int32_t id, absl::Duration timeout = absl::Seconds(30),
                      MessageType type = MessageType::kCall) {
  OutgoingCall call;
  call.method = "echo";
  call.type = type;
  call.body = IdBody(protocol, id);
  call.deadline = absl::Now() + timeout;
  return call;
}

// ---- The test server ----

class TestServer {
 public:
  struct Options {
    Framing framing = Framing::kTHeader;
    // Each reply waits a random time in [0, max_delay] (a loop timer).
    absl::Duration max_delay = absl::ZeroDuration();
    // Keep requests unanswered until ReleaseHeld().
    bool hold = false;
    // Answer with bytes no frame of the framing starts with.
    bool garbage_frame = false;
    // Answer with a well-formed frame whose message header is garbage.
    bool garbage_message = false;
    // Put the "crrst" header on every reply frame (header framings).
    bool crrst_on_reply = false;
  };

  explicit TestServer(Options options, uint16_t port = 0)
      : options_(options), group_(EventLoopGroup::Options{.num_loops = 1, .name = "test-srv"}) {
    server_ = std::make_unique<transport::TcpServer>(
        &group_, InetAddress::Loopback(port), transport::TcpServer::Options(),
        [this](const std::shared_ptr<Connection>& c) { OnConnection(c); });
    start_status_ = server_->Start();
  }
  ~TestServer() { Stop(); }

  const absl::Status& start_status() const { return start_status_; }
  uint16_t port() const { return server_->address().port(); }
  InetAddress address() const { return InetAddress::Loopback(port()); }

  // Stops accepting and closes every connection.
  void Stop() {
    if (server_) server_->Stop();
  }

  // Answers every held request now (and stops holding).
  void ReleaseHeld() {
    std::vector<Held> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      release_all_ = true;
      held.swap(held_);
    }
    for (Held& h : held) {
      if (auto c = h.conn.lock()) Answer(*c, h.header, h.message, std::move(h.body));
    }
  }

  // Sends a control frame (sequence id 0, no payload) carrying "crrst" on
  // every connection.
  void SendCrrst() {
    std::vector<std::weak_ptr<Connection>> conns;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns = conns_;
    }
    for (auto& weak : conns) {
      auto c = weak.lock();
      if (!c) continue;
      codec::FrameHeader h;
      h.framing = options_.framing;
      h.seq_id = 0;
      h.headers.emplace_back(std::string(codec::kTTHeaderConnReset), "1");
      LinkBuffer out;
      ASSERT_TRUE(codec::EncodeFrame(h, LinkBuffer(), out).ok());
      out.Flush();
      c->Send(std::move(out));
    }
  }

  int requests() const { return requests_.load(); }
  // The message sequence ids of the requests, in arrival order.
  std::vector<int32_t> seqs() {
    std::lock_guard<std::mutex> lock(mu_);
    return seqs_;
  }
  int oneways() const { return oneways_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  int connections() const { return connections_.load(); }

 private:
  struct Held {
    std::weak_ptr<Connection> conn;
    codec::FrameHeader header;
    codec::MessageBegin message;
    LinkBuffer body;
  };

  void OnConnection(const std::shared_ptr<Connection>& c) {
    connections_.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns_.push_back(c);
    }
    auto decoder = std::make_shared<codec::FrameDecoder>(options_.framing, codec::Limits());
    c->SetMessageCallback([this, decoder](Connection& conn, LinkBuffer& in) {
      for (;;) {
        auto f = decoder->Decode(in);
        if (!f.ok()) {
          ADD_FAILURE() << "test server: " << f.status();
          conn.Close(f.status());
          return;
        }
        if (!f->has_value()) return;
        OnFrame(conn, std::move(**f));
      }
    });
  }

  void OnFrame(Connection& conn, codec::Frame frame) {
    codec::MessageBegin m;
    absl::Status s;
    if (frame.header.protocol == ProtocolId::kCompact) {
      codec::CompactReader r(frame.payload, codec::Limits());
      s = r.ReadMessageBegin(&m);
    } else {
      codec::BinaryReader r(frame.payload, codec::Limits());
      s = r.ReadMessageBegin(&m);
    }
    if (!s.ok()) {
      ADD_FAILURE() << "test server: " << s;
      conn.Close(s);
      return;
    }
    if (IsHeader() && frame.header.seq_id != static_cast<uint32_t>(m.seq_id)) {
      ADD_FAILURE() << "frame seq " << frame.header.seq_id << " != message seq " << m.seq_id;
    }
    if (m.seq_id == 0) ADD_FAILURE() << "a call with sequence id 0";
    {
      std::lock_guard<std::mutex> lock(mu_);
      seqs_.push_back(m.seq_id);
    }
    requests_.fetch_add(1);
    if (m.type == MessageType::kOneway) {
      oneways_.fetch_add(1);
      return;
    }
    const int now = in_flight_.fetch_add(1) + 1;
    int max = max_in_flight_.load();
    while (now > max && !max_in_flight_.compare_exchange_weak(max, now)) {
    }
    LinkBuffer body = std::move(frame.payload);
    if (options_.hold) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!release_all_) {
        held_.push_back(
            Held{conn.shared_from_this(), std::move(frame.header), std::move(m), std::move(body)});
        return;
      }
    }
    if (options_.max_delay > absl::ZeroDuration()) {
      const absl::Duration delay = absl::Microseconds(std::uniform_int_distribution<int64_t>(
          0, absl::ToInt64Microseconds(options_.max_delay))(rng_));
      conn.loop()->RunAfter(delay,
                            [this, weak = conn.weak_from_this(), header = std::move(frame.header),
                             m = std::move(m), body = std::move(body)]() mutable {
                              if (auto c = weak.lock()) Answer(*c, header, m, std::move(body));
                            });
      return;
    }
    Answer(conn, frame.header, m, std::move(body));
  }

  void Answer(Connection& conn, const codec::FrameHeader& request, const codec::MessageBegin& m,
              LinkBuffer body) {
    in_flight_.fetch_sub(1);
    LinkBuffer out;
    if (options_.garbage_frame) {
      // A short length and no known magic: no framing starts like this.
      out.Write(std::string_view("\x00\x00\x00\x0c\xde\xad\xbe\xef\x00\x00\x00\x00", 12));
      out.Flush();
      conn.Send(std::move(out));
      return;
    }
    LinkBuffer payload;
    if (options_.garbage_message) {
      payload.Write(std::string_view("\xff\xff\xff\xff\xff\xff", 6));
    } else if (request.protocol == ProtocolId::kCompact) {
      codec::CompactWriter w(payload);
      w.WriteMessageBegin(m.name, MessageType::kReply, m.seq_id);
      w.Finish();
    } else {
      codec::BinaryWriter w(payload);
      w.WriteMessageBegin(m.name, MessageType::kReply, m.seq_id);
      w.Finish();
    }
    if (!options_.garbage_message) payload.Append(std::move(body));
    payload.Flush();
    codec::FrameHeader h;
    h.framing = request.framing;
    h.protocol = request.protocol;
    h.flags = request.flags;
    h.seq_id = request.seq_id;
    if (options_.crrst_on_reply)
      h.headers.emplace_back(std::string(codec::kTTHeaderConnReset), "1");
    absl::Status s = codec::EncodeFrame(h, std::move(payload), out);
    if (!s.ok()) {
      ADD_FAILURE() << "test server: " << s;
      return;
    }
    out.Flush();
    conn.Send(std::move(out));
  }

  bool IsHeader() const {
    return options_.framing == Framing::kTHeader || options_.framing == Framing::kTTHeader;
  }

  const Options options_;
  EventLoopGroup group_;
  std::unique_ptr<transport::TcpServer> server_;
  absl::Status start_status_;
  std::mt19937_64 rng_{12345};  // server loop thread only
  std::atomic<int> requests_{0};
  std::atomic<int> oneways_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<Held> held_;                        // guarded by mu_
  bool release_all_ = false;                      // guarded by mu_
  std::vector<std::weak_ptr<Connection>> conns_;  // guarded by mu_
  std::vector<int32_t> seqs_;                     // guarded by mu_
};

// ---- Collecting results ----

struct Outcome {
  int32_t id = 0;  // the call's
  absl::Status status;
  MessageType type = MessageType::kReply;
  int32_t body_id = -1;  // the reply's
  bool body_empty = false;
  bool on_loop = false;
};

class Results {
 public:
  explicit Results(ProtocolId protocol = ProtocolId::kBinary, transport::EventLoop* loop = nullptr)
      : protocol_(protocol), loop_(loop) {}

  ReplyCallback Callback(int32_t id) {
    return [this, id](absl::StatusOr<IncomingReply> r) {
      Outcome o;
      o.id = id;
      o.on_loop = loop_ == nullptr || loop_->InLoopThread();
      if (r.ok()) {
        o.type = r->type;
        o.body_empty = r->body.Len() == 0;
        if (!o.body_empty) {
          absl::StatusOr<int32_t> body_id = ReadId(protocol_, r->body);
          o.body_id = body_id.ok() ? *body_id : -2;
        }
      } else {
        // A fresh Status, not a shared reference: the system abseil counts
        // references in code ThreadSanitizer does not see, so a Status
        // shared across threads looks like a race to it.
        o.status = absl::Status(r.status().code(), std::string(r.status().message()));
      }
      std::lock_guard<std::mutex> lock(mu_);
      outcomes_.push_back(std::move(o));
      cv_.notify_all();
    };
  }

  // Waits for n outcomes in all (60 s at most).
  bool Wait(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return outcomes_.size() >= n; });
  }

  std::vector<Outcome> outcomes() {
    std::lock_guard<std::mutex> lock(mu_);
    return outcomes_;
  }

 private:
  const ProtocolId protocol_;
  transport::EventLoop* const loop_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Outcome> outcomes_;
};

// One call, waited for.
Outcome CallOnce(ClientConnection& conn, ProtocolId protocol, int32_t id,
                 absl::Duration timeout = absl::Seconds(30)) {
  Results results(protocol);
  conn.Call(MakeCall(protocol, id, timeout), results.Callback(id));
  EXPECT_TRUE(results.Wait(1)) << "call " << id << " never completed";
  std::vector<Outcome> o = results.outcomes();
  return o.empty() ? Outcome{.id = id, .status = absl::UnknownError("hung")} : o[0];
}

class ClientConnectionTest : public ::testing::Test {
 protected:
  ClientConnectionTest()
      : loops_(EventLoopGroup::Options{.num_loops = 1, .name = "test-cli"}),
        loop_(loops_.loop(0)) {}

  std::shared_ptr<ClientConnection> Connect(const InetAddress& address,
                                            ClientConnectionOptions options = {}) {
    return ClientConnection::Create(loop_, address, options);
  }

  EventLoopGroup loops_;
  transport::EventLoop* loop_;
};

// ---- Tests ----

// A port where nothing listens: bound, not listening, so connects are refused.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const InetAddress any = InetAddress::Loopback(0);
    ::bind(fd_, any.sockaddr(), any.length());
    struct sockaddr_in sin {};
    socklen_t len = sizeof(sin);
    ::getsockname(fd_, reinterpret_cast<struct sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

TEST_F(ClientConnectionTest, SixtyFourCallsInFlightGetTheirOwnRepliesOutOfOrder) {
  TestServer server({.max_delay = absl::Milliseconds(50)});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results(ProtocolId::kBinary, loop_);
  constexpr int kCalls = 64;
  for (int i = 1; i <= kCalls; ++i)
    conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(kCalls));
  std::vector<Outcome> outcomes = results.outcomes();
  std::vector<int32_t> order;
  for (const Outcome& o : outcomes) {
    ASSERT_TRUE(o.status.ok()) << o.id << ": " << o.status;
    EXPECT_EQ(o.type, MessageType::kReply);
    EXPECT_EQ(o.body_id, o.id) << "a reply reached another call";
    EXPECT_TRUE(o.on_loop);
    order.push_back(o.id);
  }
  std::vector<int32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < kCalls; ++i) ASSERT_EQ(sorted[i], i + 1) << "each call completes once";
  EXPECT_NE(order, sorted) << "replies came back in send order";
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_EQ(conn->dials(), 1u);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.max_in_flight() > 1, true) << "calls were not in flight together";
  EXPECT_EQ(conn->late_replies(), 0u);
}

class FramingTest : public ClientConnectionTest,
                    public ::testing::WithParamInterface<std::tuple<Framing, ProtocolId>> {};

TEST_P(FramingTest, CallsRoundTrip) {
  const auto [framing, protocol] = GetParam();
  TestServer server({.framing = framing, .max_delay = absl::Milliseconds(5)});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.framing = framing, .protocol = protocol});
  Results results(protocol);
  constexpr int kCalls = 20;
  for (int i = 1; i <= kCalls; ++i) {
    OutgoingCall call = MakeCall(protocol, i);
    call.headers.emplace_back("k", "v");
    call.int_headers.emplace_back(codec::kTTHeaderToMethod, "echo");
    conn->Call(std::move(call), results.Callback(i));
  }
  ASSERT_TRUE(results.Wait(kCalls));
  for (const Outcome& o : results.outcomes()) {
    ASSERT_TRUE(o.status.ok()) << o.id << ": " << o.status;
    EXPECT_EQ(o.body_id, o.id);
  }
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_EQ(conn->late_replies(), 0u);
}

INSTANTIATE_TEST_SUITE_P(AllFramings, FramingTest,
                         ::testing::Combine(::testing::Values(Framing::kTHeader, Framing::kTTHeader,
                                                              Framing::kFramed, Framing::kBuffered),
                                            ::testing::Values(ProtocolId::kBinary,
                                                              ProtocolId::kCompact)),
                         [](const auto& info) {
                           return std::string(codec::FramingName(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) == ProtocolId::kCompact ? "Compact"
                                                                                   : "Binary");
                         });

TEST_F(ClientConnectionTest, DeadlineExceededThenLateReplyIsDropped) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 7, absl::Milliseconds(200));
  EXPECT_EQ(o.status.code(), absl::StatusCode::kDeadlineExceeded) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), server.address().ToString())) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "echo seq 1: deadline exceeded after"))
      << o.status;
  EXPECT_EQ(conn->in_flight(), 0u);
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 1; }));
  // The server answers now; the reply finds no call.
  server.ReleaseHeld();
  ASSERT_TRUE(WaitUntil([&] { return conn->late_replies() == 1; }));
  EXPECT_EQ(conn->in_flight(), 0u);
  // The connection is still good.
  o = CallOnce(*conn, ProtocolId::kBinary, 8);
  EXPECT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.body_id, 8);
  EXPECT_EQ(conn->late_replies(), 1u);
  EXPECT_EQ(conn->dials(), 1u);
  EXPECT_TRUE(conn->connected());
}

TEST_F(ClientConnectionTest, ServerStopFailsEveryCallWithUnavailableThenRedials) {
  auto server = std::make_unique<TestServer>(TestServer::Options{.hold = true});
  ASSERT_TRUE(server->start_status().ok());
  const uint16_t port = server->port();
  auto conn = Connect(server->address());
  Results results;
  constexpr int kCalls = 100;
  for (int i = 1; i <= kCalls; ++i) {
    conn->Call(MakeCall(ProtocolId::kBinary, i, absl::Seconds(30)), results.Callback(i));
  }
  ASSERT_TRUE(WaitUntil([&] { return server->requests() == kCalls; }));
  EXPECT_EQ(conn->in_flight(), static_cast<size_t>(kCalls));
  server->Stop();
  ASSERT_TRUE(results.Wait(kCalls));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), InetAddress::Loopback(port).ToString()))
        << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), "echo seq ")) << o.status;
  }
  EXPECT_EQ(conn->in_flight(), 0u);
  ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));

  server.reset();
  TestServer again({}, port);
  ASSERT_TRUE(again.start_status().ok()) << again.start_status();
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 500);
  EXPECT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.body_id, 500);
  EXPECT_EQ(conn->dials(), 2u);
  EXPECT_TRUE(conn->connected());
}

TEST_F(ClientConnectionTest, ConnectRefusedThenBackOffFailsFastWithoutDialing) {
  RefusingPort refusing;
  ASSERT_NE(refusing.port(), 0);
  auto conn = Connect(InetAddress::Loopback(refusing.port()),
                      {.min_backoff = absl::Seconds(600), .max_backoff = absl::Seconds(600)});
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 1);
  EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "connect failed")) << o.status;
  EXPECT_TRUE(
      absl::StrContains(o.status.message(), InetAddress::Loopback(refusing.port()).ToString()))
      << o.status;
  EXPECT_EQ(conn->dials(), 1u);

  o = CallOnce(*conn, ProtocolId::kBinary, 2);
  EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "back-off")) << o.status;
  EXPECT_EQ(conn->dials(), 1u) << "a call in the back-off window dialed";
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_FALSE(conn->connected());
}

// Calls until one fails with something other than the back-off; returns it.
Outcome CallPastBackoff(ClientConnection& conn, int32_t id) {
  for (int i = 0; i < 100000; ++i) {
    Outcome o = CallOnce(conn, ProtocolId::kBinary, id);
    if (!absl::StrContains(o.status.message(), "back-off")) return o;
    // Only time ends a back-off window.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Outcome{.id = id, .status = absl::UnknownError("still in back-off")};
}

TEST_F(ClientConnectionTest, BackoffDoublesToTheMaximumRedialsAndResetsOnSuccess) {
  uint16_t port;
  {
    TestServer gone({});
    ASSERT_TRUE(gone.start_status().ok());
    port = gone.port();
  }
  auto conn = Connect(InetAddress::Loopback(port), {.min_backoff = absl::Milliseconds(20),
                                                    .max_backoff = absl::Milliseconds(40)});
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 1);
  ASSERT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "next dial in 20ms")) << o.status;
  o = CallPastBackoff(*conn, 2);
  ASSERT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "next dial in 40ms")) << o.status;
  o = CallPastBackoff(*conn, 3);
  ASSERT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "next dial in 40ms")) << o.status;
  EXPECT_EQ(conn->dials(), 3u);

  // The server comes back: the first call after the window redials.
  auto server = std::make_unique<TestServer>(TestServer::Options{}, port);
  ASSERT_TRUE(server->start_status().ok()) << server->start_status();
  o = CallPastBackoff(*conn, 4);
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.body_id, 4);
  EXPECT_EQ(conn->dials(), 4u);

  // A success resets the back-off to its minimum.
  server.reset();
  ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
  o = CallOnce(*conn, ProtocolId::kBinary, 5);
  ASSERT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  EXPECT_TRUE(absl::StrContains(o.status.message(), "next dial in 20ms")) << o.status;
  EXPECT_EQ(conn->dials(), 5u);
}

TEST_F(ClientConnectionTest, CallsDuringADialWaitForIt) {
  TestServer server({});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results;
  // All of these are made before the connect completes (it needs the loop).
  for (int i = 1; i <= 10; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(10));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.body_id, o.id);
  }
  EXPECT_EQ(conn->dials(), 1u);
}

TEST_F(ClientConnectionTest, MaxInFlightFailFast) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.max_in_flight = 4, .wait_when_full = false});
  Results results;
  for (int i = 1; i <= 10; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(6));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_GT(o.id, 4);
    EXPECT_EQ(o.status.code(), absl::StatusCode::kResourceExhausted) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), "echo seq ")) << o.status;
  }
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 4; }));
  server.ReleaseHeld();
  ASSERT_TRUE(results.Wait(10));
  std::vector<Outcome> outcomes = results.outcomes();
  for (size_t i = 6; i < outcomes.size(); ++i) {
    EXPECT_TRUE(outcomes[i].status.ok()) << outcomes[i].status;
    EXPECT_EQ(outcomes[i].body_id, outcomes[i].id);
    EXPECT_LE(outcomes[i].id, 4);
  }
  EXPECT_EQ(server.requests(), 4);
  // Slots free again.
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 11);
  EXPECT_TRUE(o.status.ok()) << o.status;
}

TEST_F(ClientConnectionTest, MaxInFlightWaitQueuesWithinTheBound) {
  TestServer server({.max_delay = absl::Milliseconds(5)});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.max_in_flight = 4, .wait_when_full = true});
  Results results;
  constexpr int kCalls = 100;
  for (int i = 1; i <= kCalls; ++i)
    conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(kCalls));
  for (const Outcome& o : results.outcomes()) {
    ASSERT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.body_id, o.id);
  }
  EXPECT_LE(server.max_in_flight(), 4);
  EXPECT_GE(server.max_in_flight(), 1);
  EXPECT_EQ(conn->in_flight(), 0u);
}

TEST_F(ClientConnectionTest, MaxInFlightWaitGivesUpAtTheDeadline) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.max_in_flight = 2, .wait_when_full = true});
  Results results;
  conn->Call(MakeCall(ProtocolId::kBinary, 1), results.Callback(1));
  conn->Call(MakeCall(ProtocolId::kBinary, 2), results.Callback(2));
  conn->Call(MakeCall(ProtocolId::kBinary, 3, absl::Milliseconds(100)), results.Callback(3));
  ASSERT_TRUE(results.Wait(1));
  Outcome third = results.outcomes()[0];
  EXPECT_EQ(third.id, 3);
  EXPECT_EQ(third.status.code(), absl::StatusCode::kDeadlineExceeded) << third.status;
  EXPECT_TRUE(absl::StrContains(third.status.message(), "never sent")) << third.status;
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 2; }));
  server.ReleaseHeld();
  ASSERT_TRUE(results.Wait(3));
  for (const Outcome& o : results.outcomes()) {
    if (o.id != 3) {
      EXPECT_TRUE(o.status.ok()) << o.status;
    }
  }
  EXPECT_EQ(server.requests(), 2) << "the expired call reached the server";
  EXPECT_EQ(conn->late_replies(), 0u);
}

TEST_F(ClientConnectionTest, CrrstRetiresTheConnectionAndInFlightCallsComplete) {
  for (Framing framing : {Framing::kTTHeader, Framing::kTHeader}) {
    SCOPED_TRACE(codec::FramingName(framing));
    TestServer server({.framing = framing, .hold = true});
    ASSERT_TRUE(server.start_status().ok());
    auto conn = Connect(server.address(), {.framing = framing});
    Results results;
    for (int i = 1; i <= 5; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
    ASSERT_TRUE(WaitUntil([&] { return server.requests() == 5; }));
    EXPECT_FALSE(conn->retiring());
    server.SendCrrst();
    ASSERT_TRUE(WaitUntil([&] { return conn->retiring(); }));
    EXPECT_TRUE(conn->connected()) << "closed with calls in flight";
    server.ReleaseHeld();
    ASSERT_TRUE(results.Wait(5));
    for (const Outcome& o : results.outcomes()) {
      EXPECT_TRUE(o.status.ok()) << o.status;
      EXPECT_EQ(o.body_id, o.id);
    }
    // The last completion closes the retired connection.
    ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
    EXPECT_TRUE(conn->retiring());
    EXPECT_EQ(conn->late_replies(), 0u);
  }
}

TEST_F(ClientConnectionTest, CrrstOnAReplyFrameRetiresTheConnection) {
  TestServer server({.framing = Framing::kTTHeader, .hold = true, .crrst_on_reply = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.framing = Framing::kTTHeader});
  Results results;
  for (int i = 1; i <= 3; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 3; }));
  server.ReleaseHeld();
  ASSERT_TRUE(results.Wait(3));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.body_id, o.id);
  }
  EXPECT_TRUE(conn->retiring());
  ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
  // A later call redials (a new connection is not retiring).
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 4);
  EXPECT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(conn->dials(), 2u);
}

// A caller that took the handle before the crrst arrived does not put a
// new call on the going-away socket: the call fails UNAVAILABLE unsent,
// and once the socket has closed the next call dials a fresh one.
TEST_F(ClientConnectionTest, AfterCrrstNewCallsAreNotSentOnTheGoingAwaySocket) {
  TestServer server({.framing = Framing::kTTHeader, .hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address(), {.framing = Framing::kTTHeader});
  Results results;
  conn->Call(MakeCall(ProtocolId::kBinary, 1), results.Callback(1));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 1; }));
  server.SendCrrst();
  ASSERT_TRUE(WaitUntil([&] { return conn->retiring(); }));
  Outcome late = CallOnce(*conn, ProtocolId::kBinary, 2);
  EXPECT_EQ(late.status.code(), absl::StatusCode::kUnavailable) << late.status;
  EXPECT_TRUE(absl::StrContains(late.status.message(), "going away (crrst); call not sent"))
      << late.status;
  EXPECT_EQ(server.requests(), 1) << "a call went onto the going-away connection";
  server.ReleaseHeld();
  ASSERT_TRUE(results.Wait(1));
  EXPECT_TRUE(results.outcomes()[0].status.ok()) << results.outcomes()[0].status;
  ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
  Outcome fresh = CallOnce(*conn, ProtocolId::kBinary, 3);
  EXPECT_TRUE(fresh.status.ok()) << fresh.status;
  EXPECT_EQ(fresh.body_id, 3);
  EXPECT_EQ(conn->dials(), 2u);
}

// Sequence ids run to 2^31-1, then start again at 1 (0 is for control
// frames); replies still find their calls across the wrap.
TEST_F(ClientConnectionTest, SequenceIdsWrapAroundPastTheI32Maximum) {
  TestServer server({});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  conn->SetNextSequenceIdForTesting(0x7FFFFFFEu);
  for (int32_t id = 1; id <= 4; ++id) {
    Outcome o = CallOnce(*conn, ProtocolId::kBinary, id);
    EXPECT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.body_id, id);
  }
  EXPECT_EQ(server.seqs(), (std::vector<int32_t>{0x7FFFFFFE, 0x7FFFFFFF, 1, 2}));
}

// After a wrap, an id a call of the previous round still waits on is
// skipped: the new call draws the next id and succeeds (it used to fail
// with INTERNAL "sequence id already in use").
TEST_F(ClientConnectionTest, AfterAWrapAnIdStillInUseIsSkipped) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results;
  conn->Call(MakeCall(ProtocolId::kBinary, 1, absl::InfiniteDuration()), results.Callback(1));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 1; }));
  conn->SetNextSequenceIdForTesting(0x7FFFFFFFu);
  conn->Call(MakeCall(ProtocolId::kBinary, 2), results.Callback(2));
  conn->Call(MakeCall(ProtocolId::kBinary, 3), results.Callback(3));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 3; }));
  server.ReleaseHeld();
  ASSERT_TRUE(results.Wait(3));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_TRUE(o.status.ok()) << "call " << o.id << ": " << o.status;
    EXPECT_EQ(o.body_id, o.id);
  }
  EXPECT_EQ(server.seqs(), (std::vector<int32_t>{1, 0x7FFFFFFF, 2}));
}

TEST_F(ClientConnectionTest, CallsWaitingForAFailedDialAllFail) {
  RefusingPort refusing;
  auto conn = Connect(InetAddress::Loopback(refusing.port()),
                      {.min_backoff = absl::Seconds(600), .max_backoff = absl::Seconds(600)});
  Results results;
  for (int i = 1; i <= 10; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(10));
  int connect_failed = 0;
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
    // Calls that reached the loop after the failed dial see the back-off.
    if (absl::StrContains(o.status.message(), "connect failed")) ++connect_failed;
  }
  EXPECT_GE(connect_failed, 1);
  EXPECT_EQ(conn->dials(), 1u);
  EXPECT_EQ(conn->in_flight(), 0u);
}

TEST_F(ClientConnectionTest, CloseBeforeTheLoopRunsFailsEverythingQueued) {
  TestServer server({});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  // Hold the loop so that the calls and the close reach it in one batch.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  loop_->Post([released] { released.wait(); });
  Results results;
  for (int i = 1; i <= 5; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  conn->Close();
  release.set_value();
  ASSERT_TRUE(results.Wait(5));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), "closed by the client")) << o.status;
  }
  EXPECT_FALSE(conn->connected());
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_EQ(server.requests(), 0) << "a call left after Close()";
}

TEST_F(ClientConnectionTest, OnewayCompletesWithoutAReply) {
  for (Framing framing : {Framing::kTHeader, Framing::kFramed}) {
    TestServer server({.framing = framing});
    ASSERT_TRUE(server.start_status().ok());
    auto conn = Connect(server.address(), {.framing = framing});
    Results results;
    conn->Call(MakeCall(ProtocolId::kBinary, 1, absl::Seconds(30), MessageType::kOneway),
               results.Callback(1));
    ASSERT_TRUE(results.Wait(1));
    Outcome o = results.outcomes()[0];
    EXPECT_TRUE(o.status.ok()) << o.status;
    EXPECT_TRUE(o.body_empty);
    ASSERT_TRUE(WaitUntil([&] { return server.oneways() == 1; }));
    // A two-way call after it still matches its reply.
    o = CallOnce(*conn, ProtocolId::kBinary, 2);
    EXPECT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.body_id, 2);
    EXPECT_EQ(conn->in_flight(), 0u);
    EXPECT_EQ(conn->late_replies(), 0u);
  }
}

TEST_F(ClientConnectionTest, ManyThreadsCallAtOnce) {
  TestServer server({.max_delay = absl::Milliseconds(2)});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int32_t id = 1 + t * kPerThread + i;
        conn->Call(MakeCall(ProtocolId::kBinary, id), results.Callback(id));
        (void)conn->in_flight();
        (void)conn->connected();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(results.Wait(kThreads * kPerThread));
  std::vector<int> seen(kThreads * kPerThread + 1, 0);
  for (const Outcome& o : results.outcomes()) {
    ASSERT_TRUE(o.status.ok()) << o.status;
    ASSERT_EQ(o.body_id, o.id);
    ++seen[o.id];
  }
  for (int id = 1; id <= kThreads * kPerThread; ++id) ASSERT_EQ(seen[id], 1) << id;
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_EQ(conn->dials(), 1u);
}

TEST_F(ClientConnectionTest, CloseFailsWaitingCallsAndLaterCalls) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results(ProtocolId::kBinary, loop_);
  for (int i = 1; i <= 20; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == 20; }));
  conn->Close();
  conn->Close();
  EXPECT_TRUE(conn->retiring());
  ASSERT_TRUE(results.Wait(20));
  conn->Call(MakeCall(ProtocolId::kBinary, 21), results.Callback(21));
  ASSERT_TRUE(results.Wait(21));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), "connection closed by the client"))
        << o.status;
    EXPECT_TRUE(o.on_loop) << "a callback ran inside Call() or Close()";
  }
  EXPECT_EQ(conn->in_flight(), 0u);
  EXPECT_FALSE(conn->connected());
  EXPECT_EQ(conn->dials(), 1u);
}

TEST_F(ClientConnectionTest, DestroyedWhileCallsAreInFlight) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results;
  constexpr int kCalls = 50;
  for (int i = 1; i <= kCalls; ++i)
    conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(WaitUntil([&] { return server.requests() == kCalls; }));
  conn.reset();
  ASSERT_TRUE(results.Wait(kCalls));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
  }
  // Replies to the dead connection reach nothing.
  server.ReleaseHeld();
}

TEST_F(ClientConnectionTest, DestroyedOnTheLoopThreadInsideACallback) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto holder = std::make_shared<std::shared_ptr<ClientConnection>>(Connect(server.address()));
  ClientConnection* conn = holder->get();
  Results results;
  constexpr int kCalls = 20;
  for (int i = 1; i <= kCalls; ++i)
    conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  std::atomic<bool> destroyed{false};
  // This call's deadline passes first; its callback drops the last handle.
  ReplyCallback record = results.Callback(0);
  conn->Call(
      MakeCall(ProtocolId::kBinary, 0, absl::Milliseconds(100)),
      [holder, &destroyed, record = std::move(record)](absl::StatusOr<IncomingReply> r) mutable {
        std::move(record)(std::move(r));
        holder->reset();
        destroyed.store(true);
      });
  holder.reset();
  ASSERT_TRUE(results.Wait(kCalls + 1));
  EXPECT_TRUE(destroyed.load());
  for (const Outcome& o : results.outcomes()) {
    if (o.id == 0) {
      EXPECT_EQ(o.status.code(), absl::StatusCode::kDeadlineExceeded) << o.status;
    } else {
      EXPECT_EQ(o.status.code(), absl::StatusCode::kUnavailable) << o.status;
    }
  }
}

TEST_F(ClientConnectionTest, GarbageReplyFrameFailsEveryCallWithInternal) {
  TestServer server({.max_delay = absl::Milliseconds(50), .garbage_frame = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Results results;
  for (int i = 1; i <= 3; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
  ASSERT_TRUE(results.Wait(3));
  for (const Outcome& o : results.outcomes()) {
    EXPECT_EQ(o.status.code(), absl::StatusCode::kInternal) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), server.address().ToString())) << o.status;
    EXPECT_TRUE(absl::StrContains(o.status.message(), "malformed")) << o.status;
  }
  ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
  EXPECT_EQ(conn->in_flight(), 0u);
}

TEST_F(ClientConnectionTest, GarbageMessageHeaderFailsEveryCallWithInternal) {
  for (Framing framing : {Framing::kTHeader, Framing::kFramed}) {
    TestServer server({.framing = framing, .hold = true, .garbage_message = true});
    ASSERT_TRUE(server.start_status().ok());
    auto conn = Connect(server.address(), {.framing = framing});
    Results results;
    for (int i = 1; i <= 4; ++i) conn->Call(MakeCall(ProtocolId::kBinary, i), results.Callback(i));
    ASSERT_TRUE(WaitUntil([&] { return server.requests() == 4; }));
    server.ReleaseHeld();
    ASSERT_TRUE(results.Wait(4));
    for (const Outcome& o : results.outcomes()) {
      EXPECT_EQ(o.status.code(), absl::StatusCode::kInternal) << o.status;
      EXPECT_TRUE(absl::StrContains(o.status.message(), "malformed reply message header"))
          << o.status;
    }
    ASSERT_TRUE(WaitUntil([&] { return !conn->connected(); }));
    EXPECT_EQ(conn->in_flight(), 0u);
  }
}

TEST_F(ClientConnectionTest, SequenceIdsStartAtOneAndAreNamedInErrors) {
  TestServer server({.hold = true});
  ASSERT_TRUE(server.start_status().ok());
  auto conn = Connect(server.address());
  Outcome o = CallOnce(*conn, ProtocolId::kBinary, 1, absl::Milliseconds(50));
  EXPECT_TRUE(absl::StrContains(o.status.message(),
                                server.address().ToString() + " echo seq 1: deadline exceeded"))
      << o.status;
  o = CallOnce(*conn, ProtocolId::kBinary, 2, absl::Milliseconds(50));
  EXPECT_TRUE(absl::StrContains(o.status.message(), " echo seq 2: ")) << o.status;
}

}  // namespace
}  // namespace vireo::mux
