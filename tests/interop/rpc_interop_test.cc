// Whole RPC calls between Vireo and Apache Thrift 0.17 (rpc_interop.thrift):
// - Apache's C++ client (rpc_apache_client) calls a Vireo server over
//   Framed, Buffered and THeader framings, Binary and Compact, with and
//   without TMultiplexedProtocol names;
// - Vireo's client calls Apache's TThreadedServer and TNonblockingServer
//   (rpc_apache_server) over the same framings (the nonblocking server reads
//   only frames: no Buffered), in each connection mode, through each
//   calling style, and sees Apache's declared exception, oneway effect and
//   TApplicationException for an unknown method;
// - Apache's Python client (rpc_python_client.py) calls a Vireo server
//   over THeader, Binary and Compact, with zlib.
// The Apache peers are separate programs (Apache's generated code and
// Vireo's never share a binary), started here as child processes and
// waited for with a bound. rpc_peer_test runs the same peers against
// Apache's own servers.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rpc_interop_extra_rpc.h"
#include "rpc_interop_rpc.h"
#include "tests/interop/rpc_peer_process.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/task.h"

namespace vireo::interop_test {
namespace {

using ::interop::Color;
using ::interop::Item;
using ::interop::NotFound;
using ::interop::Point;

// ---- Vireo's handlers: answer as rpc_interop.thrift describes ----

std::string FormatMixed(bool flag, int8_t b, int16_t s, int32_t i, int64_t l, double d,
                        const std::string& str, const std::vector<int32_t>& nums, Color color,
                        const Point& point) {
  char number[32];
  std::snprintf(number, sizeof(number), "%.3f", d);
  return absl::StrCat("flag=", flag ? 1 : 0, " b=", b, " s=", s, " i=", i, " l=", l, " d=", number,
                      " str=", str, " nums=", absl::StrJoin(nums, ","),
                      " color=", static_cast<int>(color), " point=", point.x, ",", point.y);
}

class StoreService : public ::interop::StoreHandler {
 public:
  Item echo(CallContext& /*ctx*/, const Item& item) override { return item; }

  Item find(CallContext& /*ctx*/, int64_t id) override {
    if (id < 0) throw NotFound(absl::StrCat("no item ", id), 404);
    Item item;
    item.id = id;
    item.name = absl::StrCat("item-", id);
    return item;
  }

  void ping(CallContext& /*ctx*/) override {}

  void record(CallContext& /*ctx*/, const std::string& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    recorded_.push_back(s);
  }

  std::vector<std::string> recorded(CallContext& /*ctx*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    return recorded_;
  }

  // The coroutine form, so that the server's await of a handler's own task
  // meets Apache's clients too.
  Task<std::string> co_mixed(CallContext& /*ctx*/, bool flag, int8_t b, int16_t s, int32_t i,
                             int64_t l, double d, const std::string& str,
                             const std::vector<int32_t>& nums, Color color,
                             const Point& point) override {
    co_return FormatMixed(flag, b, s, i, l, d, str, nums, color, point);
  }

 private:
  std::mutex mu_;
  std::vector<std::string> recorded_;
};

class CounterService : public ::interop::CounterHandler {
 public:
  int64_t add(CallContext& /*ctx*/, int64_t delta) override { return total_ += delta; }

 private:
  std::atomic<int64_t> total_{0};
};

// A Vireo server hosting Store and Counter on a free port of 127.0.0.1.
class VireoServer {
 public:
  VireoServer() : server_(Options()) {
    server_.AddService(&store_);
    server_.AddService(&counter_);
  }
  absl::Status Start() { return server_.Start(); }
  int port() const { return server_.port(); }
  ServerStats stats() const { return server_.stats(); }

  // The stats once every connection has closed (a client's last bytes and
  // its close are then counted), or after a generous bound.
  ServerStats WaitUntilNoConnection() const {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    ServerStats s = server_.stats();
    while (s.open_connections > 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
      s = server_.stats();
    }
    return s;
  }

 private:
  static ServerOptions Options() {
    ServerOptions options;
    options.address = "127.0.0.1:0";
    options.num_loops = 2;
    return options;
  }

  StoreService store_;
  CounterService counter_;
  Server server_;
};

std::string WireName(const PeerWire& w) {
  return absl::StrCat(w.transport, "_", w.protocol, w.multiplexed ? "_multiplexed" : "");
}

// ---- Apache C++ client -> Vireo server ----

class ApacheClientToVireoServer : public testing::TestWithParam<PeerWire> {};

TEST_P(ApacheClientToVireoServer, EveryCheckPasses) {
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  absl::StatusOr<int> client = RunApacheClient(server.port(), GetParam());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, 0) << "rpc_apache_client failed (its stderr says which check)";
  const ServerStats stats = server.WaitUntilNoConnection();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.open_connections, 0);
  // echo x2, find x2, ping x2, record x2, recorded, mixed (and add x2).
  EXPECT_GE(stats.calls_served, GetParam().multiplexed ? 12u : 10u);
  // Apache's THeaderTransport::close() flushes an empty frame (a 14-byte
  // header with no message) before it closes the socket; Apache's servers
  // ignore it, and so must Vireo's, rather than close as on bad input.
  EXPECT_EQ(stats.bad_input_closes, 0u) << "see the server's log for the reason";
}

INSTANTIATE_TEST_SUITE_P(
    All, ApacheClientToVireoServer,
    testing::Values(PeerWire{"framed", "binary", false}, PeerWire{"buffered", "binary", false},
                    PeerWire{"header", "binary", false}, PeerWire{"header", "compact", false},
                    PeerWire{"framed", "compact", false}, PeerWire{"buffered", "compact", false},
                    PeerWire{"framed", "binary", true}, PeerWire{"buffered", "binary", true},
                    PeerWire{"header", "compact", true}),
    [](const testing::TestParamInfo<PeerWire>& info) { return WireName(info.param); });

// An Apache THeader client's empty frame is not bad input: the connection
// stays open and answers the next call (a race hides this in
// EveryCheckPasses, where the empty frame comes last, just before the close).
TEST(VireoServerWithApacheBytes, EmptyTHeaderFrameIsIgnored) {
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  const absl::Status s = PingAfterEmptyTHeaderFrame(server.port());
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(server.stats().bad_input_closes, 0u);
}

// ---- Python client -> Vireo server ----

class PythonClientToVireoServer : public testing::TestWithParam<PythonCase> {};

TEST_P(PythonClientToVireoServer, EveryCheckPasses) {
  if (!PythonAvailable()) GTEST_SKIP() << "/usr/bin/python3 with python3-thrift not found";
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  absl::StatusOr<int> client = RunPythonClient(server.port(), GetParam().wire, GetParam().zlib);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, 0) << "rpc_python_client.py failed (its stderr says which check)";
  const ServerStats stats = server.WaitUntilNoConnection();
  EXPECT_EQ(stats.open_connections, 0);
  EXPECT_EQ(stats.bad_input_closes, 0u) << "see the server's log for the reason";
}

INSTANTIATE_TEST_SUITE_P(Header, PythonClientToVireoServer,
                         testing::Values(PythonCase{{"header", "binary", false}, false},
                                         PythonCase{{"header", "compact", false}, false},
                                         PythonCase{{"header", "binary", false}, true},
                                         PythonCase{{"header", "compact", true}, false}),
                         [](const testing::TestParamInfo<PythonCase>& info) {
                           return absl::StrCat(info.param.wire.protocol,
                                               info.param.wire.multiplexed ? "_multiplexed" : "",
                                               info.param.zlib ? "_zlib" : "");
                         });

// ---- Vireo client -> Apache servers ----

struct ApacheServerCase {
  std::string server;  // threaded | nonblocking
  PeerWire wire;
  ConnectionMode mode = ConnectionMode::kMux;
};

std::string ModeName(ConnectionMode mode) {
  switch (mode) {
    case ConnectionMode::kShort:
      return "short";
    case ConnectionMode::kPooled:
      return "pooled";
    case ConnectionMode::kMux:
      return "mux";
  }
  return "unknown";
}

void PrintTo(const ApacheServerCase& c, std::ostream* os) {
  *os << c.server << " server, ";
  PrintTo(c.wire, os);
  *os << ", " << ModeName(c.mode) << " connections";
}

codec::Framing FramingOf(const PeerWire& w) {
  if (w.transport == "buffered") return codec::Framing::kBuffered;
  if (w.transport == "header") return codec::Framing::kTHeader;
  return codec::Framing::kFramed;
}

ClientOptions VireoClientOptions(const ApacheServerCase& c, int port, const char* service) {
  ClientOptions options;
  options.service = service;
  options.targets = {absl::StrCat("127.0.0.1:", port)};
  options.framing = FramingOf(c.wire);
  options.protocol =
      c.wire.protocol == "compact" ? codec::ProtocolId::kCompact : codec::ProtocolId::kBinary;
  options.mode = c.mode;
  options.multiplexed_names = c.wire.multiplexed;
  // Generous: a loaded machine must not turn a slow reply into a failure.
  options.connect_timeout = absl::Seconds(10);
  options.call_timeout = absl::Seconds(30);
  return options;
}

Item FullItem() {
  Item item;
  item.id = -(int64_t{1} << 40);
  item.name = "interop \xc3\xa9t\xc3\xa9";
  item.tags = {"a", "", "c with spaces"};
  item.counts = {{"x", 1}, {"y", -2}, {"", 0}};
  item.score = 2.25;
  item.blob = std::string("\x00\x01\xff\x80 bytes", 10);
  item.path = {Point{1, -1}, Point{1 << 30, 0}};
  item.flags = {-3, 0, 7};
  item.color = Color::BLUE;
  return item;
}

class VireoClientToApacheServer : public testing::TestWithParam<ApacheServerCase> {
 protected:
  void SetUp() override {
    absl::StatusOr<ApacheServer> server = StartApacheServer(GetParam().server, GetParam().wire);
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(std::move(*server));
    client_ = std::make_unique<Client>(VireoClientOptions(GetParam(), server_->port, "Store"));
    store_ = std::make_unique<::interop::StoreClient>(client_.get());
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->process.Running()) << "rpc_apache_server exited during the calls";
    }
  }

  std::optional<ApacheServer> server_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<::interop::StoreClient> store_;
};

TEST_P(VireoClientToApacheServer, EchoesStructs) {
  const Item full = FullItem();
  absl::StatusOr<Item> got = store_->echo(full);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, full);
  EXPECT_TRUE(got->score.has_value());

  got = store_->echo(Item());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Item());
  EXPECT_FALSE(got->score.has_value());

  absl::StatusOr<Item> found = store_->find(7);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, 7);
  EXPECT_EQ(found->name, "item-7");
  EXPECT_TRUE(found->tags.empty());
}

TEST_P(VireoClientToApacheServer, DeclaredExceptionArrivesTyped) {
  absl::StatusOr<Item> got = store_->find(-3);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnknown) << got.status();
  EXPECT_TRUE(absl::StrContains(got.status().message(), "NotFound")) << got.status();
  std::optional<NotFound> e = IdlException<NotFound>(got.status());
  ASSERT_TRUE(e.has_value()) << got.status();
  EXPECT_EQ(e->reason, "no item -3");
  EXPECT_EQ(e->code, 404);
  // The connection still serves calls after an exception.
  EXPECT_TRUE(store_->ping().ok());
}

TEST_P(VireoClientToApacheServer, VoidAndOnewayCalls) {
  ASSERT_TRUE(store_->ping().ok());
  const std::string first = "vireo-1";
  const std::string second = "vireo-2";
  ASSERT_TRUE(store_->record(first).ok());
  ASSERT_TRUE(store_->record(second).ok());
  // Oneway calls have no reply to wait on: ask until both show (they do at
  // once on one connection; pooled and short modes may deliver them on
  // another connection than the asking call's), for a bounded time.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::vector<std::string> got;
  for (;;) {
    absl::StatusOr<std::vector<std::string>> r = store_->recorded();
    ASSERT_TRUE(r.ok()) << r.status();
    got = *r;
    if (std::count(got.begin(), got.end(), first) + std::count(got.begin(), got.end(), second) ==
            2 ||
        absl::Now() > deadline) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (GetParam().mode == ConnectionMode::kMux) {
    // One connection: the server runs the two in the order sent.
    EXPECT_EQ(got, (std::vector<std::string>{first, second}));
  } else {
    // Possibly two connections, served by two of the server's threads.
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{first, second}));
  }
}

TEST_P(VireoClientToApacheServer, ManyParametersOfMixedTypes) {
  absl::StatusOr<std::string> got =
      store_->mixed(true, -7, 300, 70000, 5000000000LL, 2.5, "h\xc3\xa9llo", {1, -2, 3},
                    Color::GREEN, Point{-5, 6});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got,
            "flag=1 b=-7 s=300 i=70000 l=5000000000 d=2.500 str=h\xc3\xa9llo nums=1,-2,3 color=2 "
            "point=-5,6");
}

TEST_P(VireoClientToApacheServer, UnknownMethodIsInternalWithServerMessage) {
  ::interop_extra::StoreExtraClient extra(client_.get());
  absl::StatusOr<std::string> got = extra.missing("x");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInternal) << got.status();
  // Apache's processor says "Invalid method name: 'missing'".
  EXPECT_TRUE(absl::StrContains(got.status().message(), "Invalid method name: 'missing'"))
      << got.status();
  EXPECT_TRUE(store_->ping().ok());
}

TEST_P(VireoClientToApacheServer, CallbackAndCoroutineStyles) {
  const Item full = FullItem();
  // Shared: the callback may outlive this scope if the wait below gives up.
  auto promise = std::make_shared<std::promise<absl::StatusOr<Item>>>();
  std::future<absl::StatusOr<Item>> future = promise->get_future();
  store_->echo(full, [promise](absl::StatusOr<Item> r) { promise->set_value(std::move(r)); });
  ASSERT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  absl::StatusOr<Item> by_callback = future.get();
  ASSERT_TRUE(by_callback.ok()) << by_callback.status();
  EXPECT_EQ(*by_callback, full);

  absl::StatusOr<Item> by_coroutine = BlockOn(store_->co_echo(full));
  ASSERT_TRUE(by_coroutine.ok()) << by_coroutine.status();
  EXPECT_EQ(*by_coroutine, full);

  absl::StatusOr<Item> thrown = BlockOn(store_->co_find(-1));
  ASSERT_FALSE(thrown.ok());
  std::optional<NotFound> e = IdlException<NotFound>(thrown.status());
  ASSERT_TRUE(e.has_value()) << thrown.status();
  EXPECT_EQ(e->reason, "no item -1");
}

// Only multiplexed Apache servers host a second service.
class VireoClientToMultiplexedApacheServer : public VireoClientToApacheServer {};

TEST_P(VireoClientToMultiplexedApacheServer, SecondServiceByMultiplexedName) {
  Client counter_client(VireoClientOptions(GetParam(), server_->port, "Counter"));
  ::interop::CounterClient counter(&counter_client);
  absl::StatusOr<int64_t> first = counter.add(5);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<int64_t> second = counter.add(7);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*first, 5);
  EXPECT_EQ(*second, 12);
  // The Store service still answers its own names on the same server.
  EXPECT_TRUE(store_->ping().ok());
}

std::string ApacheCaseName(const testing::TestParamInfo<ApacheServerCase>& info) {
  return absl::StrCat(info.param.server, "_", WireName(info.param.wire), "_",
                      ModeName(info.param.mode));
}

INSTANTIATE_TEST_SUITE_P(
    Threaded, VireoClientToApacheServer,
    testing::Values(
        ApacheServerCase{"threaded", {"framed", "binary", false}},
        ApacheServerCase{"threaded", {"buffered", "binary", false}},
        ApacheServerCase{"threaded", {"header", "binary", false}},
        ApacheServerCase{"threaded", {"header", "compact", false}},
        ApacheServerCase{"threaded", {"framed", "compact", false}},
        ApacheServerCase{"threaded", {"buffered", "compact", false}},
        ApacheServerCase{"threaded", {"framed", "binary", true}},
        ApacheServerCase{"threaded", {"header", "compact", true}},
        ApacheServerCase{"threaded", {"framed", "binary", false}, ConnectionMode::kPooled},
        ApacheServerCase{"threaded", {"header", "binary", false}, ConnectionMode::kShort}),
    ApacheCaseName);

// TNonblockingServer reads only frames: Framed and THeader, no Buffered.
INSTANTIATE_TEST_SUITE_P(
    Nonblocking, VireoClientToApacheServer,
    testing::Values(ApacheServerCase{"nonblocking", {"framed", "binary", false}},
                    ApacheServerCase{"nonblocking", {"framed", "compact", false}},
                    ApacheServerCase{"nonblocking", {"header", "binary", false}},
                    ApacheServerCase{"nonblocking", {"header", "compact", false}},
                    ApacheServerCase{"nonblocking", {"framed", "binary", true}},
                    ApacheServerCase{
                        "nonblocking", {"framed", "binary", false}, ConnectionMode::kPooled}),
    ApacheCaseName);

INSTANTIATE_TEST_SUITE_P(
    All, VireoClientToMultiplexedApacheServer,
    testing::Values(ApacheServerCase{"threaded", {"framed", "binary", true}},
                    ApacheServerCase{"threaded", {"buffered", "compact", true}},
                    ApacheServerCase{"threaded", {"header", "compact", true}},
                    ApacheServerCase{"nonblocking", {"framed", "binary", true}},
                    ApacheServerCase{
                        "threaded", {"header", "binary", true}, ConnectionMode::kPooled}),
    ApacheCaseName);

}  // namespace
}  // namespace vireo::interop_test
