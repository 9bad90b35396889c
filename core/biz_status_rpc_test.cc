// Biz status end to end: a handler that throws vireo::BizError (or a
// middleware that returns BizStatusToStatus) on a real vireo Server, seen
// by a raw socket (what goes on the wire, per framing and protocol) and by
// a vireo Client (what the caller gets). A connection keeps serving after
// each.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "vireo/core/access_log.h"
#include "vireo/core/biz_status.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using codec::Framing;
using codec::MessageType;
using codec::ProtocolId;
using codec::TApplicationException;
using Headers = codec::StringHeaders;

const BizStatus kBiz{1003,
                     "quota used up",
                     {{"retry_after", "30"}, {"note", "a \"quoted\"\nline caf\xc3\xa9 \x01"}}};
const char kBizText[] = "biz status 1003: quota used up";

// "echo" behaves by request message:
//   "biz"          throws BizError(kBiz)
//   "biz-zero"     throws BizError(0, "zero")
//   "biz-meta"     sets response metadata "served-by", and "biz-status" /
//                  "biz-extra" of its own, then throws BizError(9, "nine")
//   "bad-status"   replies, with response metadata biz-status = "abc"
//   "bad-extra"    replies, with biz-status = "5", biz-extra = {"a":1}
//   "zero-status"  replies, with biz-status = "0"
//   anything else  echoes the message
// "notify" (oneway) always throws BizError(kBiz).
class BizService : public Service {
 public:
  BizService()
      : methods_{{.name = "echo", .invoke = &InvokeEcho},
                 {.name = "notify", .oneway = true, .invoke = &InvokeNotify}} {}

  std::string_view ServiceName() const override { return "EchoService"; }
  std::span<const MethodDescriptor> Methods() const override { return methods_; }

  int echo_calls() const { return echo_calls_.load(); }
  int notify_calls() const { return notify_calls_.load(); }

 private:
  Response Echo(CallContext& ctx, const Request& req) {
    ++echo_calls_;
    Metadata& out = ctx.response_metadata();
    const std::string& m = req.message;
    if (m == "biz") throw BizError(kBiz);
    if (m == "biz-zero") throw BizError(0, "zero");
    if (m == "biz-meta") {
      out.Set("served-by", "biz");
      out.Set(kBizStatusKey, "77");
      out.Set(kBizExtraKey, "junk");
      throw BizError(9, "nine");
    }
    if (m == "bad-status") out.Set(kBizStatusKey, "abc");
    if (m == "bad-extra") {
      out.Set(kBizStatusKey, "5");
      out.Set(kBizExtraKey, R"({"a":1})");
    }
    if (m == "zero-status") out.Set(kBizStatusKey, "0");
    Response r;
    r.message = m;
    return r;
  }

  static Task<absl::Status> InvokeEcho(Service& s, ServerCall& call) {
    EchoArgs args;
    if (absl::Status st = call.DecodeArgs(&args); !st.ok()) co_return st;
    EchoResult result;
    result.success = static_cast<BizService&>(s).Echo(call.context(), args.req);
    call.Reply(result);
    co_return absl::OkStatus();
  }

  static Task<absl::Status> InvokeNotify(Service& s, ServerCall& call) {
    EchoArgs args;
    if (absl::Status st = call.DecodeArgs(&args); !st.ok()) co_return st;
    ++static_cast<BizService&>(s).notify_calls_;
    throw BizError(kBiz);
  }

  std::vector<MethodDescriptor> methods_;
  std::atomic<int> echo_calls_{0};
  std::atomic<int> notify_calls_{0};
};

std::unique_ptr<Server> StartedServer(Service* service, int worker_threads = 0,
                                      std::vector<ServerMiddleware> middleware = {}) {
  ServerOptions o;
  o.address = "127.0.0.1:0";
  o.num_loops = 1;
  o.worker_threads = worker_threads;
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  auto server = std::make_unique<Server>(o);
  server->AddService(service);
  for (ServerMiddleware& m : middleware) server->Use(std::move(m));
  const absl::Status started = server->Start();
  EXPECT_TRUE(started.ok()) << started;
  return started.ok() ? std::move(server) : nullptr;
}

ClientOptions OptionsFor(uint16_t port, Framing framing, ProtocolId protocol) {
  ClientOptions o;
  o.targets = {"127.0.0.1:" + std::to_string(port)};
  o.framing = framing;
  o.protocol = protocol;
  o.call_timeout = absl::Seconds(kWaitSeconds);
  return o;
}

// What one call through a vireo Client saw.
struct Outcome {
  absl::Status status;
  std::string message;
  Metadata response;
};

Outcome CallEcho(Client& client, const std::string& message, CallOptions options = {}) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> f = promise->get_future();
  auto response = std::make_shared<Metadata>();
  options.response_metadata = response.get();
  const EchoArgs args = MakeArgs(message);
  client.Call(
      MethodInfo{.name = "echo"},
      [&](ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); }, options,
      [promise, response](absl::Status status, ClientReply& reply) mutable {
        Outcome o;
        if (status.ok()) {
          EchoResult result;
          status = reply.Decode(&result);
          if (status.ok() && result.success) o.message = result.success->message;
        }
        o.status = std::move(status);
        o.response = *response;
        promise->set_value(std::move(o));
      });
  if (f.wait_for(std::chrono::seconds(kWaitSeconds)) != std::future_status::ready) {
    ADD_FAILURE() << "no completion for " << message;
    return {absl::DeadlineExceededError("test wait"), "", {}};
  }
  return f.get();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

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

// The reply to `seq` is TApplicationException INTERNAL_ERROR `text`.
void ExpectInternalError(TestClient& c, int32_t seq, const std::string& text) {
  absl::StatusOr<TestReply> r = c.Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message.seq_id, seq);
  EXPECT_EQ(r->message.name, "echo");
  absl::StatusOr<TApplicationException> x = r->Exception();
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_EQ(x->type, TApplicationException::Type::kInternalError);
  EXPECT_EQ(x->message, text);
}

std::string Name(Framing f) { return std::string(codec::FramingName(f)); }
std::string Name(ProtocolId p) { return p == ProtocolId::kCompact ? "Compact" : "Binary"; }

// ---- 1. On the wire, header framings: an empty REPLY with biz-* headers ----

class BizWireHeader
    : public ::testing::TestWithParam<std::tuple<Framing, ProtocolId, int /*workers*/>> {};

TEST_P(BizWireHeader, ReplyCarriesTheStatusInHeaders) {
  const auto [framing, protocol, workers] = GetParam();
  BizService service;
  std::unique_ptr<Server> server = StartedServer(&service, workers);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), framing, protocol);
  ASSERT_TRUE(c.connected());

  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("biz")));
  absl::StatusOr<TestReply> r = c.Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message.type, MessageType::kReply);
  EXPECT_EQ(r->message.name, "echo");
  EXPECT_EQ(r->message.seq_id, 1);
  EXPECT_EQ(r->header.protocol, protocol);
  EXPECT_EQ(r->header.headers, (Headers{{"biz-status", "1003"},
                                        {"biz-message", "quota used up"},
                                        {"biz-extra", internal::EncodeJsonStringMap(kBiz.extra)}}));
  // The result struct is empty: its STOP byte alone (0 in either protocol).
  r->body.Flush();
  EXPECT_EQ(*r->body.ReadString(r->body.Len()), std::string(1, '\0'));

  // The connection keeps serving.
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("hi")));
  ExpectEcho(c, 2, "hi");

  // The handler's metadata comes first; its own biz-* keys give way.
  ASSERT_TRUE(c.Call("echo", 3, MakeArgs("biz-meta")));
  r = c.Read();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->message.type, MessageType::kReply);
  EXPECT_EQ(r->header.headers,
            (Headers{{"served-by", "biz"}, {"biz-status", "9"}, {"biz-message", "nine"}}));
  absl::StatusOr<EchoResult> empty = r->Result();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_FALSE(empty->success.has_value());
  EXPECT_FALSE(empty->err.has_value());

  // Code 0 means "no biz error" on the wire: an ordinary failure instead.
  ASSERT_TRUE(c.Call("echo", 4, MakeArgs("biz-zero")));
  ExpectInternalError(c, 4, "biz status 0: zero");

  ASSERT_TRUE(c.Call("echo", 5, MakeArgs("hi again")));
  ExpectEcho(c, 5, "hi again");
  EXPECT_EQ(service.echo_calls(), 5);
}

INSTANTIATE_TEST_SUITE_P(
    All, BizWireHeader,
    ::testing::Combine(::testing::Values(Framing::kTTHeader, Framing::kTHeader),
                       ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                       ::testing::Values(0, 2)),
    [](const auto& info) {
      return Name(std::get<0>(info.param)) + Name(std::get<1>(info.param)) +
             (std::get<2>(info.param) > 0 ? "Workers" : "Loop");
    });

// ---- 2. On the wire, Framed and Buffered: INTERNAL_ERROR with the text ----

class BizWireUnframed : public ::testing::TestWithParam<std::tuple<Framing, ProtocolId>> {};

TEST_P(BizWireUnframed, AnswersInternalError) {
  const auto [framing, protocol] = GetParam();
  BizService service;
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  TestClient c(server->port(), framing, protocol);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Call("echo", 1, MakeArgs("biz")));
  ExpectInternalError(c, 1, kBizText);
  ASSERT_TRUE(c.Call("echo", 2, MakeArgs("hi")));
  ExpectEcho(c, 2, "hi");
}

INSTANTIATE_TEST_SUITE_P(
    All, BizWireUnframed,
    ::testing::Combine(::testing::Values(Framing::kFramed, Framing::kBuffered),
                       ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact)),
    [](const auto& info) { return Name(std::get<0>(info.param)) + Name(std::get<1>(info.param)); });

// ---- 3. Oneway: nothing is sent ----

TEST(BizOneway, NothingIsSent) {
  for (Framing framing : {Framing::kTHeader, Framing::kTTHeader, Framing::kFramed}) {
    SCOPED_TRACE(Name(framing));
    BizService service;
    std::unique_ptr<Server> server = StartedServer(&service);
    ASSERT_NE(server, nullptr);
    TestClient c(server->port(), framing, ProtocolId::kBinary);
    ASSERT_TRUE(c.Call("notify", 1, MakeArgs("x"), {}, MessageType::kOneway));
    ASSERT_TRUE(c.Call("echo", 2, MakeArgs("hi")));
    // The first frame back answers the echo.
    ExpectEcho(c, 2, "hi");
    EXPECT_EQ(service.notify_calls(), 1);
  }
}

// ---- 4. What a vireo Client sees ----

class BizClient : public ::testing::TestWithParam<std::tuple<Framing, ProtocolId>> {};

TEST_P(BizClient, GetsTheBizStatus) {
  const auto [framing, protocol] = GetParam();
  BizService service;
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  Client client(OptionsFor(server->port(), framing, protocol));

  Outcome o = CallEcho(client, "biz");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kUnknown) << o.status;
  EXPECT_TRUE(EndsWith(Message(o.status), std::string(" echo: ") + kBizText)) << o.status;
  std::optional<BizStatus> biz = GetBizStatus(o.status);
  ASSERT_TRUE(biz.has_value()) << o.status;
  EXPECT_EQ(*biz, kBiz);
  // The reply's headers reach the caller's response metadata.
  ASSERT_NE(o.response.Find("biz-status"), nullptr);
  EXPECT_EQ(*o.response.Find("biz-status"), "1003");
  ASSERT_NE(o.response.Find("biz-message"), nullptr);
  EXPECT_EQ(*o.response.Find("biz-message"), "quota used up");
  ASSERT_NE(o.response.Find("biz-extra"), nullptr);
  EXPECT_EQ(*o.response.Find("biz-extra"), internal::EncodeJsonStringMap(kBiz.extra));

  o = CallEcho(client, "hi");
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.message, "hi");
  EXPECT_EQ(client.Stats().connections, 1u);
}

TEST_P(BizClient, MalformedHeadersAreInternalAndTheConnectionServesOn) {
  const auto [framing, protocol] = GetParam();
  BizService service;
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  Client client(OptionsFor(server->port(), framing, protocol));

  Outcome o = CallEcho(client, "bad-status");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kInternal) << o.status;
  EXPECT_NE(Message(o.status).find("echo: malformed biz-status header \"abc\""), std::string::npos)
      << o.status;
  EXPECT_FALSE(GetBizStatus(o.status).has_value());

  o = CallEcho(client, "hi");
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.message, "hi");

  o = CallEcho(client, "bad-extra");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kInternal) << o.status;
  EXPECT_NE(Message(o.status).find("malformed biz-extra header"), std::string::npos) << o.status;

  // "0" is no biz error: the reply is the result.
  o = CallEcho(client, "zero-status");
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.message, "zero-status");

  o = CallEcho(client, "hi");
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(client.Stats().connections, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    All, BizClient,
    ::testing::Combine(::testing::Values(Framing::kTTHeader, Framing::kTHeader),
                       ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact)),
    [](const auto& info) { return Name(std::get<0>(info.param)) + Name(std::get<1>(info.param)); });

TEST(BizClientUnframed, GetsInternalWithTheText) {
  for (Framing framing : {Framing::kFramed, Framing::kBuffered}) {
    SCOPED_TRACE(Name(framing));
    BizService service;
    std::unique_ptr<Server> server = StartedServer(&service);
    ASSERT_NE(server, nullptr);
    Client client(OptionsFor(server->port(), framing, ProtocolId::kBinary));
    Outcome o = CallEcho(client, "biz");
    EXPECT_EQ(o.status.code(), absl::StatusCode::kInternal) << o.status;
    EXPECT_TRUE(EndsWith(Message(o.status), kBizText)) << o.status;
    EXPECT_FALSE(GetBizStatus(o.status).has_value());
    o = CallEcho(client, "hi");
    ASSERT_TRUE(o.status.ok()) << o.status;
    EXPECT_EQ(o.message, "hi");
  }
}

// ---- 5. Middleware ----

// Rejects a call whose request metadata has "reject" with kBiz, without
// running it; rewrites a handler's biz status when it has "rewrite";
// records what next() returned.
struct BizMiddleware {
  std::mutex mu;
  std::vector<absl::Status> seen;

  ServerMiddleware Get() {
    return [this](CallContext& ctx, ServerNext next) -> Task<absl::Status> {
      if (ctx.request_metadata().Find("reject") != nullptr) co_return BizStatusToStatus(kBiz);
      absl::Status status = co_await next();
      {
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(status);
      }
      if (ctx.request_metadata().Find("rewrite") != nullptr && GetBizStatus(status)) {
        co_return BizStatusToStatus({2, "rewritten", {{"k", "v"}}});
      }
      co_return status;
    };
  }
};

class BizMiddlewareTest : public ::testing::TestWithParam<Framing> {};

TEST_P(BizMiddlewareTest, ReturnedBizStatusIsAnswered) {
  BizService service;
  BizMiddleware mw;
  LogCapture log;
  std::unique_ptr<Server> server = StartedServer(&service, 0, {AccessLogMiddleware(), mw.Get()});
  ASSERT_NE(server, nullptr);
  Client client(OptionsFor(server->port(), GetParam(), ProtocolId::kBinary));

  CallOptions reject;
  reject.metadata.Set("reject", "1");
  Outcome o = CallEcho(client, "hi", reject);
  EXPECT_EQ(o.status.code(), absl::StatusCode::kUnknown) << o.status;
  EXPECT_EQ(GetBizStatus(o.status), kBiz) << o.status;
  EXPECT_EQ(service.echo_calls(), 0);

  // A handler's BizError, seen by the middleware as BizStatusToStatus.
  o = CallEcho(client, "biz");
  EXPECT_EQ(GetBizStatus(o.status), kBiz) << o.status;
  {
    std::lock_guard<std::mutex> lock(mw.mu);
    ASSERT_EQ(mw.seen.size(), 1u);
    EXPECT_EQ(mw.seen[0].code(), absl::StatusCode::kUnknown);
    EXPECT_EQ(Message(mw.seen[0]), kBizText);
    EXPECT_EQ(GetBizStatus(mw.seen[0]), kBiz);
  }
  EXPECT_TRUE(log.WaitFor({"EchoService.echo", "UNKNOWN", kBizText}));

  // The last biz status the chain returns is the one answered.
  CallOptions rewrite;
  rewrite.metadata.Set("rewrite", "1");
  o = CallEcho(client, "biz", rewrite);
  EXPECT_EQ(GetBizStatus(o.status), (BizStatus{2, "rewritten", {{"k", "v"}}})) << o.status;

  o = CallEcho(client, "hi");
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(o.message, "hi");
}

INSTANTIATE_TEST_SUITE_P(All, BizMiddlewareTest,
                         ::testing::Values(Framing::kTTHeader, Framing::kTHeader),
                         [](const auto& info) { return Name(info.param); });

}  // namespace
}  // namespace vireo::servertest
