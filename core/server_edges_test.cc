// The server at the edges of a connection's life: the client's half-close,
// Stop() while a connection is busy, and a client that pipelines past
// max_calls_per_connection. Real sockets throughout (TestClient).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using codec::Framing;
using codec::MessageType;
using codec::ProtocolId;
using codec::TApplicationException;

const Framing kFramings[] = {Framing::kTHeader, Framing::kTTHeader, Framing::kFramed,
                             Framing::kBuffered};

ServerOptions TestOptions() {
  ServerOptions o;
  o.address = "127.0.0.1:0";
  o.num_loops = 1;
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  return o;
}

std::unique_ptr<Server> StartedServer(Service* service, const ServerOptions& options) {
  auto server = std::make_unique<Server>(options);
  server->AddService(service);
  const absl::Status started = server->Start();
  EXPECT_TRUE(started.ok()) << started;
  return started.ok() ? std::move(server) : nullptr;
}

std::string Name(Framing f) { return std::string(codec::FramingName(f)); }

// The reply to `seq` echoes `message`.
void ExpectEcho(TestClient& c, int32_t seq, const std::string& message) {
  absl::StatusOr<TestReply> r = c.Read();
  ASSERT_TRUE(r.ok()) << "no reply to seq " << seq << ": " << r.status();
  EXPECT_EQ(r->message.seq_id, seq);
  absl::StatusOr<EchoResult> result = r->Result();
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->success.has_value());
  EXPECT_EQ(result->success->message, message);
}

// ---- 1. A client's half-close loses no reply ----

// How the handler runs: inline on the loop, on a worker, or suspended (a
// coroutine) and resumed by the test from another thread.
enum class Mode { kInline, kWorker, kCoroutine, kBlockedWorker };

std::string ModeName(Mode m) {
  switch (m) {
    case Mode::kInline:
      return "Inline";
    case Mode::kWorker:
      return "Worker";
    case Mode::kCoroutine:
      return "Coroutine";
    case Mode::kBlockedWorker:
      return "BlockedWorker";
  }
  return "?";
}

class HalfClose : public ::testing::TestWithParam<std::tuple<Framing, Mode>> {};

// Three pipelined requests, then FIN at once (as `nc -N` does). Handlers
// that hold their call (park, block) are released only after the server
// has had time to read the FIN: before the fix, the FIN closed the
// connection while the calls ran, and their replies were lost.
TEST_P(HalfClose, RequestsSentBeforeTheFinAreAnswered) {
  const auto [framing, mode] = GetParam();
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  if (mode == Mode::kWorker || mode == Mode::kBlockedWorker) options.worker_threads = 2;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);

  const bool held = mode == Mode::kCoroutine || mode == Mode::kBlockedWorker;
  const std::string message =
      mode == Mode::kCoroutine ? "park" : (mode == Mode::kBlockedWorker ? "block" : "hi");
  const int kConnections = held ? 2 : 25;
  std::vector<std::unique_ptr<TestClient>> clients;
  int32_t seq = 1;
  // Joined when the test ends, whatever way: it reads `seq` and `parking`.
  std::thread releaser;
  absl::Cleanup join_releaser = [&] {
    if (releaser.joinable()) releaser.join();
  };
  for (int i = 0; i < kConnections; ++i) {
    auto c = std::make_unique<TestClient>(server->port(), framing, ProtocolId::kBinary);
    ASSERT_TRUE(c->connected());
    std::string burst;
    for (int k = 0; k < 3; ++k) burst += c->Encode("echo", seq++, MakeArgs(message));
    ASSERT_TRUE(c->SendRaw(burst));
    c->ShutdownWrite();
    clients.push_back(std::move(c));
  }
  if (held) {
    // Two workers block two calls at a time; coroutines all park at once.
    const size_t at_once = mode == Mode::kBlockedWorker ? 2 : static_cast<size_t>(seq - 1);
    ASSERT_TRUE(parking.WaitParked(at_once));
    // Not an assertion on time: a pause so that the FIN is surely read
    // while the calls are held (the case that lost replies).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    releaser = std::thread([&] {
      for (int32_t s = 1; s < seq; ++s) {
        for (int i = 0; i < kWaitSeconds * 1000 && !parking.Release(s); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
    });
  }
  // A blocked call is echoed as a parked one.
  const std::string echoed = mode == Mode::kBlockedWorker ? "park" : message;
  int32_t first = 1;
  for (auto& c : clients) {
    // Header framings answer as calls finish, in any order.
    std::set<int32_t> seqs;
    for (int k = 0; k < 3; ++k) {
      absl::StatusOr<TestReply> r = c->Read();
      ASSERT_TRUE(r.ok()) << "reply " << k + 1 << " of 3 lost: " << r.status();
      seqs.insert(r->message.seq_id);
      absl::StatusOr<EchoResult> result = r->Result();
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_TRUE(result->success.has_value());
      EXPECT_EQ(result->success->message, echoed);
    }
    EXPECT_EQ(seqs, (std::set<int32_t>{first, first + 1, first + 2}));
    first += 3;
    EXPECT_TRUE(c->WaitClosed()) << "the connection stays open after its replies";
  }
  EXPECT_EQ(server->stats().bad_input_closes, 0u);
  EXPECT_EQ(server->stats().calls_served, static_cast<uint64_t>(seq - 1));
  server->Stop();
  EXPECT_EQ(parking.parked(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryFramingAndHandlerMode, HalfClose,
    ::testing::Combine(::testing::ValuesIn(kFramings),
                       ::testing::Values(Mode::kInline, Mode::kWorker, Mode::kCoroutine,
                                         Mode::kBlockedWorker)),
    [](const auto& info) {
      return Name(std::get<0>(info.param)) + ModeName(std::get<1>(info.param));
    });

// A half-closed connection whose calls never finish does not stay open
// past their deadline.
TEST(HalfCloseDeadline, ClosesAtTheLatestDeadlineOfTheCallsInFlight) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service, TestOptions());
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  codec::FrameHeader h;
  h.headers.emplace_back(std::string(kTimeoutHeader), "200");
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("park"), h));
  ASSERT_TRUE(parking.WaitParked(1));
  c.ShutdownWrite();
  EXPECT_TRUE(c.WaitClosed());
  ASSERT_TRUE(parking.Release(1));
  server->Stop();
}

// ---- 6. Stop() refuses what arrives after it began ----

class StopWhileBusy : public ::testing::TestWithParam<Framing> {};

TEST_P(StopWhileBusy, NewRequestsAreRefusedAndCallsInFlightAnswered) {
  const Framing framing = GetParam();
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service, TestOptions());
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), framing, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("park")));
  ASSERT_TRUE(parking.WaitParked(1));

  std::thread stopper([&] { server->Stop(absl::Seconds(kWaitSeconds)); });
  if (framing == Framing::kTTHeader) {
    absl::StatusOr<codec::Frame> notice = c.ReadFrame();
    ASSERT_TRUE(notice.ok()) << notice.status();
    EXPECT_EQ(notice->header.seq_id, 0u);
  } else {
    // One loop stops its listener and begins the stop of its connections
    // in one task: once a connect is refused, this connection is stopping.
    for (;;) {
      TestClient probe(server->port(), Framing::kFramed, ProtocolId::kBinary);
      if (!probe.connected()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("after stop")));
  auto expect_refused = [&] {
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->message.seq_id, 2);
    EXPECT_EQ(r->message.type, MessageType::kException);
    absl::StatusOr<TApplicationException> x = r->Exception();
    ASSERT_TRUE(x.ok()) << x.status();
    EXPECT_EQ(x->type, TApplicationException::Type::kLoadShedding);
    EXPECT_NE(x->message.find("shutting down"), std::string::npos) << x->message;
  };
  if (codec::IsHeaderFraming(framing)) {
    // Answered at once, ahead of the call in flight.
    expect_refused();
    ASSERT_TRUE(parking.Release(1));
    ExpectEcho(c, 1, "park");
  } else {
    // In request order.
    ASSERT_TRUE(parking.Release(1));
    ExpectEcho(c, 1, "park");
    expect_refused();
  }
  EXPECT_TRUE(c.WaitClosed());
  stopper.join();
  EXPECT_EQ(service.echo_calls(), 1);
}

INSTANTIATE_TEST_SUITE_P(EveryFraming, StopWhileBusy, ::testing::ValuesIn(kFramings),
                         [](const auto& info) { return Name(info.param); });

// ---- 7. max_calls_per_connection ----

class CallLimit : public ::testing::TestWithParam<Framing> {};

TEST_P(CallLimit, APipeliningClientIsPausedAtTheLimit) {
  const Framing framing = GetParam();
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  options.max_calls_per_connection = 3;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), framing, ProtocolId::kBinary);
  constexpr int32_t kCalls = 10;
  std::string burst;
  for (int32_t seq = 1; seq <= kCalls; ++seq) burst += c.Encode("echo", seq, MakeArgs("park"));
  ASSERT_TRUE(c.SendRaw(burst));
  ASSERT_TRUE(parking.WaitParked(3));
  // Every request is buffered at the server; none past the limit runs.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(parking.parked(), 3u);
  EXPECT_EQ(server->stats().in_flight_calls, 3);
  // Each finished call lets one more in, from the requests left buffered
  // (no new byte arrives to bring them back).
  for (int32_t seq = 1; seq <= kCalls; ++seq) {
    while (!parking.Release(seq)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_LE(server->stats().in_flight_calls, 3);
  }
  for (int32_t seq = 1; seq <= kCalls; ++seq) ExpectEcho(c, seq, "park");
  EXPECT_EQ(service.echo_calls(), kCalls);
}

INSTANTIATE_TEST_SUITE_P(EveryFraming, CallLimit, ::testing::ValuesIn(kFramings),
                         [](const auto& info) { return Name(info.param); });

}  // namespace
}  // namespace vireo::servertest
