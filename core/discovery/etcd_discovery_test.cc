// The etcd registry and resolver against a real etcd started by the test:
// Kitex's layout both ways, entries that do not parse, re-registration,
// compaction, and a thousand instances.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "vireo/core/call_context.h"
#include "vireo/core/client.h"
#include "vireo/core/discovery/etcd_client.h"
#include "vireo/core/discovery/etcd_process.h"
#include "vireo/core/discovery/etcd_registry.h"
#include "vireo/core/discovery/etcd_resolver.h"
#include "vireo/core/load_balancer.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::etcd {
namespace {

using servertest::EchoThrough;
using servertest::TestService;

using servertest::WaitUntil;

std::vector<std::string> Addresses(Resolver& r) {
  std::vector<std::string> out;
  absl::StatusOr<InstanceList> list = r.Resolve("");
  if (!list.ok()) return out;
  for (const Instance& i : **list) out.push_back(i.address.ToString());
  return out;
}

class EtcdDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EtcdProcess>> etcd = EtcdProcess::Start();
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    EtcdClientOptions o;
    o.endpoints = {etcd_->endpoint()};
    absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = *std::move(c);
  }

  std::shared_ptr<EtcdResolver> NewResolver(std::string service,
                                            absl::Duration backoff = absl::Milliseconds(100)) {
    EtcdResolverOptions o;
    o.endpoints = {etcd_->endpoint()};
    o.service = std::move(service);
    o.min_backoff = backoff;
    o.max_backoff = std::max(backoff, absl::Seconds(5));
    absl::StatusOr<std::shared_ptr<EtcdResolver>> r = EtcdResolver::Create(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : nullptr;
  }

  std::unique_ptr<EtcdProcess> etcd_;
  std::unique_ptr<EtcdClient> client_;
};

TEST_F(EtcdDiscovery, AKeyWrittenByHandInKitexFormatIsCalled) {
  TestService service("EchoService", "");
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  Server server(so);
  server.AddService(&service);
  ASSERT_TRUE(server.Start().ok());
  const std::string address = absl::StrCat("127.0.0.1:", server.port());
  // As kitex-contrib/registry-etcd writes it.
  absl::StatusOr<std::string> put =
      etcd_->Etcdctl({"put", "kitex/registry-etcd/EchoService/" + address,
                      absl::StrCat(R"({"network":"tcp","address":")", address,
                                   R"(","weight":10,"tags":{"cluster":"c1","env":"prod"}})")});
  ASSERT_TRUE(put.ok()) << put.status();

  ClientOptions co;
  co.service = "EchoService";
  co.num_loops = 1;
  co.targets = {"etcd://" + etcd_->endpoint() + "/EchoService"};
  Client client(co);
  for (int i = 0; i < 5; ++i) {
    const absl::Status s = EchoThrough(client);
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(service.echo_calls(), 5);

  std::shared_ptr<EtcdResolver> r = NewResolver("EchoService");
  absl::StatusOr<InstanceList> list = r->Resolve("");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ((*list)->size(), 1u);
  EXPECT_EQ((*list)->at(0).weight, 10);
  EXPECT_EQ((*list)->at(0).tags.at("cluster"), "c1");
  EXPECT_EQ((*list)->at(0).tags.at("env"), "prod");
}

TEST_F(EtcdDiscovery, TheRegistryWritesWhatKitexReads) {
  EtcdRegistryOptions o;
  o.endpoints = {etcd_->endpoint()};
  o.ttl = absl::Seconds(5);
  absl::StatusOr<std::shared_ptr<EtcdRegistry>> reg = EtcdRegistry::Create(o);
  ASSERT_TRUE(reg.ok()) << reg.status();
  RegistryInfo info;
  info.service = "svc";
  info.address = *transport::InetAddress::Parse("10.1.2.3:8888");
  info.weight = 7;
  info.tags = {{"zone", "a\"b"}};
  ASSERT_TRUE((*reg)->Register(info).ok());
  absl::StatusOr<std::string> value =
      etcd_->Etcdctl({"get", "kitex/registry-etcd/svc/10.1.2.3:8888", "--print-value-only"});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value,
            "{\"network\":\"tcp\",\"address\":\"10.1.2.3:8888\",\"weight\":7,"
            "\"tags\":{\"zone\":\"a\\\"b\"}}\n");
  // With a lease of the ttl.
  absl::StatusOr<RangeResult> got = client_->Get("kitex/registry-etcd/svc/10.1.2.3:8888");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->kvs.size(), 1u);
  EXPECT_NE(got->kvs[0].lease, 0);
  absl::StatusOr<int64_t> ttl = client_->LeaseKeepAlive(got->kvs[0].lease);
  ASSERT_TRUE(ttl.ok());
  EXPECT_LE(*ttl, 5);

  ASSERT_TRUE((*reg)->Deregister(info).ok());
  got = client_->Get("kitex/registry-etcd/svc/10.1.2.3:8888");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->kvs.empty());
  EXPECT_TRUE((*reg)->Deregister(info).ok());  // idempotent
}

TEST_F(EtcdDiscovery, TheRegistryWritesAKeyAgainWhenItOrItsLeaseDisappears) {
  EtcdRegistryOptions o;
  o.endpoints = {etcd_->endpoint()};
  o.ttl = absl::Seconds(3);  // keep-alive round every second
  absl::StatusOr<std::shared_ptr<EtcdRegistry>> reg = EtcdRegistry::Create(o);
  ASSERT_TRUE(reg.ok()) << reg.status();
  RegistryInfo info;
  info.service = "svc";
  info.address = *transport::InetAddress::Parse("127.0.0.1:9");
  ASSERT_TRUE((*reg)->Register(info).ok());
  const std::string key = "kitex/registry-etcd/svc/127.0.0.1:9";
  auto exists = [&] {
    absl::StatusOr<RangeResult> got = client_->Get(key);
    return got.ok() && got->kvs.size() == 1;
  };

  ASSERT_TRUE(etcd_->Etcdctl({"del", key}).ok());
  ASSERT_TRUE(WaitUntil([&] { return (*reg)->reregistrations() >= 1 && exists(); }));

  absl::StatusOr<RangeResult> got = client_->Get(key);
  ASSERT_TRUE(got.ok() && got->kvs.size() == 1);
  ASSERT_TRUE(client_->LeaseRevoke(got->kvs[0].lease).ok());  // deletes the key too
  ASSERT_TRUE(WaitUntil([&] { return (*reg)->reregistrations() >= 2 && exists(); }));
}

TEST_F(EtcdDiscovery, ARegistryThatCannotReachEtcdFailsRegisterNamingIt) {
  ASSERT_TRUE(etcd_->Kill().ok());
  EtcdRegistryOptions o;
  o.endpoints = {etcd_->endpoint()};
  o.client.connect_timeout = absl::Milliseconds(500);
  absl::StatusOr<std::shared_ptr<EtcdRegistry>> reg = EtcdRegistry::Create(o);
  ASSERT_TRUE(reg.ok()) << reg.status();
  RegistryInfo info;
  info.service = "svc";
  info.address = *transport::InetAddress::Parse("127.0.0.1:9");
  const absl::Status s = (*reg)->Register(info);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), etcd_->endpoint())) << s;
}

TEST_F(EtcdDiscovery, EntriesThatDoNotParseAreSkipped) {
  const std::string p = "kitex/registry-etcd/svc/";
  ASSERT_TRUE(client_->Put(p + "a", "not json").ok());
  ASSERT_TRUE(client_->Put(p + "b", R"({"network":"udp","address":"127.0.0.1:1"})").ok());
  ASSERT_TRUE(
      client_->Put(p + "c", R"({"network":"tcp","address":"127.0.0.1:3","weight":2})").ok());
  ASSERT_TRUE(client_->Put(p + "d", R"({"address":"127.0.0.1:4","tags":{"x":1}})").ok());
  std::shared_ptr<EtcdResolver> r = NewResolver("svc");
  EXPECT_EQ(Addresses(*r), std::vector<std::string>{"127.0.0.1:3"});
  // Fixed by a later write, a bad entry joins; broken again, it leaves.
  ASSERT_TRUE(client_->Put(p + "a", R"({"address":"127.0.0.1:5"})").ok());
  ASSERT_TRUE(WaitUntil([&] { return Addresses(*r).size() == 2; }));
  ASSERT_TRUE(client_->Put(p + "a", "{").ok());
  ASSERT_TRUE(WaitUntil([&] { return Addresses(*r) == std::vector<std::string>{"127.0.0.1:3"}; }));
}

TEST(RegistryValue, BadValuesSayWhatIsWrong) {
  struct Case {
    const char* value;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"", "not JSON"},
           {"[1]", "not a JSON object"},
           {R"({"network":"tcp"})", "no \"address\""},
           {R"({"address":5})", "no \"address\""},
           {R"({"network":"unix","address":"127.0.0.1:1"})", "not \"tcp\""},
           {R"({"address":"127.0.0.1"})", "not host:port"},
           {R"({"address":"127.0.0.1:70000"})", "not host:port"},
           {R"({"address":"no-such-host.invalid:1"})", "no-such-host.invalid"},
           {R"({"address":"127.0.0.1:1","weight":"10"})", "\"weight\" is not an integer"},
           {R"({"address":"127.0.0.1:1","tags":[]})", "\"tags\" is not an object"},
           {R"({"address":"127.0.0.1:1","tags":{"a":{}}})", "tag \"a\" is not a string"},
       }) {
    absl::StatusOr<Instance> i = ParseRegistryValue(c.value);
    EXPECT_EQ(i.status().code(), absl::StatusCode::kInvalidArgument) << c.value;
    EXPECT_TRUE(absl::StrContains(i.status().message(), c.says)) << c.value << ": " << i.status();
  }
  absl::StatusOr<Instance> ok = ParseRegistryValue(R"({"address":"[::1]:80"})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->address.ToString(), "[::1]:80");
  EXPECT_EQ(ok->weight, 10);
}

TEST(EtcdTarget, BadUrisAreNamed) {
  for (const auto& [uri, says] : std::vector<std::pair<std::string, std::string>>{
           {"etcd:///svc", "no etcd endpoint"},
           {"etcd://127.0.0.1:2379/", "no service"},
           {"etcd://127.0.0.1:2379/svc?ttl=3", "unknown parameter \"ttl\""},
           {"etcd://127.0.0.1:2379/a/b", "contains '/'"},
       }) {
    absl::StatusOr<std::shared_ptr<Resolver>> r = vireo::NewResolver({uri});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << uri;
    EXPECT_TRUE(absl::StrContains(r.status().message(), says)) << r.status();
  }
}

TEST_F(EtcdDiscovery, AWatchFromACompactedRevisionReadsEverythingAgain) {
  const std::string p = "kitex/registry-etcd/svc/";
  ASSERT_TRUE(client_->Put(p + "1", R"({"address":"127.0.0.1:1"})").ok());
  // A long back-off: the resolver stays away while etcd restarts and the
  // history it would resume from is compacted.
  std::shared_ptr<EtcdResolver> r = NewResolver("svc", absl::Seconds(6));
  ASSERT_EQ(Addresses(*r).size(), 1u);
  ASSERT_TRUE(etcd_->Kill().ok());
  ASSERT_TRUE(etcd_->Restart().ok());
  ASSERT_TRUE(client_->Put(p + "2", R"({"address":"127.0.0.1:2"})").ok());
  // Two more revisions, so that the one the resolver resumes from (the
  // put of "2") is compacted away.
  ASSERT_TRUE(client_->Put("elsewhere", "x").ok());
  ASSERT_TRUE(client_->Put("elsewhere", "y").ok());
  absl::StatusOr<RangeResult> now = client_->Get("elsewhere");
  ASSERT_TRUE(now.ok());
  ASSERT_TRUE(etcd_->Etcdctl({"compact", std::to_string(now->revision)}).ok());
  ASSERT_TRUE(WaitUntil([&] { return Addresses(*r).size() == 2; }));
  EXPECT_EQ(r->reads(), 2u) << "the resolver did not read again after the compaction";
}

TEST_F(EtcdDiscovery, AThousandInstancesAreAppliedAndBalancedOver) {
  std::shared_ptr<EtcdResolver> r = NewResolver("big");
  constexpr int kInstances = 1000;
  const absl::Time start = absl::Now();
  for (int i = 0; i < kInstances; ++i) {
    const std::string address = absl::StrCat("10.0.", i / 250, ".", i % 250 + 1, ":8888");
    ASSERT_TRUE(client_
                    ->Put("kitex/registry-etcd/big/" + address,
                          absl::StrCat(R"({"network":"tcp","address":")", address,
                                       R"(","weight":10,"tags":{}})"))
                    .ok());
  }
  const absl::Time written = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return Addresses(*r).size() == kInstances; }));
  const absl::Duration watch_lag = absl::Now() - written;

  const absl::Time read_start = absl::Now();
  std::shared_ptr<EtcdResolver> fresh = NewResolver("big");
  const absl::Duration first_read = absl::Now() - read_start;
  ASSERT_EQ(Addresses(*fresh).size(), static_cast<size_t>(kInstances));

  absl::StatusOr<std::shared_ptr<LoadBalancer>> lb =
      NewLoadBalancer("weighted_round_robin", BalancerOptions());
  ASSERT_TRUE(lb.ok());
  absl::StatusOr<InstanceList> list = fresh->Resolve("");
  ASSERT_TRUE(list.ok());
  CallContext ctx;
  std::set<std::string> picked;
  for (int i = 0; i < kInstances; ++i) picked.insert((*lb)->Pick(*list, ctx)->address.ToString());
  EXPECT_EQ(picked.size(), static_cast<size_t>(kInstances));

  std::printf(
      "1000 instances: written in %s; the watch applied the last %s after it; a new "
      "resolver read all in %s\n",
      absl::FormatDuration(written - start).c_str(), absl::FormatDuration(watch_lag).c_str(),
      absl::FormatDuration(first_read).c_str());
  RecordProperty("watch_lag_ms", static_cast<int>(absl::ToInt64Milliseconds(watch_lag)));
  RecordProperty("first_read_ms", static_cast<int>(absl::ToInt64Milliseconds(first_read)));
}

}  // namespace
}  // namespace vireo::etcd
