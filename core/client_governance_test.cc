// The client's retries, backup requests, retry budget and circuit breakers
// against real servers on loopback: which calls retry and which do not,
// the retry header and chain stop, a backup winning over a slow instance,
// breakers opening, skipping and closing again. Counts, never timings.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"
#include "vireo/transport/event_loop.h"

namespace vireo::servertest {
namespace {

// What one test server does with a call, set by the test.
struct Behavior {
  // Nonzero: the middleware answers with this code without running the
  // handler (to the client: an error the server may have acted on).
  std::atomic<int> fail_code{0};
  // The middleware waits this long first (a loop timer).
  std::atomic<int64_t> delay_ms{0};
  std::atomic<int> calls{0};
  // Calls inside the middleware now (a delayed one must finish before the
  // server goes: a call abandoned at shutdown leaks its suspended frame).
  std::atomic<int> active{0};
  std::mutex mu;
  // RPC_PERSIST_RetryReq of each call ("" when absent).
  std::vector<std::string> retry_headers;
};

class Governance : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      behaviors_.push_back(std::make_unique<Behavior>());
      services_.push_back(std::make_unique<TestService>("EchoService", ""));
      servers_.emplace_back();
      ASSERT_TRUE(StartServer(i, 0));
      targets_.push_back("127.0.0.1:" + std::to_string(servers_[i]->port()));
    }
  }

  void TearDown() override {
    // Delayed calls still in a middleware finish first.
    for (auto& b : behaviors_) {
      for (int i = 0; i < kWaitSeconds * 100 && b->active.load() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      EXPECT_EQ(b->active.load(), 0);
    }
  }

  bool StartServer(int i, uint16_t port) {
    ServerOptions o;
    o.address = "127.0.0.1:" + std::to_string(port);
    o.num_loops = 1;
    // Slow calls still in flight at the end need not hold the test up.
    o.shutdown_grace = absl::Milliseconds(100);
    auto server = std::make_unique<Server>(o);
    server->AddService(services_[i].get());
    Behavior* b = behaviors_[i].get();
    server->Use([b](CallContext& ctx, ServerNext next) -> Task<absl::Status> {
      b->calls.fetch_add(1);
      b->active.fetch_add(1);
      struct Leave {
        Behavior* b;
        ~Leave() { b->active.fetch_sub(1); }
      } leave{b};
      {
        const std::string* h = ctx.request_metadata().Find(kRetryHeader);
        std::lock_guard<std::mutex> lock(b->mu);
        b->retry_headers.push_back(h != nullptr ? *h : "");
      }
      if (const int64_t ms = b->delay_ms.load(); ms > 0) {
        transport::EventLoop* loop = transport::EventLoop::Current();
        co_await Suspend<bool>([&](absl::AnyInvocable<void(bool) &&> resume) {
          loop->RunAfter(absl::Milliseconds(ms),
                         [resume = std::move(resume)]() mutable { std::move(resume)(true); });
        });
      }
      if (const int code = b->fail_code.load(); code != 0) {
        co_return absl::Status(static_cast<absl::StatusCode>(code), "injected");
      }
      co_return co_await next();
    });
    if (!server->Start().ok()) return false;
    servers_[i] = std::move(server);
    return true;
  }

  ClientOptions Options() {
    ClientOptions o;
    o.targets = targets_;
    o.load_balancer = "round_robin";
    o.call_timeout = absl::Seconds(kWaitSeconds);
    return o;
  }

  int Calls(int i) { return behaviors_[i]->calls.load(); }
  std::vector<std::string> RetryHeaders(int i) {
    std::lock_guard<std::mutex> lock(behaviors_[i]->mu);
    return behaviors_[i]->retry_headers;
  }

  std::vector<std::unique_ptr<Behavior>> behaviors_;
  std::vector<std::unique_ptr<TestService>> services_;
  std::vector<std::unique_ptr<Server>> servers_;
  std::vector<std::string> targets_;
};

TEST_F(Governance, WithoutRetriesADeadInstanceFailsItsShare) {
  servers_[0].reset();
  Client client(Options());
  int failed = 0;
  for (int i = 0; i < 30; ++i) {
    const absl::Status s = EchoThrough(client);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
      ++failed;
    }
  }
  EXPECT_EQ(failed, 10);
  EXPECT_EQ(client.Stats().retries, 0u);
}

TEST_F(Governance, RetriesMoveCallsOffADeadInstance) {
  servers_[0].reset();
  ClientOptions o = Options();
  o.retry.enabled = true;
  Client client(o);
  for (int i = 0; i < 30; ++i) {
    const absl::Status s = EchoThrough(client);
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_GE(client.Stats().retries, 10u);  // round robin moves on at each retry too
  EXPECT_EQ(services_[1]->echo_calls() + services_[2]->echo_calls(), 30);
}

// The server answered UNAVAILABLE: it may have acted on the call, so only
// an idempotent method retries.
TEST_F(Governance, ACallTheServerMayHaveRunRetriesOnlyWhenIdempotent) {
  behaviors_[0]->fail_code = static_cast<int>(absl::StatusCode::kUnavailable);
  ClientOptions o = Options();
  o.retry.enabled = true;
  {
    Client client(o);
    const absl::Status s = EchoThrough(client);  // round robin starts at instance 0
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_EQ(client.Stats().retries, 0u);
    EXPECT_EQ(Calls(0), 1);
    EXPECT_EQ(Calls(1) + Calls(2), 0);
  }
  for (int way = 0; way < 3; ++way) {
    ClientOptions io = o;
    MethodInfo method{.name = "echo"};
    if (way == 0) io.idempotent_methods = {"echo"};
    if (way == 1) io.method_retry["echo"] = o.retry, io.method_retry["echo"].idempotent = true;
    if (way == 2) method.idempotent = true;  // the IDL annotation
    Client client(io);
    const int before = Calls(0);
    const absl::Status s = EchoThrough(client, {}, method);
    EXPECT_TRUE(s.ok()) << way << ": " << s;
    EXPECT_EQ(client.Stats().retries, 1u) << way;
    EXPECT_EQ(Calls(0), before + 1) << way;
  }
}

// A retried call sends the same bytes again: small bodies (copied) and
// large ones (shared, not copied) alike.
TEST_F(Governance, ARetryResendsTheBodyIntact) {
  behaviors_[0]->fail_code = static_cast<int>(absl::StatusCode::kUnavailable);
  ClientOptions o = Options();
  o.retry.enabled = true;
  o.retry.idempotent = true;
  o.limits.max_frame_size = 64 << 20;
  // The arguments take 12 bytes more than the message: 244 fills the 256 copied inline.
  for (size_t size : {size_t{10}, size_t{243}, size_t{244}, size_t{245}, size_t{300} << 10}) {
    Client client(o);  // round robin starts at the failing instance
    std::string message(size, '\0');
    for (size_t i = 0; i < size; ++i) message[i] = static_cast<char>('a' + (i * 7 + size) % 26);
    const EchoArgs args = MakeArgs(message);
    std::promise<absl::StatusOr<std::string>> done;
    client.Call(
        MethodInfo{.name = "echo"},
        [&](codec::ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); }, {},
        [&](absl::Status s, ClientReply& reply) {
          if (!s.ok()) return done.set_value(s);
          EchoResult result;
          if (absl::Status d = reply.Decode(&result); !d.ok()) return done.set_value(d);
          done.set_value(result.success ? result.success->message : "(no success)");
        });
    absl::StatusOr<std::string> echoed = done.get_future().get();
    ASSERT_TRUE(echoed.ok()) << size << ": " << echoed.status();
    EXPECT_EQ(*echoed, message) << size;
    EXPECT_EQ(client.Stats().retries, 1u) << size;
  }
}

TEST_F(Governance, ExtraAttemptsCarryTheRetryHeaderOnBothHeaderFramings) {
  behaviors_[0]->fail_code = static_cast<int>(absl::StatusCode::kUnavailable);
  behaviors_[1]->fail_code = static_cast<int>(absl::StatusCode::kUnavailable);
  for (codec::Framing framing : {codec::Framing::kTHeader, codec::Framing::kTTHeader}) {
    for (auto& b : behaviors_) {
      std::lock_guard<std::mutex> lock(b->mu);
      b->retry_headers.clear();
    }
    ClientOptions o = Options();
    o.framing = framing;
    o.retry.enabled = true;
    o.retry.idempotent = true;
    Client client(o);
    const absl::Status s = EchoThrough(client);
    EXPECT_TRUE(s.ok()) << s;
    EXPECT_EQ(RetryHeaders(0), std::vector<std::string>{""});
    EXPECT_EQ(RetryHeaders(1), std::vector<std::string>{"1"});
    EXPECT_EQ(RetryHeaders(2), std::vector<std::string>{"2"});
  }
}

TEST_F(Governance, ACallServingARetryDoesNotRetry) {
  servers_[0].reset();
  ClientOptions o = Options();
  o.retry.enabled = true;
  Client client(o);
  CallContext serving;
  serving.request_metadata().Set(kRetryHeader, "1");
  {
    internal::ScopedCallContext scope(&serving);
    const absl::Status s = EchoThrough(client);  // to the dead instance
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_EQ(client.Stats().retries, 0u);
  }
  // The same without chain stop.
  o.retry.chain_stop = false;
  Client unchained(o);
  internal::ScopedCallContext scope(&serving);
  const absl::Status s = EchoThrough(unchained);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(unchained.Stats().retries, 1u);
}

TEST_F(Governance, AnAttemptTimeoutRetriesElsewhereWhenIdempotent) {
  behaviors_[0]->delay_ms = 500;
  ClientOptions o = Options();
  o.retry.enabled = true;
  o.retry.attempt_timeout = absl::Milliseconds(50);
  {
    Client client(o);
    const absl::Status s = EchoThrough(client);
    EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
    EXPECT_EQ(client.Stats().retries, 0u);
  }
  o.retry.idempotent = true;
  Client client(o);
  const absl::Status s = EchoThrough(client);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(client.Stats().retries, 1u);
}

TEST_F(Governance, ABackupRequestWinsOverASlowInstance) {
  behaviors_[0]->delay_ms = 1'000;
  ClientOptions o = Options();
  o.retry.enabled = true;
  o.retry.backup_delay = absl::Milliseconds(20);
  Client client(o);
  const absl::Status s = EchoThrough(client);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(client.Stats().backups, 1u);
  EXPECT_EQ(RetryHeaders(1), std::vector<std::string>{"1"});
  // The slow instance answers later: dropped, counted.
  for (int i = 0; i < kWaitSeconds * 100 && client.Stats().abandoned_replies == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(client.Stats().abandoned_replies, 1u);
  EXPECT_EQ(services_[0]->echo_calls(), 1);
}

TEST_F(Governance, TheRetryBudgetCapsRetries) {
  for (auto& b : behaviors_) b->fail_code = static_cast<int>(absl::StatusCode::kUnavailable);
  ClientOptions o = Options();
  o.retry.enabled = true;
  o.retry.idempotent = true;
  Client client(o);
  constexpr int kCalls = 100;
  for (int i = 0; i < kCalls; ++i) EXPECT_FALSE(EchoThrough(client).ok());
  // Unbounded, every call would retry twice (200). The budget allows all
  // while under 10 calls (at most 2 each), then 10% of the calls.
  const uint64_t retries = client.Stats().retries;
  EXPECT_GT(retries, 0u);
  EXPECT_LE(retries, 9u * 2 + kCalls / 10 + 1);
}

TEST_F(Governance, TheMethodBreakerOpensFailsFastAndClosesAgain) {
  for (auto& b : behaviors_) b->fail_code = static_cast<int>(absl::StatusCode::kInternal);
  ClientOptions o = Options();
  o.breaker.enabled = true;
  o.breaker.min_samples = 20;
  o.breaker.cooldown = absl::Milliseconds(50);
  o.breaker.probe_interval = absl::Milliseconds(1);
  Client client(o);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(EchoThrough(client).code(), absl::StatusCode::kInternal);
  const int reached = Calls(0) + Calls(1) + Calls(2);
  EXPECT_EQ(reached, 20);
  const absl::Status fast = EchoThrough(client);
  EXPECT_EQ(fast.code(), absl::StatusCode::kUnavailable) << fast;
  EXPECT_NE(fast.message().find("circuit breaker of method echo is open"), std::string::npos)
      << fast;
  EXPECT_EQ(Calls(0) + Calls(1) + Calls(2), reached);
  EXPECT_GE(client.Stats().breaker_rejections, 1u);
  // Healthy again: after the cool-down, probes get through and close it.
  for (auto& b : behaviors_) b->fail_code = 0;
  int ok_in_a_row = 0;
  for (int i = 0; i < kWaitSeconds * 1000 && ok_in_a_row < 10; ++i) {
    ok_in_a_row = EchoThrough(client).ok() ? ok_in_a_row + 1 : 0;
    if (ok_in_a_row == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(ok_in_a_row, 10);
}

TEST_F(Governance, TheInstanceBreakerSkipsADeadInstanceAndTakesItBack) {
  const uint16_t port = servers_[0]->port();
  servers_[0].reset();
  ClientOptions o = Options();
  o.breaker.enabled = true;
  o.breaker.min_samples = 5;
  o.breaker.cooldown = absl::Milliseconds(100);
  o.breaker.probe_interval = absl::Milliseconds(10);
  Client client(o);
  int failed = 0;
  for (int i = 0; i < 300; ++i) failed += EchoThrough(client).ok() ? 0 : 1;
  // Until it opened, a third of the calls went to the dead instance; then
  // only probes did (one per cool-down and interval).
  EXPECT_GE(failed, 5);
  EXPECT_LT(failed, 100);
  EXPECT_GT(client.Stats().breaker_skips, 0u);
  // Back on the same port: probes get through, the breaker closes, and it
  // takes its share again.
  ASSERT_TRUE(StartServer(0, port));
  for (int i = 0; i < kWaitSeconds * 1000 && services_[0]->echo_calls() < 10; ++i) {
    (void)EchoThrough(client);
  }
  EXPECT_GE(services_[0]->echo_calls(), 10);
}

TEST_F(Governance, DestroyingTheClientFailsACallWaitingToRetry) {
  servers_[0].reset();
  ClientOptions o = Options();
  o.retry.enabled = true;
  o.retry.backoff = BackoffKind::kFixed;
  o.retry.backoff_base = absl::Seconds(600);
  o.retry.backoff_max = absl::Seconds(600);
  auto client = std::make_unique<Client>(o);
  const EchoArgs args = MakeArgs("hi");
  std::promise<absl::Status> done;
  client->Call(
      MethodInfo{.name = "echo"},
      [&](codec::ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); }, {},
      [&](absl::Status s, ClientReply&) { done.set_value(std::move(s)); });
  for (int i = 0; i < kWaitSeconds * 100 && client->Stats().retries == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(client->Stats().retries, 1u);
  client.reset();
  std::future<absl::Status> f = done.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  const absl::Status s = f.get();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("client closed"), std::string::npos) << s;
}

}  // namespace
}  // namespace vireo::servertest
