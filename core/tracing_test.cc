// Trace context: W3C traceparent parsing, its travel in THeader and
// TTHeader headers (and Kitex's transient form), a new trace where no
// header can come, and the spans tracers receive on both sides.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"
#include "vireo/core/trace_context.h"
#include "vireo/core/tracer.h"

namespace vireo::servertest {
namespace {

constexpr char kExample[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContext, ParsesAW3CTraceparent) {
  std::optional<TraceContext> t = TraceContext::Parse(kExample);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->valid());
  EXPECT_EQ(t->TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->ParentSpanIdHex(), "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, 1);
  const TraceContext child = t->Child();
  EXPECT_EQ(child.TraceIdHex(), t->TraceIdHex());
  EXPECT_EQ(child.ParentSpanIdHex(), "00f067aa0ba902b7");
  EXPECT_NE(child.SpanIdHex(), std::string(16, '0'));
  EXPECT_EQ(child.Traceparent(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-" + child.SpanIdHex() + "-01");
  // A later version may add fields; they are ignored.
  EXPECT_TRUE(TraceContext::Parse(std::string("cc") + (kExample + 2) + "-what-comes-next"));
}

TEST(TraceContext, RejectsWhatW3CRejects) {
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // short
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 with more
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // dash
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // no dash after
       }) {
    EXPECT_FALSE(TraceContext::Parse(bad).has_value()) << bad;
  }
}

TEST(TraceContext, NewRootsDiffer) {
  const TraceContext a = TraceContext::NewRoot();
  const TraceContext b = TraceContext::NewRoot();
  EXPECT_TRUE(a.valid());
  EXPECT_NE(a.TraceIdHex(), b.TraceIdHex());
  EXPECT_EQ(a.ParentSpanIdHex(), std::string(16, '0'));
  EXPECT_EQ(a.flags, 1);
}

// Keeps the spans it is given.
class RecordingTracer : public Tracer {
 public:
  struct Record {
    Span::Kind kind;
    std::string service, method, trace, span, parent, peer;
    absl::StatusCode code;
    size_t request_bytes, reply_bytes;
  };
  void OnFinish(const Span& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back({s.kind, std::string(s.service), std::string(s.method),
                        s.trace->TraceIdHex(), s.trace->SpanIdHex(), s.trace->ParentSpanIdHex(),
                        s.peer.ToString(), s.status->code(), s.request_bytes, s.reply_bytes});
  }
  std::vector<Record> records() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<Record> records_;
};

// What the server saw of each call: its trace and the headers that came.
struct Seen {
  TraceContext trace;
  Metadata headers;
};

class Tracing : public ::testing::TestWithParam<codec::Framing> {
 protected:
  void SetUp() override {
    ServerOptions so;
    so.address = "127.0.0.1:0";
    so.num_loops = 1;
    server_ = std::make_unique<Server>(so);
    server_->AddService(&service_);
    server_->Use([this](CallContext& ctx, ServerNext next) -> Task<absl::Status> {
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({ctx.trace(), ctx.request_metadata()});
      }
      co_return co_await next();
    });
    server_->SetTracer(server_tracer_);
    ASSERT_TRUE(server_->Start().ok());
  }

  ClientOptions Options(codec::Framing framing) {
    ClientOptions o;
    o.service = "EchoService";
    o.num_loops = 1;
    o.framing = framing;
    o.targets = {"127.0.0.1:" + std::to_string(server_->port())};
    return o;
  }

  Seen Last() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.back();
  }

  TestService service_{"EchoService", ""};
  std::unique_ptr<Server> server_;
  std::shared_ptr<RecordingTracer> server_tracer_ = std::make_shared<RecordingTracer>();
  std::mutex mu_;
  std::vector<Seen> seen_;
};

TEST_P(Tracing, TheServerContinuesTheCallersTrace) {
  Client client(Options(GetParam()));
  CallOptions o;
  o.metadata.Set("traceparent", kExample);
  o.metadata.Set("tracestate", "vendor=abc");
  ASSERT_TRUE(EchoThrough(client, o, MethodInfo{.name = "echo"}).ok());
  const Seen seen = Last();
  EXPECT_EQ(seen.trace.TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(seen.trace.ParentSpanIdHex(), "00f067aa0ba902b7");
  EXPECT_NE(seen.trace.SpanIdHex(), "00f067aa0ba902b7");
  EXPECT_EQ(seen.trace.flags, 1);
  EXPECT_EQ(seen.trace.tracestate, "vendor=abc");
}

TEST_P(Tracing, KitexTransitKeysAreReadToo) {
  Client client(Options(GetParam()));
  CallOptions o;
  o.metadata.Set("RPC_TRANSIT_traceparent", kExample);
  ASSERT_TRUE(EchoThrough(client, o, MethodInfo{.name = "echo"}).ok());
  EXPECT_EQ(Last().trace.TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(Last().trace.ParentSpanIdHex(), "00f067aa0ba902b7");
}

TEST_P(Tracing, AMalformedTraceparentStartsANewTrace) {
  Client client(Options(GetParam()));
  CallOptions o;
  o.metadata.Set("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(EchoThrough(client, o, MethodInfo{.name = "echo"}).ok());
  const Seen seen = Last();
  EXPECT_TRUE(seen.trace.valid());
  EXPECT_NE(seen.trace.TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(seen.trace.ParentSpanIdHex(), std::string(16, '0'));
}

TEST_P(Tracing, ACallMadeWhileServingCarriesTheTraceOn) {
  Client client(Options(GetParam()));
  auto client_tracer = std::make_shared<RecordingTracer>();
  client.SetTracer(client_tracer);
  CallContext serving;
  serving.set_trace(TraceContext::NewRoot());
  {
    internal::ScopedCallContext scope(&serving);
    ASSERT_TRUE(EchoThrough(client).ok());
  }
  const Seen seen = Last();
  const std::vector<RecordingTracer::Record> spans = client_tracer->records();
  ASSERT_EQ(spans.size(), 1u);
  // serving -> the client's span -> the server's span, one trace.
  EXPECT_EQ(spans[0].trace, serving.trace().TraceIdHex());
  EXPECT_EQ(spans[0].parent, serving.trace().SpanIdHex());
  EXPECT_EQ(seen.trace.TraceIdHex(), serving.trace().TraceIdHex());
  EXPECT_EQ(seen.trace.ParentSpanIdHex(), spans[0].span);
  // Under the name the peer reads on this framing.
  const bool tt = GetParam() == codec::Framing::kTTHeader;
  EXPECT_NE(seen.headers.Find(tt ? "RPC_TRANSIT_traceparent" : "traceparent"), nullptr);
  EXPECT_EQ(seen.headers.Find(tt ? "traceparent" : "RPC_TRANSIT_traceparent"), nullptr);
}

TEST_P(Tracing, WithNoTraceToPassOnNoHeaderIsSent) {
  Client client(Options(GetParam()));
  ASSERT_TRUE(EchoThrough(client).ok());
  const Seen seen = Last();
  EXPECT_EQ(seen.headers.Find("traceparent"), nullptr);
  EXPECT_EQ(seen.headers.Find("RPC_TRANSIT_traceparent"), nullptr);
  // The server starts a trace of its own.
  EXPECT_TRUE(seen.trace.valid());
  EXPECT_EQ(seen.trace.ParentSpanIdHex(), std::string(16, '0'));
}

// The same on every framing, Framed included.
class TracingAnyFraming : public Tracing {};

TEST_P(TracingAnyFraming, TracersReportSpansOnBothSides) {
  Client client(Options(GetParam()));
  auto client_tracer = std::make_shared<RecordingTracer>();
  client.SetTracer(client_tracer);
  ASSERT_TRUE(EchoThrough(client).ok());
  EXPECT_FALSE(EchoThrough(client, {}, MethodInfo{.name = "nope"}).ok());
  std::vector<RecordingTracer::Record> c = client_tracer->records();
  std::vector<RecordingTracer::Record> s;
  for (int i = 0; i < 1000 && (s = server_tracer_->records()).size() < 2; ++i) usleep(1000);
  ASSERT_EQ(c.size(), 2u);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(c[0].kind, Span::Kind::kClient);
  EXPECT_EQ(s[0].kind, Span::Kind::kServer);
  EXPECT_EQ(c[0].service, "EchoService");
  EXPECT_EQ(s[0].service, "EchoService");
  EXPECT_EQ(s[0].method, "echo");
  EXPECT_EQ(c[0].code, absl::StatusCode::kOk);
  EXPECT_EQ(s[0].code, absl::StatusCode::kOk);
  EXPECT_GT(c[0].request_bytes, 0u);
  EXPECT_GT(c[0].reply_bytes, 0u);
  EXPECT_GT(s[0].request_bytes, 0u);
  EXPECT_GT(s[0].reply_bytes, 0u);
  EXPECT_EQ(c[0].peer, "127.0.0.1:" + std::to_string(server_->port()));
  // The client's new trace reached the server wherever headers can carry it.
  if (IsHeaderFraming(GetParam())) {
    EXPECT_EQ(s[0].trace, c[0].trace);
    EXPECT_EQ(s[0].parent, c[0].span);
  } else {
    EXPECT_NE(s[0].trace, c[0].trace);  // Framed: the server starts its own
  }
  EXPECT_EQ(s[1].method, "nope");
  EXPECT_EQ(s[1].code, absl::StatusCode::kUnimplemented);
  EXPECT_GT(s[1].reply_bytes, 0u);  // the exception reply
  EXPECT_NE(c[1].code, absl::StatusCode::kOk);
}

// Framings without headers.
class TracingWithoutHeaders : public Tracing {};

TEST_P(TracingWithoutHeaders, ACallWhileServingStartsANewTraceAtTheServer) {
  Client client(Options(GetParam()));
  CallContext serving;
  serving.set_trace(TraceContext::NewRoot());
  {
    internal::ScopedCallContext scope(&serving);
    ASSERT_TRUE(EchoThrough(client).ok());
  }
  const Seen seen = Last();
  EXPECT_TRUE(seen.trace.valid());
  EXPECT_NE(seen.trace.TraceIdHex(), serving.trace().TraceIdHex());
  EXPECT_EQ(seen.trace.ParentSpanIdHex(), std::string(16, '0'));
}

std::string FramingParamName(const ::testing::TestParamInfo<codec::Framing>& p) {
  return std::string(codec::FramingName(p.param));
}

INSTANTIATE_TEST_SUITE_P(Headers, Tracing,
                         ::testing::Values(codec::Framing::kTHeader, codec::Framing::kTTHeader),
                         FramingParamName);
INSTANTIATE_TEST_SUITE_P(Framed, TracingWithoutHeaders, ::testing::Values(codec::Framing::kFramed),
                         FramingParamName);
INSTANTIATE_TEST_SUITE_P(All, TracingAnyFraming,
                         ::testing::Values(codec::Framing::kTHeader, codec::Framing::kTTHeader,
                                           codec::Framing::kFramed),
                         FramingParamName);

TEST(LogTracer, WritesASpanLine) {
  LogCapture capture;
  TraceContext t = TraceContext::NewRoot();
  absl::Status ok;
  Span span;
  span.kind = Span::Kind::kClient;
  span.service = "EchoService";
  span.method = "echo";
  span.trace = &t;
  span.status = &ok;
  span.request_bytes = 12;
  span.reply_bytes = 34;
  LogTracer()->OnFinish(span);
  EXPECT_TRUE(capture.WaitFor({"span client EchoService.echo trace=" + t.TraceIdHex(),
                               "span=" + t.SpanIdHex(), " OK ", "req=12B reply=34B"}));
}

}  // namespace
}  // namespace vireo::servertest
