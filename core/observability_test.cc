// Metrics and the admin pages: counts by code on both sides, the
// Prometheus text a scrape gets (checked by Prometheus's own promtool),
// every page in text and JSON, bad HTTP requests, who may ask, and
// /health while the server drains.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "prometheus/counter.h"
#include "vireo/core/client.h"
#include "vireo/core/internal/admin.h"
#include "vireo/core/metrics.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using ::testing::HasSubstr;

// Sends `request` to host:port and reads until the server closes.
std::string Exchange(uint16_t port, std::string_view request, const char* host = "127.0.0.1") {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval tv{kWaitSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host, &addr.sin_addr);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

std::string Get(uint16_t port, const std::string& target) {
  return Exchange(port, absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\n\r\n"));
}

// The body of an HTTP response.
std::string Body(const std::string& response) {
  const size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// Runs `command` with `input` on its standard input; its exit status and
// output.
std::pair<int, std::string> RunCommand(const std::string& command, const std::string& input) {
  char path[] = "/tmp/vireo-obs-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return {-1, ""};
  ::close(fd);
  std::ofstream(path) << input;
  std::string out;
  FILE* p = ::popen(absl::StrCat(command, " < ", path, " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  ::unlink(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool ValidJson(const std::string& text) {
  return RunCommand("python3 -c 'import json,sys; json.load(sys.stdin)'", text).first == 0;
}

// The value of the sample `series` (name and labels exactly as written)
// in a Prometheus text page; nullopt when absent.
std::optional<double> Sample(const std::string& page, const std::string& series) {
  const std::string prefix = series + " ";
  size_t at = 0;
  while (at < page.size()) {
    size_t end = page.find('\n', at);
    if (end == std::string::npos) end = page.size();
    if (page.compare(at, prefix.size(), prefix) == 0) {
      return std::strtod(page.c_str() + at + prefix.size(), nullptr);
    }
    at = end + 1;
  }
  return std::nullopt;
}

class Observability : public ::testing::Test {
 protected:
  // A service name of this test's own: the metrics are process-wide.
  void StartServer(ServerOptions o = ServerOptions()) {
    o.address = "127.0.0.1:0";
    o.num_loops = 1;
    server_ = std::make_unique<Server>(o);
    server_->AddService(&service_);
    ASSERT_TRUE(server_->Start().ok());
  }
  ClientOptions ClientOpts() const {
    ClientOptions o;
    o.service = service_name_;
    o.num_loops = 1;
    o.targets = {"127.0.0.1:" + std::to_string(server_->port())};
    return o;
  }
  std::string Series(const std::string& name, const std::string& method,
                     const std::string& code = "") const {
    const std::string labels =
        code.empty() ? absl::StrCat("method=\"", method, "\",service=\"", service_name_, "\"")
                     : absl::StrCat("code=\"", code, "\",method=\"", method, "\",service=\"",
                                    service_name_, "\"");
    return absl::StrCat(name, "{", labels, "}");
  }

  const std::string service_name_ =
      absl::StrCat("Obs", ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Parking parking_;
  TestService service_{service_name_, "", &parking_};
  std::unique_ptr<Server> server_;
};

TEST(CallMetrics, CountsSumOverThreadsAndBuckets) {
  Metrics metrics;
  CallMetrics* m = metrics.Server("S", "m");
  EXPECT_EQ(m, metrics.Server("S", "m"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([m] {
      for (int i = 0; i < 1000; ++i) {
        m->Started();
        m->Finished(i % 10 == 0 ? CallCode::kIdlException : CallCode::kOk, absl::Microseconds(200),
                    10, 20);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  m->Started();  // one still in flight
  const CallMetrics::Totals t = m->Read();
  EXPECT_EQ(t.started, 4001u);
  EXPECT_EQ(t.finished_total(), 4000u);
  EXPECT_EQ(t.finished[static_cast<size_t>(CallCode::kIdlException)], 400u);
  EXPECT_EQ(t.request_bytes, 40000u);
  EXPECT_EQ(t.reply_bytes, 80000u);
  // 200us falls in the (100us, 250us] bucket.
  EXPECT_EQ(t.buckets[2], 4000u);
  EXPECT_NEAR(t.latency_sum_seconds, 0.8, 1e-6);
  const std::string text = metrics.Text();
  EXPECT_EQ(Sample(text, "vireo_server_in_flight{method=\"m\",service=\"S\"}"), 1);
  EXPECT_EQ(
      Sample(text, "vireo_server_handled_total{code=\"IDL_EXCEPTION\",method=\"m\",service=\"S\"}"),
      400);
  EXPECT_EQ(
      Sample(text,
             "vireo_server_handling_seconds_bucket{method=\"m\",service=\"S\",le=\"0.0001\"}"),
      0);
  EXPECT_EQ(
      Sample(text,
             "vireo_server_handling_seconds_bucket{method=\"m\",service=\"S\",le=\"0.00025\"}"),
      4000);
  EXPECT_EQ(
      Sample(text, "vireo_server_handling_seconds_bucket{method=\"m\",service=\"S\",le=\"+Inf\"}"),
      4000);
  EXPECT_EQ(Sample(text, "vireo_server_handling_seconds_count{method=\"m\",service=\"S\"}"), 4000);
}

TEST(CallMetrics, NamesPastTheBoundShareOneEntry) {
  Metrics metrics;
  for (size_t i = 0; i < Metrics::max_methods(); ++i) {
    ASSERT_NE(metrics.Client("S", absl::StrCat("m", i)), nullptr);
  }
  CallMetrics* other = metrics.Client("S", "one-too-many");
  EXPECT_EQ(other, metrics.Client("S", "another"));
  EXPECT_EQ(other, metrics.Client("S", "other"));
  EXPECT_NE(other, metrics.Client("S", "m0"));
}

TEST(CallMetrics, UsersOwnMetricsAreExposedWithOurs) {
  Metrics metrics;
  auto& family =
      prometheus::BuildCounter().Name("app_jobs_total").Help("Jobs.").Register(metrics.registry());
  family.Add({{"kind", "x"}}).Increment(3);
  EXPECT_EQ(Sample(metrics.Text(), "app_jobs_total{kind=\"x\"}"), 3);
}

TEST_F(Observability, CallsAreCountedByCodeOnBothSides) {
  StartServer();
  Client client(ClientOpts());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(EchoThrough(client).ok());
  EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "throw-idl").ok());
  EXPECT_FALSE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "throw-runtime").ok());
  EXPECT_FALSE(EchoThrough(client, {}, MethodInfo{.name = "nosuch"}).ok());

  const std::string page = Body(Get(server_->port(), "/metrics"));
  EXPECT_EQ(Sample(page, Series("vireo_server_handled_total", "echo", "OK")), 5) << page;
  EXPECT_EQ(Sample(page, Series("vireo_server_handled_total", "echo", "IDL_EXCEPTION")), 1);
  EXPECT_EQ(Sample(page, Series("vireo_server_handled_total", "echo", "INTERNAL_ERROR")), 1);
  EXPECT_EQ(Sample(page, Series("vireo_server_started_total", "echo")), 7);
  EXPECT_EQ(Sample(page, Series("vireo_server_in_flight", "echo")), 0);
  EXPECT_EQ(Sample(page, Series("vireo_server_handling_seconds_count", "echo")), 7);
  EXPECT_GT(*Sample(page, Series("vireo_server_request_bytes_total", "echo")), 7 * 10);
  EXPECT_GT(*Sample(page, Series("vireo_server_reply_bytes_total", "echo")), 5 * 10);
  EXPECT_GE(*Sample(page,
                    "vireo_server_handled_total{code=\"UNKNOWN_METHOD\",method=\"<unknown>\","
                    "service=\"<unknown>\"}"),
            1);
  // The client saw 6 replies (an IDL exception is a reply) and 2 errors:
  // the server's INTERNAL_ERROR and UNKNOWN_METHOD exceptions.
  EXPECT_EQ(Sample(page, Series("vireo_client_handled_total", "echo", "OK")), 6);
  EXPECT_EQ(Sample(page, Series("vireo_client_handled_total", "echo", "INTERNAL")), 1);
  EXPECT_EQ(Sample(page, Series("vireo_client_started_total", "nosuch")), 1);
  EXPECT_EQ(Sample(page, Series("vireo_client_in_flight", "echo")), 0);
  const std::string port = std::to_string(server_->port());
  EXPECT_GE(*Sample(page, "vireo_server_connections_open{port=\"" + port + "\"}"), 2);
  EXPECT_GE(*Sample(page, "vireo_server_loop_iterations_total{loop=\"0\",port=\"" + port + "\"}"),
            1);
  EXPECT_TRUE(Sample(page, "vireo_buffer_pool_bytes{state=\"in_use\"}").has_value());
}

TEST_F(Observability, APageInFlightShowsInTheGaugeAndOnStatusAndConnections) {
  StartServer();
  ClientOptions co = ClientOpts();
  co.framing = codec::Framing::kTTHeader;
  Client client(co);
  std::thread caller(
      [&] { EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "park").ok()); });
  ASSERT_TRUE(parking_.WaitParked(1));
  const std::string metrics = Body(Get(server_->port(), "/metrics"));
  EXPECT_EQ(Sample(metrics, Series("vireo_server_in_flight", "echo")), 1);
  EXPECT_EQ(Sample(metrics, Series("vireo_client_in_flight", "echo")), 1);

  const std::string status = Body(Get(server_->port(), "/status"));
  EXPECT_THAT(status, HasSubstr("state: serving"));
  EXPECT_THAT(status, HasSubstr(service_name_ + ".echo 0 0 1"));
  const std::string connections = Body(Get(server_->port(), "/connections"));
  EXPECT_THAT(connections, HasSubstr(" TTHeader Binary "));
  EXPECT_THAT(connections, HasSubstr(" 1 "));  // its call in flight
  const std::string json = Body(Get(server_->port(), "/connections?format=json"));
  EXPECT_TRUE(ValidJson(json)) << json;
  EXPECT_THAT(json, HasSubstr("\"framing\":\"TTHeader\""));
  EXPECT_THAT(json, HasSubstr("\"calls_in_flight\":1"));

  EXPECT_EQ(parking_.ReleaseAll(), 1u);
  caller.join();
  const std::string after = Body(Get(server_->port(), "/status"));
  EXPECT_THAT(after, HasSubstr(service_name_ + ".echo 1 0 0"));
}

TEST_F(Observability, PromtoolAcceptsTheMetricsPage) {
  StartServer();
  Client client(ClientOpts());
  ASSERT_TRUE(EchoThrough(client).ok());
  EXPECT_FALSE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "throw-runtime").ok());
  const std::string response = Get(server_->port(), "/metrics");
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  // curl, as an operator would, and Prometheus's own checker.
  const auto [curl_status, page] =
      RunCommand(absl::StrCat("curl -sf http://127.0.0.1:", server_->port(), "/metrics"), "");
  ASSERT_EQ(curl_status, 0) << page;
  const auto [status, complaints] = RunCommand("promtool check metrics", page);
  EXPECT_EQ(status, 0) << complaints << "\n" << page;
  const std::string json = Body(Get(server_->port(), "/metrics?format=json"));
  EXPECT_TRUE(ValidJson(json)) << json;
  EXPECT_THAT(json, HasSubstr("\"name\":\"vireo_server_handled_total\""));
}

TEST_F(Observability, EveryPageAnswersInTextAndJson) {
  ServerOptions o;
  o.max_in_flight_per_method = {{"echo", 3}};
  StartServer(o);
  const std::string health = Get(server_->port(), "/health");
  EXPECT_TRUE(absl::StartsWith(health, "HTTP/1.1 200 OK\r\n")) << health;
  EXPECT_EQ(Body(health), "serving\n");
  EXPECT_EQ(Body(Get(server_->port(), "/health?format=json")), "{\"status\":\"serving\"}\n");
  const std::string index = Body(Get(server_->port(), "/"));
  for (const char* page : {"/metrics", "/health", "/status", "/connections", "/config"}) {
    EXPECT_THAT(index, HasSubstr(page));
    const std::string json = Body(Get(server_->port(), absl::StrCat(page, "?format=json")));
    EXPECT_TRUE(ValidJson(json)) << page << ": " << json;
  }
  // /config is the options in effect, readable back as options.
  const std::string yaml = Body(Get(server_->port(), "/config"));
  absl::StatusOr<ServerOptions> back = ServerOptions::FromYaml(yaml);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << yaml;
  EXPECT_EQ(back->address, "127.0.0.1:0");
  EXPECT_EQ(back->num_loops, 1);
  EXPECT_EQ(back->max_in_flight_per_method.at("echo"), 3u);
  EXPECT_EQ(back->read_timeout, absl::Seconds(30));
  EXPECT_THAT(Body(Get(server_->port(), "/flags")), HasSubstr("max_in_flight_per_method"));
  const std::string status = Body(Get(server_->port(), "/status?format=json"));
  EXPECT_THAT(status, HasSubstr("\"state\":\"serving\""));
  EXPECT_THAT(status, HasSubstr("\"method\":\"echo\""));
  // HEAD: the headers alone.
  const std::string head = Exchange(server_->port(), "HEAD /health HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(Body(head), "");
  // Thrift clients on the same port are served as before.
  Client client(ClientOpts());
  EXPECT_TRUE(EchoThrough(client).ok());
}

TEST_F(Observability, BadRequestsGetAnErrorAndTheServerKeepsServing) {
  ServerOptions o;
  o.admin_max_request_bytes = 1024;
  StartServer(o);
  LogCapture log;
  struct Case {
    std::string request;
    std::string status_line;
  };
  const std::vector<Case> cases = {
      {"GET /metrics HTTP/2.0\r\n\r\n", "HTTP/1.1 400 "},
      {"GET metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "},
      {"GET /a b HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "},
      {"GET /metrics HTTP/1.1\nHost: x\n\n", "HTTP/1.1 400 "},
      {"GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "HTTP/1.1 400 "},
      {"GET /metrics HTTP/1.1\r\nX: a\x01z\r\n\r\n", "HTTP/1.1 400 "},
      {"GET /metrics HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", "HTTP/1.1 431 "},
      {"GET /" + std::string(5000, 'a'), "HTTP/1.1 431 "},
      {"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "HTTP/1.1 405 "},
      {"DELETE /health HTTP/1.1\r\n\r\n", "HTTP/1.1 405 "},
      {"GET /nosuch HTTP/1.1\r\n\r\n", "HTTP/1.1 404 "},
  };
  for (const Case& c : cases) {
    const std::string response = Exchange(server_->port(), c.request);
    EXPECT_TRUE(absl::StartsWith(response, c.status_line))
        << c.request.substr(0, 60) << " -> " << response.substr(0, 200);
  }
  // Malformed and oversized requests count as bad input, by reason.
  EXPECT_EQ(server_->stats().bad_input_closes, 8u);
  EXPECT_TRUE(log.WaitFor({"bad admin request from 127.0.0.1"}));
  const std::string page = Body(Get(server_->port(), "/metrics"));
  EXPECT_EQ(Sample(page, absl::StrCat("vireo_server_bad_input_total{port=\"", server_->port(),
                                      "\",reason=\"bad_http_request\"}")),
            8);
  Client client(ClientOpts());
  EXPECT_TRUE(EchoThrough(client).ok());
}

TEST_F(Observability, ConnectionClosesAreCountedByReason) {
  ServerOptions o;
  o.idle_timeout = absl::Milliseconds(200);
  StartServer(o);
  const std::string port = std::to_string(server_->port());
  auto closed = [&](const std::string& reason) {
    return Sample(Body(Get(server_->port(), "/metrics")),
                  "vireo_server_connections_closed_total{port=\"" + port + "\",reason=\"" + reason +
                      "\"}")
        .value_or(-1);
  };
  {
    Client client(ClientOpts());
    ASSERT_TRUE(EchoThrough(client).ok());
  }  // the client closes its connection
  {
    TestClient idle(server_->port(), codec::Framing::kFramed, codec::ProtocolId::kBinary);
    EXPECT_TRUE(idle.WaitClosed());  // the idle timeout
  }
  TestClient bad(server_->port(), codec::Framing::kFramed, codec::ProtocolId::kBinary);
  ASSERT_TRUE(bad.SendRaw(std::string(9, '\x01')));
  EXPECT_TRUE(bad.WaitClosed());
  double peer = 0, idle = 0, bad_input = 0;
  for (int i = 0; i < kWaitSeconds * 100 && (peer < 1 || idle < 1 || bad_input < 1); ++i) {
    peer = closed("peer");
    idle = closed("idle_timeout");
    bad_input = closed("bad_input");
    ::usleep(10000);
  }
  EXPECT_GE(peer, 1);
  EXPECT_EQ(idle, 1);
  EXPECT_EQ(bad_input, 1);
  EXPECT_EQ(closed("error"), 0);
}

TEST_F(Observability, AdminOffTreatsHttpAsBadInput) {
  ServerOptions o;
  o.admin = ServerOptions::AdminAccess::kOff;
  StartServer(o);
  EXPECT_EQ(Get(server_->port(), "/metrics"), "");
  EXPECT_EQ(server_->stats().bad_input_closes, 1u);
}

TEST_F(Observability, LoopbackOnlyAdminRefusesOtherPeers) {
  absl::StatusOr<transport::InetAddress> own = transport::InetAddress::FirstNonLoopbackIPv4(0);
  if (!own.ok()) GTEST_SKIP() << "no non-loopback IPv4 address here";
  ServerOptions o;
  o.address = "0.0.0.0:0";
  o.num_loops = 1;
  server_ = std::make_unique<Server>(o);
  server_->AddService(&service_);
  ASSERT_TRUE(server_->Start().ok());
  std::string host = own->ToString();
  host = host.substr(0, host.rfind(':'));
  // From the machine's own non-loopback address the peer is not loopback.
  EXPECT_EQ(Exchange(server_->port(), "GET /health HTTP/1.1\r\n\r\n", host.c_str()), "");
  EXPECT_THAT(Get(server_->port(), "/health"), HasSubstr("200 OK"));
}

TEST_F(Observability, HealthSaysStoppingWhileTheServerDrains) {
  ServerOptions o;
  o.admin_address = "127.0.0.1:0";
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  StartServer(o);
  const uint16_t admin = server_->admin_address().port();
  ASSERT_NE(admin, 0);
  EXPECT_THAT(Get(admin, "/health"), HasSubstr("200 OK"));
  // The admin port serves nothing but HTTP.
  EXPECT_THAT(Exchange(admin, std::string("\x80\x01\x00\x01\x00\x00\x00\x04", 8) + "echo"),
              HasSubstr("400 Bad Request"));
  Client client(ClientOpts());
  std::thread caller(
      [&] { EXPECT_TRUE(EchoThrough(client, {}, MethodInfo{.name = "echo"}, "park").ok()); });
  ASSERT_TRUE(parking_.WaitParked(1));
  std::thread stopper([&] { server_->Stop(); });
  std::string health;
  for (int i = 0; i < kWaitSeconds * 100; ++i) {
    health = Get(admin, "/health");
    if (absl::StrContains(health, "503")) break;
    ::usleep(10000);
  }
  EXPECT_TRUE(absl::StartsWith(health, "HTTP/1.1 503 Service Unavailable\r\n")) << health;
  EXPECT_EQ(Body(health), "stopping\n");
  EXPECT_EQ(parking_.ReleaseAll(), 1u);
  caller.join();
  stopper.join();
  // Once stopped, the admin port is closed too.
  EXPECT_EQ(Get(admin, "/health"), "");
}

TEST(HttpRequestParser, WaitsForTheHeadersAndSplitsTheTarget) {
  using internal::ParseHttpRequest;
  EXPECT_FALSE(ParseHttpRequest("GET /metrics HTTP/1.1\r\nHost: x\r\n", 100)->has_value());
  absl::StatusOr<std::optional<internal::HttpRequest>> r =
      ParseHttpRequest("GET /status?format=json&x=1 HTTP/1.0\r\nA: b\r\n\r\nbody", 100);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->method, "GET");
  EXPECT_EQ((*r)->path, "/status");
  EXPECT_EQ((*r)->query, "format=json&x=1");
  EXPECT_EQ(ParseHttpRequest("GET /" + std::string(100, 'a'), 100).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseHttpRequest("GET / HTTP/1.1\nHost: x", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vireo::servertest
