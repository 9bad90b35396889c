#include "vireo/core/server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "vireo/codec/ttheader.h"
#include "vireo/core/access_log.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using codec::FrameHeader;
using codec::Framing;
using codec::MessageType;
using codec::ProtocolId;
using codec::TApplicationException;

ServerOptions TestOptions(int loops = 1) {
  ServerOptions o;
  o.address = "127.0.0.1:0";
  o.num_loops = loops;
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  return o;
}

// `service` on a server started on a free port; null (the test has then
// failed) when it cannot start.
std::unique_ptr<Server> StartedServer(Service* service, ServerOptions options = TestOptions()) {
  auto server = std::make_unique<Server>(std::move(options));
  server->AddService(service);
  const absl::Status started = server->Start();
  EXPECT_TRUE(started.ok()) << started;
  return started.ok() ? std::move(server) : nullptr;
}

std::string HeaderValue(const FrameHeader& h, std::string_view key) {
  const std::string* v = h.FindHeader(key);
  return v != nullptr ? *v : "<none>";
}

// Reads a reply and returns its result, failing the test on anything else.
EchoResult ReadResult(TestClient& c, int32_t want_seq) {
  absl::StatusOr<TestReply> r = c.Read();
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_EQ(r->message.seq_id, want_seq);
  absl::StatusOr<EchoResult> result = r->Result();
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : EchoResult();
}

TApplicationException ReadException(TestClient& c, int32_t want_seq) {
  absl::StatusOr<TestReply> r = c.Read();
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_EQ(r->message.seq_id, want_seq);
  absl::StatusOr<TApplicationException> x = r->Exception();
  EXPECT_TRUE(x.ok()) << x.status();
  return x.ok() ? *x : TApplicationException();
}

const Framing kFramings[] = {Framing::kTHeader, Framing::kTTHeader, Framing::kFramed,
                             Framing::kBuffered};
const ProtocolId kProtocols[] = {ProtocolId::kBinary, ProtocolId::kCompact};

// ---- Framings and protocols ----

TEST(Server, EveryFramingAndProtocolOnOnePort) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service, TestOptions(2));
  ASSERT_NE(server, nullptr);
  ASSERT_NE(server->port(), 0);
  int32_t seq = 1;
  for (Framing f : kFramings) {
    for (ProtocolId p : kProtocols) {
      SCOPED_TRACE(std::string(codec::FramingName(f)) +
                   (p == ProtocolId::kCompact ? " compact" : " binary"));
      TestClient c(server->port(), f, p);
      ASSERT_TRUE(c.connected());
      // Two calls on the connection: the second is read after the first.
      for (int i = 0; i < 2; ++i, ++seq) {
        ASSERT_TRUE(c.Call("echo", seq, MakeArgs("hello " + std::to_string(seq))));
        absl::StatusOr<TestReply> r = c.Read();
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_EQ(r->message.type, MessageType::kReply);
        EXPECT_EQ(r->message.name, "echo");
        EXPECT_EQ(r->message.seq_id, seq);
        EXPECT_EQ(r->header.protocol, p);
        if (f == Framing::kTHeader || f == Framing::kTTHeader) {
          EXPECT_EQ(r->header.seq_id, static_cast<uint32_t>(seq));
        }
        absl::StatusOr<EchoResult> result = r->Result();
        ASSERT_TRUE(result.ok()) << result.status();
        ASSERT_TRUE(result->success.has_value());
        EXPECT_EQ(result->success->message, "hello " + std::to_string(seq));
        EXPECT_EQ(result->success->served_by, "EchoService");
        EXPECT_TRUE(result->success->has_context);
      }
    }
  }
  EXPECT_EQ(server->stats().connections_accepted, 8u);
  EXPECT_EQ(server->stats().bad_input_closes, 0u);
}

TEST(Server, StartErrors) {
  Server empty(TestOptions());
  EXPECT_EQ(empty.Start().code(), absl::StatusCode::kFailedPrecondition);

  TestService a("Same", ""), b("Same", "");
  Server twice(TestOptions());
  twice.AddService(&a);
  twice.AddService(&b);
  EXPECT_EQ(twice.Start().code(), absl::StatusCode::kAlreadyExists);

  ServerOptions bad = TestOptions();
  bad.address = "not an address";
  Server bad_address(bad);
  bad_address.AddService(&a);
  EXPECT_FALSE(bad_address.Start().ok());

  Server first(TestOptions());
  first.AddService(&a);
  ASSERT_TRUE(first.Start().ok());
  EXPECT_EQ(first.Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Server, SharedPtrServiceIsKeptAlive) {
  Server server(TestOptions());
  server.AddService(std::make_shared<TestService>("EchoService", ""));
  ASSERT_TRUE(server.Start().ok());
  TestClient c(server.port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x")));
  EXPECT_EQ(ReadResult(c, 1).success->served_by, "EchoService");
}

// ---- Pipelining and reply order ----

class OrderTest : public ::testing::TestWithParam<Framing> {};

// Handlers finish in the reverse order of the requests (released from the
// test thread, so each completion also hops back to the loop): Framed and
// Buffered replies still come back in request order.
TEST_P(OrderTest, PipelinedRepliesKeepRequestOrder) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), GetParam(), ProtocolId::kBinary);
  std::string burst;
  for (int32_t seq = 1; seq <= 3; ++seq) burst += c.Encode("echo", seq, MakeArgs("park"));
  burst += c.Encode("echo", 4, MakeArgs("quick"));
  ASSERT_TRUE(c.SendRaw(burst));
  // All three were dispatched before any finished: one read, one decode pass.
  ASSERT_TRUE(parking.WaitParked(3));
  for (int32_t seq = 3; seq >= 1; --seq) ASSERT_TRUE(parking.Release(seq));
  for (int32_t seq = 1; seq <= 4; ++seq) {
    EchoResult r = ReadResult(c, seq);
    ASSERT_TRUE(r.success.has_value());
    EXPECT_EQ(r.success->message, seq == 4 ? "quick" : "park");
  }
}

INSTANTIATE_TEST_SUITE_P(Unframed, OrderTest,
                         ::testing::Values(Framing::kFramed, Framing::kBuffered),
                         [](const auto& info) {
                           return std::string(codec::FramingName(info.param));
                         });

class OutOfOrderTest : public ::testing::TestWithParam<Framing> {};

// Header framings: each reply goes out as its call finishes, with its own
// sequence id.
TEST_P(OutOfOrderTest, RepliesComeBackAsCallsFinish) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), GetParam(), ProtocolId::kCompact);
  std::string burst;
  for (int32_t seq = 1; seq <= 3; ++seq) burst += c.Encode("echo", seq, MakeArgs("park"));
  ASSERT_TRUE(c.SendRaw(burst));
  ASSERT_TRUE(parking.WaitParked(3));
  // Released 3, 1, 2: while the others are parked only the released one
  // can answer, so each read must see it.
  for (int32_t seq : {3, 1, 2}) {
    ASSERT_TRUE(parking.Release(seq));
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->message.seq_id, seq);
    EXPECT_EQ(r->header.seq_id, static_cast<uint32_t>(seq));
  }
}

INSTANTIATE_TEST_SUITE_P(Header, OutOfOrderTest,
                         ::testing::Values(Framing::kTHeader, Framing::kTTHeader),
                         [](const auto& info) {
                           return std::string(codec::FramingName(info.param));
                         });

// ---- Errors and oneway ----

TEST(Server, UnknownMethodIsUnknownMethod) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  for (Framing f : kFramings) {
    TestClient c(server->port(), f, ProtocolId::kBinary);
    ASSERT_TRUE(c.Call("nope", 9, MakeArgs("x")));
    TApplicationException x = ReadException(c, 9);
    EXPECT_EQ(x.type, TApplicationException::Type::kUnknownMethod);
    EXPECT_EQ(x.message, "unknown method nope");
    // The connection stays usable.
    ASSERT_TRUE(c.Call("echo", 10, MakeArgs("still here")));
    EXPECT_EQ(ReadResult(c, 10).success->message, "still here");
  }
}

TEST(Server, DeclaredExceptionComesBackInTheResult) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("throw-idl")));
  EchoResult r = ReadResult(c, 3);
  EXPECT_FALSE(r.success.has_value());
  ASSERT_TRUE(r.err.has_value());
  EXPECT_EQ(r.err->reason, "bad request");
  EXPECT_EQ(r.err->code, 42);
}

TEST(Server, EscapingExceptionIsInternalError) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  for (Framing f : kFramings) {
    TestClient c(server->port(), f, ProtocolId::kCompact);
    ASSERT_TRUE(c.Call("echo", 5, MakeArgs("throw-runtime")));
    TApplicationException x = ReadException(c, 5);
    EXPECT_EQ(x.type, TApplicationException::Type::kInternalError);
    EXPECT_EQ(x.message, "boom");
  }
  EXPECT_EQ(server->stats().bad_input_closes, 0u);
}

TEST(Server, OnewayGetsNoReply) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  for (Framing f : kFramings) {
    TestClient c(server->port(), f, ProtocolId::kBinary);
    ASSERT_TRUE(c.Call("notify", 1, MakeArgs("note"), {}, MessageType::kOneway));
    // A oneway call that fails is not answered either.
    ASSERT_TRUE(c.Call("missing", 2, MakeArgs("x"), {}, MessageType::kOneway));
    ASSERT_TRUE(c.Call("echo", 3, MakeArgs("after")));
    // The first frame back is the echo's.
    EXPECT_EQ(ReadResult(c, 3).success->message, "after");
  }
  ASSERT_TRUE(service.WaitNotified(4));
  EXPECT_EQ(service.notified(), std::vector<std::string>(4, "note"));
}

TEST(Server, OnewayHandlerExceptionIsLogged) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  LogCapture log;
  {
    // The client closes right after sending, as oneway clients often do:
    // whether the server sees the close before the handler fails or after,
    // the failure is logged.
    TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
    ASSERT_TRUE(c.Call("notify", 7, MakeArgs("throw-runtime"), {}, MessageType::kOneway));
  }
  EXPECT_TRUE(log.WaitFor({"oneway call notify", "seq id 7", "failed: boom"}));
  EXPECT_EQ(server->stats().bad_input_closes, 0u);
}

// ---- Several services ----

class TwoServices : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddService(&echo_);
    server_.AddService(&other_);
    ASSERT_TRUE(server_.Start().ok());
  }
  TestService echo_{"EchoService", "hello"};
  TestService other_{"OtherService", "other"};
  Server server_{TestOptions()};
};

TEST_F(TwoServices, RoutedByIsnHeader) {
  for (Framing f : {Framing::kTHeader, Framing::kTTHeader}) {
    TestClient c(server_.port(), f, ProtocolId::kBinary);
    for (std::string name : {"EchoService", "OtherService"}) {
      FrameHeader h;
      h.headers.emplace_back("isn", name);
      ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x"), h));
      EXPECT_EQ(ReadResult(c, 1).success->served_by, name);
    }
    FrameHeader h;
    h.headers.emplace_back("isn", "Nope");
    ASSERT_TRUE(c.Call("echo", 2, MakeArgs("x"), h));
    TApplicationException x = ReadException(c, 2);
    EXPECT_EQ(x.type, TApplicationException::Type::kUnknownMethod);
    EXPECT_EQ(x.message, "unknown service Nope");
    h.headers[0].second = "OtherService";
    ASSERT_TRUE(c.Call("hello", 3, MakeArgs("x"), h));
    x = ReadException(c, 3);
    EXPECT_EQ(x.type, TApplicationException::Type::kUnknownMethod);
    EXPECT_EQ(x.message, "unknown method hello in service OtherService");
  }
}

TEST_F(TwoServices, RoutedByTTHeaderToServiceKey) {
  TestClient c(server_.port(), Framing::kTTHeader, ProtocolId::kCompact);
  for (std::string name : {"EchoService", "OtherService"}) {
    FrameHeader h;
    h.int_headers.emplace_back(codec::kTTHeaderToService, name);
    ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x"), h));
    EXPECT_EQ(ReadResult(c, 1).success->served_by, name);
  }
  // Kitex puts the callee's own name there, which need not be an IDL
  // service: then the method name decides.
  FrameHeader h;
  h.int_headers.emplace_back(codec::kTTHeaderToService, "echo-server.prod");
  ASSERT_TRUE(c.Call("other", 2, MakeArgs("x"), h));
  EXPECT_EQ(ReadResult(c, 2).success->served_by, "OtherService");
}

TEST_F(TwoServices, RoutedByMultiplexedName) {
  for (Framing f : kFramings) {
    TestClient c(server_.port(), f, ProtocolId::kBinary);
    for (std::string name : {"EchoService", "OtherService"}) {
      ASSERT_TRUE(c.Call(name + ":echo", 4, MakeArgs("x")));
      absl::StatusOr<TestReply> r = c.Read();
      ASSERT_TRUE(r.ok()) << r.status();
      // As Apache's TMultiplexedProcessor answers: the bare method name.
      EXPECT_EQ(r->message.name, "echo");
      EXPECT_EQ(r->message.seq_id, 4);
      absl::StatusOr<EchoResult> result = r->Result();
      ASSERT_TRUE(result.ok());
      EXPECT_EQ(result->success->served_by, name);
    }
    ASSERT_TRUE(c.Call("Nope:echo", 5, MakeArgs("x")));
    TApplicationException x = ReadException(c, 5);
    EXPECT_EQ(x.type, TApplicationException::Type::kUnknownMethod);
    EXPECT_EQ(x.message, "unknown service Nope");
  }
}

TEST_F(TwoServices, RoutedByUnambiguousMethodName) {
  TestClient c(server_.port(), Framing::kFramed, ProtocolId::kCompact);
  ASSERT_TRUE(c.Call("hello", 1, MakeArgs("x")));
  EXPECT_EQ(ReadResult(c, 1).success->served_by, "EchoService");
  ASSERT_TRUE(c.Call("other", 2, MakeArgs("x")));
  EXPECT_EQ(ReadResult(c, 2).success->served_by, "OtherService");
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("x")));
  TApplicationException x = ReadException(c, 3);
  EXPECT_EQ(x.type, TApplicationException::Type::kUnknownMethod);
  EXPECT_NE(x.message.find("ambiguous method echo"), std::string::npos) << x.message;
  EXPECT_NE(x.message.find("EchoService"), std::string::npos) << x.message;
  EXPECT_NE(x.message.find("OtherService"), std::string::npos) << x.message;
}

// ---- Call context ----

TEST(Server, DeadlineFromTTHeaderTimeoutKey) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x")));
  EXPECT_FALSE(ReadResult(c, 1).success->has_deadline);
  FrameHeader h;
  h.int_headers.emplace_back(codec::kTTHeaderRpcTimeout, "60000");
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("x"), h));
  EXPECT_TRUE(ReadResult(c, 2).success->has_deadline);
}

TEST(Server, DeadlineFromTHeaderTimeoutHeader) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kCompact);
  FrameHeader h;
  h.headers.emplace_back(std::string(kTimeoutHeader), "60000");
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x"), h));
  EXPECT_TRUE(ReadResult(c, 1).success->has_deadline);
  h.headers[0].second = "soon";  // not a number: ignored
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("x"), h));
  EXPECT_FALSE(ReadResult(c, 2).success->has_deadline);
}

TEST(Server, MetadataBothWays) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  for (Framing f : {Framing::kTHeader, Framing::kTTHeader}) {
    TestClient c(server->port(), f, ProtocolId::kBinary);
    FrameHeader h;
    h.headers.emplace_back("user", "alice");
    ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x"), h));
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->Result()->success->user, "alice");
    EXPECT_EQ(HeaderValue(r->header, "served-by"), "EchoService");
    if (f == Framing::kTTHeader) {
      const std::string* v = r->header.FindIntHeader(100);
      ASSERT_NE(v, nullptr);
      EXPECT_EQ(*v, "7");
    }
    EXPECT_EQ(HeaderValue(r->header, "crrst"), "<none>");
  }
}

TEST(Server, ReplyFrameKeepsTheRequestFlagsAndTransforms) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  for (Framing f : {Framing::kTHeader, Framing::kTTHeader}) {
    TestClient c(server->port(), f, ProtocolId::kCompact);
    FrameHeader h;
    h.flags = codec::kFlagSupportOutOfOrder;
    h.transforms = {codec::kZlibTransform};
    h.seq_id = 1234;  // the frame's, not the message's
    ASSERT_TRUE(c.Call("echo", 5, MakeArgs(std::string(2000, 'z')), h));
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->header.flags, codec::kFlagSupportOutOfOrder);
    EXPECT_EQ(r->header.transforms, std::vector<uint16_t>{codec::kZlibTransform});
    EXPECT_EQ(r->header.seq_id, 1234u);
    EXPECT_EQ(r->message.seq_id, 5);
    EXPECT_EQ(r->Result()->success->message, std::string(2000, 'z'));
  }
}

// ---- Worker pool ----

TEST(Server, WorkerPoolGivesTheSameAnswersOffTheLoop) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  options.worker_threads = 3;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  for (Framing f : kFramings) {
    TestClient c(server->port(), f, ProtocolId::kBinary);
    ASSERT_TRUE(c.Call("echo", 1, MakeArgs("hi")));
    EchoResult r = ReadResult(c, 1);
    ASSERT_TRUE(r.success.has_value());
    EXPECT_EQ(r.success->message, "hi");
    EXPECT_EQ(r.success->thread.rfind("vireo-worker", 0), 0u) << r.success->thread;
    EXPECT_TRUE(r.success->has_context);
    ASSERT_TRUE(c.Call("echo", 2, MakeArgs("throw-runtime")));
    EXPECT_EQ(ReadException(c, 2).message, "boom");
    ASSERT_TRUE(c.Call("echo", 3, MakeArgs("throw-idl")));
    EXPECT_EQ(ReadResult(c, 3).err->code, 42);
  }
  // Pipelined on Framed, finishing out of order, still in order.
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kCompact);
  std::string burst;
  for (int32_t seq = 1; seq <= 3; ++seq) burst += c.Encode("echo", seq, MakeArgs("park"));
  ASSERT_TRUE(c.SendRaw(burst));
  ASSERT_TRUE(parking.WaitParked(3));
  for (int32_t seq = 3; seq >= 1; --seq) ASSERT_TRUE(parking.Release(seq));
  for (int32_t seq = 1; seq <= 3; ++seq) EXPECT_EQ(ReadResult(c, seq).success->message, "park");
}

TEST(Server, InlineHandlersRunOnTheLoop) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("hi")));
  const std::string thread = ReadResult(c, 1).success->thread;
  EXPECT_EQ(thread.rfind("vireo-srv", 0), 0u) << thread;
}

// ---- Shutdown ----

TEST(Server, GracefulStopLetsCallsInFlightFinish) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service, TestOptions(2));
  ASSERT_NE(server, nullptr);
  TestClient tt(server->port(), Framing::kTTHeader, ProtocolId::kBinary);
  TestClient framed(server->port(), Framing::kFramed, ProtocolId::kBinary);
  TestClient idle(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(tt.Call("echo", 11, MakeArgs("park")));
  ASSERT_TRUE(framed.Call("echo", 22, MakeArgs("park")));
  ASSERT_TRUE(idle.Call("echo", 33, MakeArgs("done")));
  ReadResult(idle, 33);
  ASSERT_TRUE(parking.WaitParked(2));

  std::thread stopper([&] { server->Stop(absl::Seconds(kWaitSeconds)); });
  // Kitex's notice first: seq id 0, crrst = 1, no payload.
  absl::StatusOr<codec::Frame> notice = tt.ReadFrame();
  ASSERT_TRUE(notice.ok()) << notice.status();
  EXPECT_EQ(notice->header.seq_id, 0u);
  EXPECT_EQ(HeaderValue(notice->header, "crrst"), "1");
  EXPECT_EQ(notice->payload.Len(), 0u);
  // A connection with nothing in flight is closed at once.
  EXPECT_TRUE(idle.WaitClosed());

  ASSERT_TRUE(parking.Release(11));
  ASSERT_TRUE(parking.Release(22));
  absl::StatusOr<TestReply> r = tt.Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message.seq_id, 11);
  EXPECT_EQ(HeaderValue(r->header, "crrst"), "1");
  EXPECT_EQ(r->Result()->success->message, "park");
  EXPECT_EQ(ReadResult(framed, 22).success->message, "park");
  EXPECT_TRUE(tt.WaitClosed());
  EXPECT_TRUE(framed.WaitClosed());
  stopper.join();
  EXPECT_EQ(server->stats().in_flight_calls, 0);
  EXPECT_EQ(server->stats().open_connections, 0);
  // No longer accepting.
  TestClient late(server->port(), Framing::kFramed, ProtocolId::kBinary);
  EXPECT_FALSE(late.connected() && late.Call("echo", 1, MakeArgs("x")) && late.Read().ok());
}

TEST(Server, StopAbandonsStuckCallsAfterTheGracePeriod) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("park")));
  ASSERT_TRUE(parking.WaitParked(1));
  server->Stop(absl::Milliseconds(50));
  // Closed without a reply.
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(server->stats().in_flight_calls, 1);
  EXPECT_EQ(server->stats().open_connections, 0);
  // The abandoned call finishes later, on this thread, and drops its reply.
  ASSERT_TRUE(parking.Release(1));
  EXPECT_EQ(server->stats().in_flight_calls, 0);
  EXPECT_EQ(server->stats().calls_served, 1u);
}

// A call still queued for a worker when the grace period ends is dropped,
// not started after the stop.
TEST(Server, StopDropsCallsQueuedForAWorkerAfterTheGracePeriod) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("block")));
  ASSERT_TRUE(parking.WaitParked(1));
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("queued")));
  for (int i = 0; i < kWaitSeconds * 1000 && server->stats().in_flight_calls < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(server->stats().in_flight_calls, 2);
  LogCapture log;
  std::thread stopper([&] { server->Stop(absl::Milliseconds(50)); });
  // The queue is dropped before this line is logged: only the blocked
  // call is left.
  ASSERT_TRUE(log.WaitFor({"shutdown grace period"}));
  EXPECT_EQ(server->stats().in_flight_calls, 1);
  ASSERT_TRUE(parking.Release(1));
  stopper.join();
  EXPECT_EQ(service.echo_calls(), 1);
}

TEST(Server, ConnectionClosedWhileCallsRun) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  {
    TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
    std::string burst;
    for (int32_t seq = 1; seq <= 3; ++seq) burst += c.Encode("echo", seq, MakeArgs("park"));
    ASSERT_TRUE(c.SendRaw(burst));
    ASSERT_TRUE(parking.WaitParked(3));
  }
  // The calls finish after their connection is gone, off the loop.
  std::thread releaser([&] {
    for (int32_t seq = 1; seq <= 3; ++seq) parking.Release(seq);
  });
  releaser.join();
  // Stop waits for the count of calls in flight to come back to zero.
  server->Stop(absl::Seconds(kWaitSeconds));
  EXPECT_EQ(server->stats().in_flight_calls, 0);
  EXPECT_EQ(server->stats().calls_served, 3u);
}

// ---- Bad input ----

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = TestOptions();
    options.limits.max_frame_size = 4096;
    options.limits.max_string_size = 64;
    server_ = std::make_unique<Server>(options);
    server_->AddService(&service_);
    ASSERT_TRUE(server_->Start().ok());
  }
  // The server logged why it closed `c`, counted it, and still serves a
  // new connection.
  void ExpectClosedWithReason(TestClient& c, const std::string& reason) {
    const std::string peer = "127.0.0.1:" + std::to_string(c.local_port());
    EXPECT_TRUE(c.WaitClosed());
    EXPECT_TRUE(log_.WaitFor({peer, reason})) << "no log line with " << peer << " and " << reason;
    EXPECT_EQ(server_->stats().bad_input_closes, 1u);
    TestClient ok(server_->port(), Framing::kFramed, ProtocolId::kBinary);
    ASSERT_TRUE(ok.Call("echo", 1, MakeArgs("fine")));
    EXPECT_EQ(ReadResult(ok, 1).success->message, "fine");
  }

  // A well-formed `framing` frame whose payload is not a message: its
  // name length (4096) is over the fixture's max_string_size.
  static std::string FrameOfNoMessage(Framing framing, uint32_t seq_id) {
    FrameHeader h;
    h.framing = framing;
    h.seq_id = seq_id;
    transport::LinkBuffer payload;
    payload.Write(std::string_view("\x80\x01\x00\x01\x00\x00\x10\x00xx", 10));
    payload.Flush();
    transport::LinkBuffer out;
    EXPECT_TRUE(codec::EncodeFrame(h, std::move(payload), out).ok());
    out.Flush();
    return out.ReadableCopy();
  }

  LogCapture log_;
  TestService service_{"EchoService", ""};
  std::unique_ptr<Server> server_;
};

TEST_F(BadInput, HalfAFrameThenDisconnect) {
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  const std::string frame = c.Encode("echo", 1, MakeArgs("x"));
  ASSERT_TRUE(c.SendRaw(frame.substr(0, frame.size() / 2)));
  const std::string peer = "127.0.0.1:" + std::to_string(c.local_port());
  c.Close();
  EXPECT_TRUE(log_.WaitFor({peer, "in the middle of a frame"}));
  EXPECT_EQ(server_->stats().bad_input_closes, 1u);
}

TEST_F(BadInput, GarbageFirstBytes) {
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.SendRaw(std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9)));
  ExpectClosedWithReason(c, "unknown protocol");
}

// With the admin pages on (the default, for loopback clients) an HTTP
// request is theirs: observability_test covers that.
TEST_F(BadInput, HttpRequestWhenAdminIsOff) {
  server_->Stop();
  ServerOptions options = TestOptions();
  options.admin = ServerOptions::AdminAccess::kOff;
  server_ = std::make_unique<Server>(options);
  server_->AddService(&service_);
  ASSERT_TRUE(server_->Start().ok());
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.SendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ExpectClosedWithReason(c, "HTTP/1.x");
}

TEST_F(BadInput, FrameOverTheSizeLimit) {
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  const std::string frame = c.Encode("echo", 1, MakeArgs(std::string(5000, 'a')));
  ASSERT_TRUE(c.SendRaw(frame.substr(0, 64)));
  ExpectClosedWithReason(c, "exceeded");
}

TEST_F(BadInput, StringOverTheStringLimit) {
  TestClient c(server_->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 7, MakeArgs(std::string(100, 'a'))));
  // Answered with PROTOCOL_ERROR, then closed.
  TApplicationException x = ReadException(c, 7);
  EXPECT_EQ(x.type, TApplicationException::Type::kProtocolError);
  EXPECT_NE(x.message.find("exceeded"), std::string::npos) << x.message;
  ExpectClosedWithReason(c, "cannot decode the arguments");
  EXPECT_EQ(service_.echo_calls(), 1);  // only the check call of the helper
}

TEST_F(BadInput, ReplyMessageSentToTheServer) {
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("x"), {}, MessageType::kReply));
  TApplicationException x = ReadException(c, 3);
  EXPECT_EQ(x.type, TApplicationException::Type::kProtocolError);
  ExpectClosedWithReason(c, "not a call");
}

TEST_F(BadInput, MalformedMessageHeader) {
  TestClient c(server_->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.SendRaw(FrameOfNoMessage(Framing::kTHeader, 1)));
  ExpectClosedWithReason(c, "bad message header in a THeader frame (seq id 1): ");
}

TEST_F(BadInput, MalformedMessageHeaderInAFramedFrame) {
  TestClient c(server_->port(), Framing::kFramed, ProtocolId::kBinary);
  // Framed has no sequence id outside the message, so the log names none.
  ASSERT_TRUE(c.SendRaw(FrameOfNoMessage(Framing::kFramed, 0)));
  ExpectClosedWithReason(c, "bad message header in a Framed frame: ");
}

// ---- Connection options ----

TEST(Server, MaxConnections) {
  TestService service("EchoService", "");
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient first(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(first.Call("echo", 1, MakeArgs("x")));
  ReadResult(first, 1);
  TestClient second(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(second.connected());
  EXPECT_TRUE(second.WaitClosed());
  EXPECT_EQ(server->stats().connections_rejected, 1u);
  EXPECT_EQ(server->stats().connections_accepted, 1u);
  // The first still works.
  ASSERT_TRUE(first.Call("echo", 2, MakeArgs("y")));
  EXPECT_EQ(ReadResult(first, 2).success->message, "y");
}

TEST(Server, IdleTimeoutClosesIdleConnections) {
  TestService service("EchoService", "");
  ServerOptions options = TestOptions();
  options.idle_timeout = absl::Milliseconds(100);
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x")));
  ReadResult(c, 1);
  EXPECT_TRUE(c.WaitClosed());
}

TEST(Server, ReadTimeoutClosesAConnectionThatTricklesAFrame) {
  LogCapture log;
  TestService service("EchoService", "");
  ServerOptions options = TestOptions();
  options.read_timeout = absl::Milliseconds(300);
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  const std::string peer = "127.0.0.1:" + std::to_string(c.local_port());
  const std::string frame = c.Encode("echo", 1, MakeArgs(std::string(64, 'x')));
  // A byte every 50 ms: the frame would take over 4 s; no byte gap reaches
  // the timeout, but the frame as a whole does.
  for (size_t i = 0; i + 1 < frame.size(); ++i) {
    if (!c.SendRaw(frame.substr(i, 1))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_TRUE(log.WaitFor({peer, "in the middle of a frame", "read timeout"}));
  EXPECT_EQ(server->stats().bad_input_closes, 1u);
  EXPECT_EQ(service.echo_calls(), 0);
}

TEST(Server, ReadTimeoutLeavesSlowButCompleteFramesAlone) {
  TestService service("EchoService", "");
  ServerOptions options = TestOptions();
  options.read_timeout = absl::Milliseconds(200);
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("one")));
  EXPECT_EQ(ReadResult(c, 1).success->message, "one");
  // Silence between frames is not a slow frame.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string frame = c.Encode("echo", 2, MakeArgs("two"));
  ASSERT_TRUE(c.SendRaw(frame.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(c.SendRaw(frame.substr(10)));
  EXPECT_EQ(ReadResult(c, 2).success->message, "two");
  EXPECT_EQ(server->stats().bad_input_closes, 0u);
}

// Waits until the server's count of served calls stops moving and returns
// it (0 when it never settles within the wait).
uint64_t ServedWhenSettled(Server& server) {
  uint64_t last = server.stats().calls_served;
  int still = 0;
  for (int i = 0; i < kWaitSeconds * 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint64_t now = server.stats().calls_served;
    still = now == last && now > 0 ? still + 1 : 0;
    if (still == 3) return now;
    last = now;
  }
  return 0;
}

TEST(Server, MaxPendingOutputStopsReadingAClientThatDoesNotRead) {
  TestService service("EchoService", "");
  ServerOptions options = TestOptions();
  options.max_pending_output = 256 * 1024;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), Framing::kTHeader, ProtocolId::kBinary);
  // 64 MiB of requests for 16 KiB replies, far more than the socket
  // buffers of both ends hold.
  constexpr int32_t kCalls = 4096;
  const std::string message(16 * 1024, 'm');
  std::string burst;
  for (int32_t seq = 1; seq <= kCalls; ++seq) burst += c.Encode("echo", seq, MakeArgs(message));
  // SendRaw touches only the socket: it may run beside Read.
  std::thread sender([&] { EXPECT_TRUE(c.SendRaw(burst)); });
  const uint64_t served = ServedWhenSettled(*server);
  EXPECT_GT(served, 0u);
  EXPECT_LT(served, static_cast<uint64_t>(kCalls)) << "the server read on without bound";
  // Once the client reads, reading resumes and every call is answered.
  for (int32_t seq = 1; seq <= kCalls; ++seq) {
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->message.seq_id, seq);
  }
  sender.join();
  EXPECT_EQ(server->stats().calls_served, static_cast<uint64_t>(kCalls));
}

TEST(Server, RepliesHeldForOrderCountAgainstMaxPendingOutput) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  ServerOptions options = TestOptions();
  options.max_pending_output = 256 * 1024;
  std::unique_ptr<Server> server = StartedServer(&service, options);
  ASSERT_NE(server, nullptr);
  // Framed: the replies to 2..N wait for the parked call 1, in the server.
  TestClient c(server->port(), Framing::kFramed, ProtocolId::kBinary);
  constexpr int32_t kCalls = 4096;
  const std::string message(16 * 1024, 'm');
  std::string burst = c.Encode("echo", 1, MakeArgs("park"));
  for (int32_t seq = 2; seq <= kCalls; ++seq) burst += c.Encode("echo", seq, MakeArgs(message));
  std::thread sender([&] { EXPECT_TRUE(c.SendRaw(burst)); });
  ASSERT_TRUE(parking.WaitParked(1));
  const uint64_t held = ServedWhenSettled(*server);
  EXPECT_GT(held, 0u);
  EXPECT_LT(held, static_cast<uint64_t>(kCalls - 1)) << "the server read on without bound";
  // The parked call finishes: every reply goes out, in order.
  ASSERT_TRUE(parking.Release(1));
  for (int32_t seq = 1; seq <= kCalls; ++seq) {
    absl::StatusOr<TestReply> r = c.Read();
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->message.seq_id, seq);
  }
  sender.join();
  EXPECT_EQ(server->stats().calls_served, static_cast<uint64_t>(kCalls));
}

// ---- Middleware ----

TEST(Server, MiddlewareRunsInOrderAroundTheHandler) {
  TestService service("EchoService", "");
  Server server(TestOptions());
  server.AddService(&service);
  std::mutex mu;
  std::vector<std::string> order;
  auto record = [&](std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(std::move(s));
  };
  server.Use([&](CallContext& ctx, ServerNext next) -> Task<absl::Status> {
    record("a-in " + std::string(ctx.method()));
    absl::Status s = co_await next();
    record("a-out " + std::string(absl::StatusCodeToString(s.code())));
    co_return s;
  });
  server.Use([&](CallContext&, ServerNext next) -> Task<absl::Status> {
    record("b-in");
    absl::Status s = co_await next();
    record("b-out " + std::string(absl::StatusCodeToString(s.code())));
    co_return s;
  });
  ASSERT_TRUE(server.Start().ok());
  TestClient c(server.port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x")));
  EchoResult r = ReadResult(c, 1);
  EXPECT_TRUE(r.success->has_context);
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("throw-runtime")));
  EXPECT_EQ(ReadException(c, 2).message, "boom");
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("throw-idl")));
  EXPECT_EQ(ReadResult(c, 3).err->code, 42);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(order,
            (std::vector<std::string>{"a-in echo", "b-in", "b-out OK", "a-out OK",              //
                                      "a-in echo", "b-in", "b-out INTERNAL", "a-out INTERNAL",  //
                                      "a-in echo", "b-in", "b-out UNKNOWN", "a-out UNKNOWN"}));
}

TEST(Server, MiddlewareCanRejectACall) {
  TestService service("EchoService", "");
  Server server(TestOptions());
  server.AddService(&service);
  server.Use([](CallContext& ctx, ServerNext next) -> Task<absl::Status> {
    if (ctx.request_metadata().Find("token") == nullptr) {
      co_return absl::PermissionDeniedError("no token");
    }
    co_return co_await next();
  });
  ASSERT_TRUE(server.Start().ok());
  TestClient c(server.port(), Framing::kTHeader, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("x")));
  TApplicationException x = ReadException(c, 1);
  EXPECT_EQ(x.type, TApplicationException::Type::kInternalError);
  EXPECT_EQ(x.message, "PERMISSION_DENIED: no token");
  EXPECT_EQ(service.echo_calls(), 0);
  FrameHeader h;
  h.headers.emplace_back("token", "t");
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("x"), h));
  EXPECT_EQ(ReadResult(c, 2).success->message, "x");
  EXPECT_EQ(service.echo_calls(), 1);
}

TEST(Server, AccessLogWritesALinePerCall) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("access", sink);
  logger->set_pattern("%v");
  TestService service("EchoService", "");
  Server server(TestOptions());
  server.AddService(&service);
  server.Use(AccessLogMiddleware(logger));
  ASSERT_TRUE(server.Start().ok());
  TestClient c(server.port(), Framing::kFramed, ProtocolId::kBinary);
  ASSERT_TRUE(c.Call("echo", 7, MakeArgs("x")));
  ReadResult(c, 7);
  ASSERT_TRUE(c.Call("echo", 8, MakeArgs("throw-idl")));
  ReadResult(c, 8);
  ASSERT_TRUE(c.Call("nope", 9, MakeArgs("x")));
  EXPECT_EQ(ReadException(c, 9).type, TApplicationException::Type::kUnknownMethod);
  // Each line is written before its reply is sent; flush() takes the
  // sink's lock, which orders the loop thread's writes before this read.
  sink->flush();
  const std::string text = out.str();
  const std::string peer = "127.0.0.1:" + std::to_string(c.local_port());
  EXPECT_NE(text.find(peer + " EchoService.echo seq=7 OK \"\" "), std::string::npos) << text;
  EXPECT_NE(text.find(peer + " EchoService.echo seq=8 UNKNOWN \"MyError: bad request\" "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(peer + " nope seq=9 UNIMPLEMENTED \"unknown method nope\" "),
            std::string::npos)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  // Each call's trace id ends its line (Framed: a new trace per call).
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.rfind(" trace=");
    ASSERT_NE(at, std::string::npos) << line;
    EXPECT_EQ(line.size() - at - 7, 32u) << line;
  }
}

TEST(ServerCall, DecodeArgsReleasesTheRequestBytes) {
  // The request's blocks go back once decoded, not when the call ends: a
  // large request is not held while its handler runs and its reply is
  // encoded.
  transport::BlockPool pool;
  ServerCall call;
  {
    transport::LinkBuffer bytes(&pool);
    codec::Encode(MakeArgs(std::string(1 << 20, 'x')), codec::ProtocolId::kBinary, bytes);
    bytes.Flush();
    call.request() = std::move(bytes);
  }
  ASSERT_GE(pool.GetStats().live_bytes, 1 << 20);
  EchoArgs args;
  ASSERT_TRUE(call.DecodeArgs(&args).ok());
  EXPECT_EQ(args.req.message.size(), size_t{1} << 20);
  EXPECT_LT(pool.GetStats().live_bytes, 64 * 1024);
}

}  // namespace
}  // namespace vireo::servertest
