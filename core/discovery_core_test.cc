// Discovery in the core: target URIs, the DNS resolver with refresh, the
// resolver scheme and registry kind registries, and the server's use of a
// Registry (register after listening, deregister before the listener
// closes).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "vireo/core/client.h"
#include "vireo/core/dns_resolver.h"
#include "vireo/core/registry.h"
#include "vireo/core/resolver.h"
#include "vireo/core/server.h"
#include "vireo/core/server_options.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

using transport::InetAddress;


TEST(ResolverTarget, ParsesSchemeAuthorityPathAndQuery) {
  absl::StatusOr<ResolverTarget> t =
      ResolverTarget::Parse("etcd://127.0.0.1:2379,127.0.0.1:2380/echo?prefix=a/b&x=1");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->scheme, "etcd");
  EXPECT_EQ(t->authority, "127.0.0.1:2379,127.0.0.1:2380");
  EXPECT_EQ(t->path, "echo");
  EXPECT_EQ(t->params.at("prefix"), "a/b");
  EXPECT_EQ(t->params.at("x"), "1");

  t = ResolverTarget::Parse("dns:///localhost:80");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->scheme, "dns");
  EXPECT_EQ(t->authority, "");
  EXPECT_EQ(t->path, "localhost:80");

  for (const char* bad : {"://x", "Dns:///a:1", "d$s:///a:1", "dns:///a:1?refresh"}) {
    absl::StatusOr<ResolverTarget> b = ResolverTarget::Parse(bad);
    EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(b.status().message(), bad)) << b.status();
  }
}

TEST(NewResolver, NamesWhatIsWrongWithTheTargets) {
  struct Case {
    std::vector<std::string> targets;
    std::vector<int> weights;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"dns:///localhost:1", "127.0.0.1:1"}, {}, "must be the only target"},
      {{"dns:///localhost:1"}, {5}, "weights go with host:port targets"},
      {{"zk://h:1/svc"}, {}, "no resolver for scheme \"zk\""},
      {{"dns:///localhost"}, {}, "expected name:port"},
      {{"dns:///localhost:0"}, {}, "expected name:port"},
      {{"dns://8.8.8.8/localhost:1"}, {}, "DNS server in the authority"},
      {{"dns:///localhost:1?refresh=soon"}, {}, "is not a duration"},
      {{"dns:///localhost:1?refresh=1ms"}, {}, "under the minimum"},
      {{"dns:///localhost:1?ttl=1s"}, {}, "unknown parameter \"ttl\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<Resolver>> r = NewResolver(c.targets, c.weights);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.targets[0];
    EXPECT_TRUE(absl::StrContains(r.status().message(), c.says)) << r.status();
  }
}

TEST(NewResolver, EtcdWithoutItsLibrarySaysWhichLibrary) {
  // This test binary does not link vireo_etcd.
  absl::StatusOr<std::shared_ptr<Resolver>> r = NewResolver({"etcd://127.0.0.1:1/echo"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "vireo_etcd")) << r.status();
}

TEST(NewResolver, ASchemeRegisteredByNameIsUsed) {
  std::vector<ResolverTarget> seen;
  RegisterResolverScheme("fixed", [&](const ResolverTarget& t) {
    seen.push_back(t);
    return absl::StatusOr<std::shared_ptr<Resolver>>(std::make_shared<StaticResolver>(
        std::vector<Instance>{Instance{InetAddress::Loopback(7)}}));
  });
  absl::StatusOr<std::shared_ptr<Resolver>> r = NewResolver({"fixed://a/b?c=d"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "b");
  absl::StatusOr<InstanceList> list = (*r)->Resolve("any");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)->at(0).address.port(), 7);
}

TEST(DnsResolver, LocalhostGivesItsAddressesOnThePort) {
  absl::StatusOr<std::shared_ptr<Resolver>> r = NewResolver({"dns:///localhost:4321"});
  ASSERT_TRUE(r.ok()) << r.status();
  absl::StatusOr<InstanceList> list = (*r)->Resolve("whatever");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_FALSE((*list)->empty());
  bool loopback4 = false;
  for (const Instance& i : **list) {
    EXPECT_EQ(i.address.port(), 4321);
    loopback4 |= i.address.ToString() == "127.0.0.1:4321";
  }
  EXPECT_TRUE(loopback4);
}

// A name whose addresses the test sets, looked up through the resolver's
// lookup hook (the same path as getaddrinfo's answers take).
class FakeZone {
 public:
  void Set(absl::StatusOr<std::vector<std::string>> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(answer);
  }
  absl::StatusOr<std::vector<InetAddress>> Lookup(const std::string& host, uint16_t port) {
    std::lock_guard<std::mutex> lock(mu_);
    ++lookups_;
    if (host != "svc.test") return absl::UnavailableError("NXDOMAIN");
    if (!answer_.ok()) return answer_.status();
    std::vector<InetAddress> out;
    for (const std::string& a : *answer_) {
      InetAddress addr = *InetAddress::Parse(a);
      addr.SetPort(port);
      out.push_back(addr);
    }
    return out;
  }

 private:
  std::mutex mu_;
  absl::StatusOr<std::vector<std::string>> answer_;
  int lookups_ = 0;
};

std::vector<std::string> Addresses(Resolver& r) {
  std::vector<std::string> out;
  absl::StatusOr<InstanceList> list = r.Resolve("");
  if (!list.ok()) return {std::string(list.status().message())};
  for (const Instance& i : **list) out.push_back(i.address.ToString());
  return out;
}

TEST(DnsResolver, RefreshAppliesChangesAndKeepsTheLastAnswerThroughFailures) {
  FakeZone zone;
  zone.Set(std::vector<std::string>{"10.0.0.1:0", "10.0.0.2:0"});
  DnsResolverOptions o;
  o.refresh = absl::Milliseconds(20);
  o.lookup = [&](const std::string& h, uint16_t p) { return zone.Lookup(h, p); };
  absl::StatusOr<std::shared_ptr<DnsResolver>> r = DnsResolver::Create("svc.test:80", o);
  ASSERT_TRUE(r.ok()) << r.status();
  DnsResolver& dns = **r;
  EXPECT_EQ(Addresses(dns), (std::vector<std::string>{"10.0.0.1:80", "10.0.0.2:80"}));
  const uint64_t updates = dns.updates();

  // The same answer again: the list (and the balancer's picker) stays.
  const uint64_t before = dns.lookups();
  ASSERT_TRUE(WaitUntil([&] { return dns.lookups() >= before + 3; }));
  EXPECT_EQ(dns.updates(), updates);

  zone.Set(std::vector<std::string>{"10.0.0.2:0", "10.0.0.3:0", "[fd00::1]:0"});
  ASSERT_TRUE(WaitUntil([&] {
    return Addresses(dns) == std::vector<std::string>{"10.0.0.2:80", "10.0.0.3:80", "[fd00::1]:80"};
  }));

  // DNS failing: the last answer stays.
  zone.Set(absl::UnavailableError("SERVFAIL"));
  const uint64_t failing_from = dns.lookups();
  ASSERT_TRUE(WaitUntil([&] { return dns.lookups() >= failing_from + 3; }));
  EXPECT_EQ(Addresses(dns),
            (std::vector<std::string>{"10.0.0.2:80", "10.0.0.3:80", "[fd00::1]:80"}));

  zone.Set(std::vector<std::string>{"10.0.0.4:0"});
  ASSERT_TRUE(
      WaitUntil([&] { return Addresses(dns) == std::vector<std::string>{"10.0.0.4:80"}; }));
}

TEST(DnsResolver, AFirstLookupThatFailsIsWhatCallsSeeUntilOneSucceeds) {
  FakeZone zone;
  zone.Set(absl::UnavailableError("SERVFAIL"));
  DnsResolverOptions o;
  o.refresh = absl::Milliseconds(20);
  o.lookup = [&](const std::string& h, uint16_t p) { return zone.Lookup(h, p); };
  absl::StatusOr<std::shared_ptr<DnsResolver>> r = DnsResolver::Create("svc.test:80", o);
  ASSERT_TRUE(r.ok()) << r.status();
  absl::StatusOr<InstanceList> list = (*r)->Resolve("");
  EXPECT_EQ(list.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(list.status().message(), "svc.test")) << list.status();
  EXPECT_TRUE(absl::StrContains(list.status().message(), "SERVFAIL")) << list.status();
  zone.Set(std::vector<std::string>{"10.0.0.9:0"});
  ASSERT_TRUE(
      WaitUntil([&] { return Addresses(**r) == std::vector<std::string>{"10.0.0.9:80"}; }));
}

TEST(DnsResolver, AClientCallsThroughADnsTarget) {
  TestService service("EchoService", "");
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  Server server(so);
  server.AddService(&service);
  ASSERT_TRUE(server.Start().ok());
  ClientOptions co;
  co.service = "EchoService";
  co.num_loops = 1;
  co.targets = {"dns:///localhost:" + std::to_string(server.port())};
  // localhost may also be ::1, where nothing listens: a call there fails
  // to connect and is retried on the other address.
  co.retry.enabled = true;
  Client client(co);
  for (int i = 0; i < 10; ++i) {
    const absl::Status s = EchoThrough(client);
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(service.echo_calls(), 10);
}

// Records what the server registers; a test's view of the Registry
// contract (the etcd implementation is tested against etcd itself).
class RecordingRegistry : public Registry {
 public:
  explicit RecordingRegistry(uint16_t* port_to_probe = nullptr) : probe_(port_to_probe) {}
  absl::Status Register(const RegistryInfo& info) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_) return absl::UnavailableError("registry down");
    live_.push_back(info.service + "@" + info.address.ToString());
    infos_.push_back(info);
    return absl::OkStatus();
  }
  absl::Status Deregister(const RegistryInfo& info) override {
    // The listener must still be open: connect to it.
    if (probe_ != nullptr) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      const InetAddress a = InetAddress::Loopback(*probe_);
      connected_at_deregister_ = connect(fd, a.sockaddr(), a.length()) == 0;
      close(fd);
    }
    std::lock_guard<std::mutex> lock(mu_);
    std::erase(live_, info.service + "@" + info.address.ToString());
    return absl::OkStatus();
  }
  std::vector<std::string> live() {
    std::lock_guard<std::mutex> lock(mu_);
    return live_;
  }
  std::vector<RegistryInfo> infos() {
    std::lock_guard<std::mutex> lock(mu_);
    return infos_;
  }
  void set_fail(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = f;
  }
  bool connected_at_deregister() const { return connected_at_deregister_; }

 private:
  uint16_t* probe_;
  std::mutex mu_;
  std::vector<std::string> live_;
  std::vector<RegistryInfo> infos_;
  bool fail_ = false;
  std::atomic<bool> connected_at_deregister_{false};
};

TEST(ServerRegistry, RegistersEachServiceOnTheBoundPortAndLeavesBeforeTheListenerCloses) {
  TestService echo("EchoService", "");
  TestService other("OtherService", "");
  uint16_t port = 0;
  auto registry = std::make_shared<RecordingRegistry>(&port);
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  so.registry.weight = 7;
  so.registry.tags = {{"zone", "a"}};
  Server server(so);
  server.AddService(&echo);
  server.AddService(&other);
  server.SetRegistry(registry);
  ASSERT_TRUE(server.Start().ok());
  port = server.port();
  const std::string at = "@127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(registry->live(), (std::vector<std::string>{"EchoService" + at, "OtherService" + at}));
  EXPECT_EQ(registry->infos()[0].weight, 7);
  EXPECT_EQ(registry->infos()[0].tags.at("zone"), "a");
  server.Stop();
  EXPECT_TRUE(registry->live().empty());
  EXPECT_TRUE(registry->connected_at_deregister());
}

TEST(ServerRegistry, AWildcardListenAddressRegistersAnInterfaceAddress) {
  absl::StatusOr<InetAddress> expected = InetAddress::FirstNonLoopbackIPv4(1);
  TestService echo("EchoService", "");
  auto registry = std::make_shared<RecordingRegistry>();
  ServerOptions so;
  so.address = "0.0.0.0:0";
  so.num_loops = 1;
  Server server(so);
  server.AddService(&echo);
  server.SetRegistry(registry);
  const absl::Status started = server.Start();
  if (!expected.ok()) {
    // No interface but loopback here: the server says what to set.
    EXPECT_TRUE(absl::StrContains(started.message(), "registry.host")) << started;
    return;
  }
  ASSERT_TRUE(started.ok()) << started;
  expected->SetPort(server.port());
  ASSERT_EQ(registry->infos().size(), 1u);
  EXPECT_EQ(registry->infos()[0].address, *expected);
  EXPECT_NE(registry->infos()[0].address.ToString().rfind("127.", 0), 0u);
}

TEST(ServerRegistry, ServiceAndHostOptionsOverride) {
  TestService echo("EchoService", "");
  auto registry = std::make_shared<RecordingRegistry>();
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  so.registry.service = "echo";
  so.registry.host = "127.0.0.2";
  Server server(so);
  server.AddService(&echo);
  server.SetRegistry(registry);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(registry->live(),
            (std::vector<std::string>{"echo@127.0.0.2:" + std::to_string(server.port())}));
}

TEST(ServerRegistry, AFailedRegistrationFailsStartAndStopsTheServer) {
  TestService echo("EchoService", "");
  auto registry = std::make_shared<RecordingRegistry>();
  registry->set_fail(true);
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  Server server(so);
  server.AddService(&echo);
  server.SetRegistry(registry);
  const absl::Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(s.message(), "cannot register EchoService")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "registry down")) << s;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const InetAddress a = InetAddress::Loopback(server.port());
  EXPECT_NE(connect(fd, a.sockaddr(), a.length()), 0);
  close(fd);
}

TEST(ServerRegistry, UnknownKindIsNamed) {
  TestService echo("EchoService", "");
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.registry.kind = "etcd";
  so.registry.endpoints = {"127.0.0.1:1"};
  Server server(so);
  server.AddService(&echo);
  const absl::Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "vireo_etcd")) << s;
}

TEST(ServerRegistry, YamlKeys) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml(R"(
registry:
  kind: etcd
  endpoints: ["127.0.0.1:2379", "127.0.0.1:22379"]
  prefix: my/prefix
  ttl: 15s
  weight: 3
  tags: {zone: b, cluster: c1}
  service: echo
  host: 10.1.2.3
)");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->registry.kind, "etcd");
  EXPECT_EQ(o->registry.endpoints.size(), 2u);
  EXPECT_EQ(o->registry.prefix, "my/prefix");
  EXPECT_EQ(o->registry.ttl, absl::Seconds(15));
  EXPECT_EQ(o->registry.weight, 3);
  EXPECT_EQ(o->registry.tags.at("cluster"), "c1");
  EXPECT_EQ(o->registry.service, "echo");
  EXPECT_EQ(o->registry.host, "10.1.2.3");

  for (const char* bad :
       {"registry: {kind: etcd}", "registry: {kind: etcd, endpoints: [a:1], ttl: 0s}",
        "registry: {kidn: etcd}"}) {
    absl::StatusOr<ServerOptions> b = ServerOptions::FromYaml(bad);
    EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(b.status().message(), "server.registry")) << b.status();
  }
}

}  // namespace
}  // namespace vireo::servertest
