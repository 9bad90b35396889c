// Server limits (qps_limit, max_in_flight, max_in_flight_per_method) and
// status codes kept end to end.
#include "vireo/core/internal/server_limits.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using codec::Framing;
using codec::ProtocolId;
using codec::TApplicationException;
using internal::TokenBucket;

constexpr int64_t kMs = 1000000;

TEST(TokenBucket, RefillsAtTheRateUpToTheBurst) {
  TokenBucket b(10, 5);  // 10 per second, 5 at once
  int taken = 0;
  for (int i = 0; i < 20; ++i) taken += b.TryTake(0);
  EXPECT_EQ(taken, 5);
  EXPECT_FALSE(b.TryTake(50 * kMs));
  EXPECT_TRUE(b.TryTake(100 * kMs));  // one token per 100 ms
  EXPECT_FALSE(b.TryTake(100 * kMs));
  // A long pause refills no more than the burst.
  taken = 0;
  for (int i = 0; i < 20; ++i) taken += b.TryTake(10000 * kMs);
  EXPECT_EQ(taken, 5);
}

TEST(TokenBucket, SteadyOverloadGetsTheRate) {
  TokenBucket b(1000, 100);
  int taken = 0;
  // 10 s of 5,000 attempts per second.
  for (int64_t t = 0; t < 10000 * kMs; t += kMs / 5) taken += b.TryTake(t);
  EXPECT_NEAR(taken, 10000 + 100, 2);
}

std::unique_ptr<Server> StartedServer(Service* service, ServerOptions o) {
  o.address = "127.0.0.1:0";
  o.num_loops = 1;
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  auto server = std::make_unique<Server>(o);
  server->AddService(service);
  EXPECT_TRUE(server->Start().ok());
  return server;
}

ClientOptions To(const Server& server) {
  ClientOptions o;
  o.targets = {"127.0.0.1:" + std::to_string(server.port())};
  o.call_timeout = absl::Seconds(kWaitSeconds);
  return o;
}

TEST(ServerLimits, MaxInFlightRefusesAtOnceAndRecovers) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions o;
  o.max_in_flight = 2;
  std::unique_ptr<Server> server = StartedServer(&service, o);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("park")));
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("park")));
  ASSERT_TRUE(parking.WaitParked(2));
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("x")));
  absl::StatusOr<TestReply> r = c.Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message.seq_id, 3);
  absl::StatusOr<TApplicationException> x = r->Exception();
  ASSERT_TRUE(x.ok());
  // What a Kitex or Apache client sees: INTERNAL_ERROR, "request over limit".
  EXPECT_EQ(x->type, TApplicationException::Type::kInternalError);
  EXPECT_EQ(x->message,
            "RESOURCE_EXHAUSTED: request over limit (max_in_flight 2 calls on the server)");
  // A Vireo client sees RESOURCE_EXHAUSTED.
  Client client(To(*server));
  const absl::Status s = EchoThrough(client, {}, MethodInfo{.name = "echo"}, "y");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_NE(s.message().find("request over limit"), std::string::npos) << s;
  EXPECT_EQ(server->stats().calls_rejected, 2u);
  ASSERT_TRUE(parking.Release(1));
  ASSERT_TRUE(parking.Release(2));
  // Both parked replies, then calls run again.
  ASSERT_TRUE(c.Read().ok());
  ASSERT_TRUE(c.Read().ok());
  EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "z").ok());
  EXPECT_EQ(service.echo_calls(), 3);
}

TEST(ServerLimits, PerMethodLimit) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions o;
  o.max_in_flight_per_method["echo"] = 1;
  std::unique_ptr<Server> server = StartedServer(&service, o);
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("park")));
  ASSERT_TRUE(parking.WaitParked(1));
  Client client(To(*server));
  const absl::Status s = EchoThrough(client, {}, MethodInfo{.name = "echo"}, "y");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_NE(s.message().find("max_in_flight_per_method echo: 1"), std::string::npos) << s;
  ASSERT_TRUE(parking.Release(1));
  ASSERT_TRUE(c.Read().ok());
  EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "z").ok());
}

TEST(ServerLimits, QpsLimitRefusesTheExcess) {
  TestService service("EchoService", "");
  ServerOptions o;
  o.qps_limit = 1;  // one call now, the next a second later
  std::unique_ptr<Server> server = StartedServer(&service, o);
  Client client(To(*server));
  EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "first").ok());
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    refused += EchoThrough(client, {}, MethodInfo{.name = "echo"}, "more").code() ==
               absl::StatusCode::kResourceExhausted;
  }
  // A second may pass on a slow machine, and let one through: not more.
  EXPECT_GE(refused, 4);
  EXPECT_EQ(server->stats().calls_rejected, static_cast<uint64_t>(refused));
}

// A middleware's status reaches a Vireo client with its code.
TEST(StatusCodes, AMiddlewaresCodeComesBack) {
  TestService service("EchoService", "");
  Server server([] {
    ServerOptions o;
    o.address = "127.0.0.1:0";
    o.num_loops = 1;
    return o;
  }());
  server.AddService(&service);
  server.Use([](CallContext&, ServerNext) -> Task<absl::Status> {
    co_return absl::PermissionDeniedError("no token");
  });
  ASSERT_TRUE(server.Start().ok());
  for (Framing f : {Framing::kTHeader, Framing::kTTHeader, Framing::kFramed}) {
    ClientOptions o = To(server);
    o.framing = f;
    Client client(o);
    const absl::Status s = EchoThrough(client, {}, MethodInfo{.name = "echo"}, "x");
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
    EXPECT_TRUE(absl::EndsWith(s.message(), "echo: no token")) << s;
  }
}

TEST(ServerLimits, YamlKeys) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml(
      "qps_limit: 10000\nmax_in_flight: 500\nmax_in_flight_per_method: {echo: 10, add: 3}\n");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->qps_limit, 10000);
  EXPECT_EQ(o->max_in_flight, 500u);
  EXPECT_EQ(o->max_in_flight_per_method.at("echo"), 10u);
  EXPECT_EQ(o->max_in_flight_per_method.at("add"), 3u);
  o = ServerOptions::FromYaml("max_in_flight_per_method: {echo: many}\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "server.max_in_flight_per_method.echo: expected a count, got \"many\"");
}

}  // namespace
}  // namespace vireo::servertest
