// End to end: generated clients calling generated services through
// vireo::Client and vireo::Server, over every framing, protocol,
// connection mode and calling style; errors, metadata, middleware,
// deadlines, and out-of-order replies on one connection.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "rpc_test_rpc.h"
#include "test_service.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/transport/event_loop.h"

namespace rpctest {
namespace {

using vireo::Client;
using vireo::ClientOptions;
using vireo::ConnectionMode;
using vireo::codec::Framing;
using vireo::codec::ProtocolId;

// rpc_uring_test builds this file with VIREO_TEST_IO_URING: the server's
// and the clients' loops then receive and send through io_uring.
#ifdef VIREO_TEST_IO_URING
constexpr bool kIoUring = true;
#else
constexpr bool kIoUring = false;
#endif

// A server hosting TestService on a free port.
class ServerFixture {
 public:
  explicit ServerFixture(int worker_threads = 0) : handler_(&timers_) {
    vireo::ServerOptions options;
    options.address = "127.0.0.1:0";
    options.num_loops = 2;
    options.worker_threads = worker_threads;
    options.shutdown_grace = absl::Seconds(2);
    options.io_uring = kIoUring;
    server_ = std::make_unique<vireo::Server>(options);
    server_->AddService(&handler_);
  }
  void Start() { ASSERT_TRUE(server_->Start().ok()); }
  std::string target() const { return absl::StrCat("127.0.0.1:", server_->port()); }
  vireo::Server& server() { return *server_; }
  TestHandler& handler() { return handler_; }

 private:
  Timers timers_;
  TestHandler handler_;
  std::unique_ptr<vireo::Server> server_;
};

ClientOptions Options(const std::string& target, Framing framing = Framing::kTHeader,
                      ProtocolId protocol = ProtocolId::kBinary,
                      ConnectionMode mode = ConnectionMode::kMux) {
  ClientOptions o;
  o.service = "TestService";
  o.targets = {target};
  o.framing = framing;
  o.protocol = protocol;
  o.mode = mode;
  o.call_timeout = absl::Seconds(30);
  o.io_uring = kIoUring;
  return o;
}

Request MakeRequest(int i) {
  Request r;
  r.action = "echo";
  r.msg = absl::StrCat("message ", i, std::string(static_cast<size_t>(i) * 37, 'x'));
  return r;
}

using Combination = std::tuple<Framing, ProtocolId, ConnectionMode>;

class EveryCombination : public ::testing::TestWithParam<Combination> {};

TEST_P(EveryCombination, AllCallingStylesGetTheirReplies) {
  const auto [framing, protocol, mode] = GetParam();
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target(), framing, protocol, mode));
  TestServiceClient client(&transport);

  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<Response> r = client.echo(MakeRequest(i));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->msg, MakeRequest(i).msg);
  }
  Response out;
  ASSERT_TRUE(client.echo(MakeRequest(7), &out).ok());
  EXPECT_EQ(out.msg, MakeRequest(7).msg);

  absl::StatusOr<int32_t> sum = client.add(40, 2);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 42);

  constexpr int kAsync = 20;
  std::latch done(kAsync);
  std::atomic<int> ok{0};
  std::vector<Request> requests;
  for (int i = 0; i < kAsync; ++i) requests.push_back(MakeRequest(i));
  for (int i = 0; i < kAsync; ++i) {
    client.echo(requests[i], [&, i](absl::StatusOr<Response> r) {
      if (r.ok() && r->msg == MakeRequest(i).msg) ++ok;
      done.count_down();
    });
  }
  done.wait();
  EXPECT_EQ(ok.load(), kAsync);

  auto coroutine = [&]() -> vireo::Task<int> {
    int good = 0;
    for (int i = 0; i < 5; ++i) {
      const Request req = MakeRequest(i);
      absl::StatusOr<Response> r = co_await client.co_echo(req);
      good += r.ok() && r->msg == req.msg;
    }
    absl::StatusOr<int32_t> s = co_await client.co_add(1, 2);
    good += s.ok() && *s == 3;
    co_return good;
  };
  EXPECT_EQ(vireo::BlockOn(coroutine()), 6);
}

INSTANTIATE_TEST_SUITE_P(
    Rpc, EveryCombination,
    ::testing::Combine(::testing::Values(Framing::kTHeader, Framing::kTTHeader, Framing::kFramed,
                                         Framing::kBuffered),
                       ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                       ::testing::Values(ConnectionMode::kMux, ConnectionMode::kPooled,
                                         ConnectionMode::kShort)),
    [](const ::testing::TestParamInfo<Combination>& info) {
      // std::get, not a structured binding: its commas would split the
      // macro's arguments.
      const Framing framing = std::get<0>(info.param);
      const ProtocolId protocol = std::get<1>(info.param);
      const ConnectionMode mode = std::get<2>(info.param);
      std::string name(vireo::codec::FramingName(framing));
      name += protocol == ProtocolId::kCompact ? "Compact" : "Binary";
      name += mode == ConnectionMode::kMux ? "Mux" : mode == ConnectionMode::kPooled ? "Pooled"
                                                                                     : "Short";
      return name;
    });

TEST(Rpc, WorkerPoolServesTheSameAnswers) {
  ServerFixture fixture(/*worker_threads=*/3);
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<int32_t> r = client.add(i, i);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, 2 * i);
  }
}

TEST(Rpc, DeclaredExceptionArrivesAsATypedValue) {
  ServerFixture fixture;
  fixture.Start();
  for (Framing framing : {Framing::kTHeader, Framing::kFramed}) {
    Client transport(Options(fixture.target(), framing));
    TestServiceClient client(&transport);
    absl::StatusOr<std::string> r = client.fail("idl");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnknown) << r.status();
    std::optional<TestError> e = vireo::IdlException<TestError>(r.status());
    ASSERT_TRUE(e.has_value()) << r.status();
    EXPECT_EQ(e->code, 42);
    EXPECT_EQ(e->reason, "asked to fail");
    absl::StatusOr<std::string> fine = client.fail("no");
    ASSERT_TRUE(fine.ok()) << fine.status();
    EXPECT_EQ(*fine, "did not fail");
    EXPECT_FALSE(vireo::IdlException<TestError>(absl::UnknownError("x")).has_value());
  }
}

TEST(Rpc, HandlerExceptionIsInternalWithItsMessage) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  absl::StatusOr<std::string> r = client.fail("runtime");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("INTERNAL_ERROR"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("the handler broke"), std::string::npos) << r.status();
  // The connection still serves the next call.
  EXPECT_TRUE(client.add(1, 1).ok());
}

TEST(Rpc, UnknownMethodIsInternalUnknownMethod) {
  ServerFixture fixture;
  fixture.Start();
  Client client(Options(fixture.target()));
  // An empty argument struct for a method the server does not have.
  absl::Status status = vireo::internal::CallBlocking<absl::Status>(
      client, vireo::MethodInfo{"no_such_method", false},
      [](ProtocolId p, vireo::transport::LinkBuffer& out) {
        Request empty;
        vireo::codec::Encode(empty, p, out);
      },
      vireo::CallOptions(), [](absl::Status s, vireo::ClientReply&) { return s; });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(status.message().find("UNKNOWN_METHOD"), std::string::npos) << status;
  EXPECT_NE(status.message().find("no_such_method"), std::string::npos) << status;
}

TEST(Rpc, OnewayCallsReachTheHandler) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(client.note(n).ok());
  // Same connection, handlers inline: the notes are in before this reply.
  absl::StatusOr<std::string> notes = client.notes();
  ASSERT_TRUE(notes.ok()) << notes.status();
  EXPECT_EQ(*notes, "a,b,c");
}

TEST(Rpc, MetadataTravelsBothWays) {
  ServerFixture fixture;
  fixture.Start();
  for (Framing framing : {Framing::kTHeader, Framing::kTTHeader}) {
    ClientOptions o = Options(fixture.target(), framing);
    o.metadata.Set("tenant", "blue");
    Client transport(o);
    std::string seen_response;
    transport.Use([&](vireo::CallContext& ctx, vireo::ClientNext next) -> vireo::Task<absl::Status> {
      absl::Status s = co_await next();
      if (const std::string* v = ctx.response_metadata().Find("echo-user")) seen_response = *v;
      co_return s;
    });
    TestServiceClient client(&transport);
    vireo::CallOptions call;
    call.metadata.Set("user", "alice");
    absl::StatusOr<std::string> user = client.meta("user", call);
    ASSERT_TRUE(user.ok()) << user.status();
    EXPECT_EQ(*user, "alice") << vireo::codec::FramingName(framing);
    EXPECT_EQ(seen_response, "alice") << vireo::codec::FramingName(framing);
    absl::StatusOr<std::string> tenant = client.meta("tenant");
    ASSERT_TRUE(tenant.ok());
    EXPECT_EQ(*tenant, "blue");
  }
}

TEST(Rpc, MiddlewareRunsInOrderOnBothSides) {
  ServerFixture fixture;
  std::mutex mu;
  std::vector<std::string> trace;
  auto record = [&](std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    trace.push_back(std::move(s));
  };
  fixture.server().Use([&](vireo::CallContext& ctx, vireo::ServerNext next) -> vireo::Task<absl::Status> {
    record("server-outer " + std::string(ctx.method()));
    absl::Status s = co_await next();
    record("server-outer done");
    co_return s;
  });
  fixture.server().Use([&](vireo::CallContext&, vireo::ServerNext next) -> vireo::Task<absl::Status> {
    record("server-inner");
    co_return co_await next();
  });
  fixture.Start();
  Client transport(Options(fixture.target()));
  transport.Use([&](vireo::CallContext& ctx, vireo::ClientNext next) -> vireo::Task<absl::Status> {
    record("client-outer " + std::string(ctx.method()));
    absl::Status s = co_await next();
    record("client-outer done");
    co_return s;
  });
  transport.Use([&](vireo::CallContext&, vireo::ClientNext next) -> vireo::Task<absl::Status> {
    record("client-inner");
    co_return co_await next();
  });
  TestServiceClient client(&transport);
  ASSERT_TRUE(client.add(1, 2).ok());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(trace, (std::vector<std::string>{"client-outer add", "client-inner",
                                             "server-outer add", "server-inner",
                                             "server-outer done", "client-outer done"}));
}

TEST(Rpc, ClientMiddlewareCanRefuseACall) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  transport.Use([](vireo::CallContext&, vireo::ClientNext) -> vireo::Task<absl::Status> {
    co_return absl::PermissionDeniedError("not allowed");
  });
  TestServiceClient client(&transport);
  absl::StatusOr<int32_t> r = client.add(1, 2);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(Rpc, DeadlineReachesTheHandler) {
  ServerFixture fixture;
  fixture.Start();
  for (Framing framing : {Framing::kTHeader, Framing::kTTHeader}) {
    Client transport(Options(fixture.target(), framing));
    TestServiceClient client(&transport);
    vireo::CallOptions call;
    call.timeout = absl::Seconds(20);
    absl::StatusOr<int64_t> left = client.deadline_left(call);
    ASSERT_TRUE(left.ok()) << left.status();
    EXPECT_GT(*left, 0) << vireo::codec::FramingName(framing);
    EXPECT_LE(*left, 20000) << vireo::codec::FramingName(framing);
  }
}

// CallOptions::deadline caps the deadline the timeouts give (the client's
// call_timeout here is 30 s).
TEST(Rpc, ExplicitDeadlineCapsTheCall) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  vireo::CallOptions call;
  call.deadline = absl::Now() + absl::Seconds(5);
  absl::StatusOr<int64_t> left = client.deadline_left(call);
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_GT(*left, 0);
  EXPECT_LE(*left, 5000);
  call.deadline = absl::Now() + absl::Milliseconds(50);
  absl::StatusOr<int32_t> r = client.delay(1000, 1, call);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
}

TEST(Rpc, SlowServerHitsTheDeadlineAndTheLateReplyIsDropped) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  vireo::CallOptions call;
  call.timeout = absl::Milliseconds(50);
  absl::StatusOr<int32_t> r = client.delay(1000, 7, call);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_EQ(transport.Stats().in_flight, 0u);
  // The reply still comes, later, and is counted as late.
  for (int i = 0; i < 200 && transport.Stats().late_replies == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(25));
  }
  EXPECT_EQ(transport.Stats().late_replies, 1u);
  // The connection is still good.
  absl::StatusOr<int32_t> sum = client.add(2, 2);
  ASSERT_TRUE(sum.ok()) << sum.status();
}

TEST(Rpc, MuxRepliesArriveOutOfOrderAndReachTheirCalls) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  constexpr int kCalls = 64;
  std::mt19937 rng(7);
  std::mutex mu;
  std::vector<int> completion_order;
  std::atomic<int> matched{0};
  std::latch done(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    const int ms = static_cast<int>(rng() % 200);
    client.delay(ms, i, [&, i](absl::StatusOr<int32_t> r) {
      if (r.ok() && *r == i) ++matched;
      {
        std::lock_guard<std::mutex> lock(mu);
        completion_order.push_back(i);
      }
      done.count_down();
    });
  }
  done.wait();
  EXPECT_EQ(matched.load(), kCalls);
  EXPECT_FALSE(std::is_sorted(completion_order.begin(), completion_order.end()));
  EXPECT_EQ(transport.Stats().connections, 1u);
}

TEST(Rpc, DeadlineTravelsDownAChain) {
  // C is the last hop; B calls C; A calls B.
  vireo::ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  so.io_uring = kIoUring;
  ChainHandler c_handler(nullptr);
  vireo::Server c(so);
  c.AddService(&c_handler);
  ASSERT_TRUE(c.Start().ok());
  ClientOptions to_c = Options(absl::StrCat("127.0.0.1:", c.port()), Framing::kTTHeader);
  to_c.service = "ChainService";
  Client c_client(to_c);
  ChainHandler b_handler(&c_client);
  vireo::Server b(so);
  b.AddService(&b_handler);
  ASSERT_TRUE(b.Start().ok());
  ClientOptions to_b = Options(absl::StrCat("127.0.0.1:", b.port()), Framing::kTHeader);
  to_b.service = "ChainService";
  Client b_client(to_b);
  ChainServiceClient a(&b_client);

  vireo::CallOptions call;
  call.timeout = absl::Seconds(10);
  absl::StatusOr<int64_t> left = vireo::BlockOn(a.co_hop(1, call));
  ASSERT_TRUE(left.ok()) << left.status();
  // B asked for an hour, but C saw A's ten seconds.
  EXPECT_GT(*left, 0);
  EXPECT_LE(*left, 10000);
}

TEST(Rpc, BlockingCallOnALoopThreadIsRefused) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target()));
  TestServiceClient client(&transport);
  std::latch done(1);
  absl::Status inner;
  client.add(1, 2, [&](absl::StatusOr<int32_t>) {
    inner = client.add(3, 4).status();  // on the client's loop thread
    done.count_down();
  });
  done.wait();
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition) << inner;
}

// Kitex's crrst notice marks a TTHeader mux connection draining: the
// client sends new calls elsewhere, and the calls already on it still get
// their replies.
TEST(Rpc, GracefulStopAnswersCallsInFlightAfterTheNotice) {
  ServerFixture fixture;
  fixture.Start();
  Client transport(Options(fixture.target(), Framing::kTTHeader));
  TestServiceClient client(&transport);
  constexpr int kCalls = 8;
  std::latch replied(kCalls);
  std::vector<absl::StatusOr<int32_t>> results(kCalls, absl::UnknownError("no reply"));
  for (int i = 0; i < kCalls; ++i) {
    client.delay(1000, i, [&, i](absl::StatusOr<int32_t> r) {
      results[static_cast<size_t>(i)] = std::move(r);
      replied.count_down();
    });
  }
  for (int i = 0; i < 10000 && fixture.server().stats().in_flight_calls < kCalls; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(fixture.server().stats().in_flight_calls, kCalls);
  std::thread stopper([&] { fixture.server().Stop(absl::Seconds(30)); });
  // New calls: served while the notice is on its way, then refused once
  // the client has seen it and dials a new connection.
  absl::Status last;
  for (int i = 0; i < 10000 && last.ok(); ++i) last = client.add(1, 2).status();
  EXPECT_EQ(last.code(), absl::StatusCode::kUnavailable) << last;
  replied.wait();
  for (int i = 0; i < kCalls; ++i) {
    const absl::StatusOr<int32_t>& r = results[static_cast<size_t>(i)];
    ASSERT_TRUE(r.ok()) << "call " << i << ": " << r.status();
    EXPECT_EQ(*r, i);
  }
  stopper.join();
}

TEST(Rpc, RefusedConnectionIsUnavailable) {
  ServerFixture fixture;
  fixture.Start();
  const std::string target = fixture.target();
  fixture.server().Stop();
  Client transport(Options(target));
  TestServiceClient client(&transport);
  absl::StatusOr<int32_t> r = client.add(1, 2);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST(Rpc, NoTargetsIsUnavailable) {
  Client transport(Options("not-a-target"));
  TestServiceClient client(&transport);
  absl::StatusOr<int32_t> r = client.add(1, 2);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

}  // namespace
}  // namespace rpctest
