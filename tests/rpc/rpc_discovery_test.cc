// Discovery across processes, against a real etcd started by the test:
// rpc_test_server processes register themselves (Kitex's layout), a client
// resolves them through an etcd:// target and follows them as they come,
// crash, stop and as etcd itself restarts.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc_test_rpc.h"
#include "server_process.h"
#include "vireo/core/client.h"
#include "vireo/core/discovery/etcd_process.h"
#include "vireo/core/resolver.h"

namespace rpctest {
namespace {

using vireo::etcd::EtcdProcess;

constexpr char kPrefix[] = "kitex/registry-etcd/TestService/";

// Waits (bounded, 20 s) until `done` holds.
bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

// rpc_test_server in a child process, registered in etcd.
class RegisteredServer : public ServerProcess {
 public:
  RegisteredServer(const std::string& etcd, int ttl_seconds)
      : ServerProcess({"--port=0", absl::StrCat("--registry=", etcd), "--service=TestService",
                       absl::StrCat("--registry-ttl=", ttl_seconds)}) {}
  std::string address() const { return absl::StrCat("127.0.0.1:", port()); }
  std::string key() const { return kPrefix + address(); }
};

// Calls `add` from `threads` threads until stopped, counting answers per
// server address and failures.
class Load {
 public:
  Load(vireo::Client* transport, int threads) : transport_(transport) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this] {
        TestServiceClient client(transport_);
        while (!stop_.load()) {
          absl::StatusOr<int32_t> r = client.add(1, 2);
          std::lock_guard<std::mutex> lock(mu_);
          if (r.ok()) {
            ++ok_;
          } else {
            ++failed_;
            if (first_failure_.empty()) first_failure_ = r.status().ToString();
          }
        }
      });
    }
  }
  ~Load() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  int ok() {
    std::lock_guard<std::mutex> lock(mu_);
    return ok_;
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  std::string first_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }

 private:
  vireo::Client* transport_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  int ok_ = 0;
  int failed_ = 0;
  std::string first_failure_;
};

// The addresses the resolver serves now.
std::vector<std::string> Resolved(vireo::Resolver& r) {
  std::vector<std::string> out;
  absl::StatusOr<vireo::InstanceList> list = r.Resolve("TestService");
  if (!list.ok()) return out;
  for (const vireo::Instance& i : **list) out.push_back(i.address.ToString());
  std::sort(out.begin(), out.end());
  return out;
}

class RpcDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EtcdProcess>> etcd = EtcdProcess::Start();
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
  }

  // A client of TestService through etcd, with the resolver kept to look
  // at; retries and breakers on, as a service in a fleet runs.
  std::unique_ptr<vireo::Client> NewClient() {
    absl::StatusOr<std::shared_ptr<vireo::Resolver>> r =
        vireo::NewResolver({"etcd://" + etcd_->endpoint() + "/TestService"});
    EXPECT_TRUE(r.ok()) << r.status();
    resolver_ = *r;
    vireo::ClientOptions o;
    o.service = "TestService";
    o.call_timeout = absl::Seconds(10);
    o.retry.enabled = true;
    o.breaker.enabled = true;
    auto client = std::make_unique<vireo::Client>(o);
    client->SetResolver(resolver_);
    // Which server answered each call.
    client->Use(
        [this](vireo::CallContext& ctx, vireo::ClientNext next) -> vireo::Task<absl::Status> {
          absl::Status s = co_await next();
          if (s.ok()) {
            std::lock_guard<std::mutex> lock(per_mu_);
            ++answered_[ctx.peer().ToString()];
          }
          co_return s;
        });
    return client;
  }

  // Answers per server of `calls` calls made one after another.
  std::map<std::string, int> Spread(vireo::Client& transport, int calls) {
    std::map<std::string, int> before;
    {
      std::lock_guard<std::mutex> lock(per_mu_);
      before = answered_;
    }
    TestServiceClient client(&transport);
    for (int i = 0; i < calls; ++i) EXPECT_TRUE(client.add(i, 1).ok());
    std::map<std::string, int> out;
    std::lock_guard<std::mutex> lock(per_mu_);
    for (const auto& [address, n] : answered_) {
      if (n > before[address]) out[address] = n - before[address];
    }
    return out;
  }

  bool KeyExists(const std::string& key) {
    absl::StatusOr<std::string> out = etcd_->Etcdctl({"get", key, "--print-value-only"});
    return out.ok() && !out->empty();
  }

  std::unique_ptr<EtcdProcess> etcd_;
  std::shared_ptr<vireo::Resolver> resolver_;
  std::mutex per_mu_;
  std::map<std::string, int> answered_;
};

TEST_F(RpcDiscovery, ThreeServersRegisterAndTheClientSpreadsCallsOverThem) {
  std::vector<std::unique_ptr<RegisteredServer>> servers;
  for (int i = 0; i < 3; ++i) {
    servers.push_back(std::make_unique<RegisteredServer>(etcd_->endpoint(), 60));
    ASSERT_NE(servers.back()->port(), 0);
  }
  // The registration is in Kitex's layout.
  absl::StatusOr<std::string> value =
      etcd_->Etcdctl({"get", servers[0]->key(), "--print-value-only"});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_NE(value->find(absl::StrCat("{\"network\":\"tcp\",\"address\":\"", servers[0]->address(),
                                     "\",\"weight\":10,\"tags\":{}}")),
            std::string::npos)
      << *value;

  std::unique_ptr<vireo::Client> client = NewClient();
  std::vector<std::string> expected;
  for (auto& s : servers) expected.push_back(s->address());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Resolved(*resolver_), expected);
  const std::map<std::string, int> per = Spread(*client, 300);
  ASSERT_EQ(per.size(), 3u);
  for (const auto& [address, n] : per) EXPECT_EQ(n, 100) << address;

  // A fourth comes: the watch brings it without a poll.
  servers.push_back(std::make_unique<RegisteredServer>(etcd_->endpoint(), 60));
  ASSERT_TRUE(WaitUntil([&] { return Resolved(*resolver_).size() == 4; }));
  EXPECT_EQ(Spread(*client, 400).size(), 4u);
}

TEST_F(RpcDiscovery, AKilledServerLeavesWhenItsLeaseExpiresAndCostsNoMoreThanItsCallsInFlight) {
  std::vector<std::unique_ptr<RegisteredServer>> servers;
  for (int i = 0; i < 3; ++i) {
    servers.push_back(std::make_unique<RegisteredServer>(etcd_->endpoint(), 2));
    ASSERT_NE(servers.back()->port(), 0);
  }
  std::unique_ptr<vireo::Client> client = NewClient();
  ASSERT_EQ(Resolved(*resolver_).size(), 3u);
  Load load(client.get(), 8);
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > 2000; }));

  const std::string dead = servers[0]->address();
  servers[0]->Signal(SIGKILL);
  // At most the 8 calls in flight can fail (they were written to the
  // dead socket, and add is not idempotent); the rest go elsewhere.
  ASSERT_TRUE(WaitUntil([&] { return !KeyExists(kPrefix + dead); }))
      << "the dead server's key outlived its 2 s lease";
  ASSERT_TRUE(WaitUntil([&] { return Resolved(*resolver_).size() == 2; }));
  const uint64_t retries_when_gone = client->Stats().retries;
  const int ok_when_gone = load.ok();
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > ok_when_gone + 2000; }));
  load.Stop();
  EXPECT_LE(load.failed(), 8) << load.first_failure();
  // Once resolved away, nothing is tried on the dead server.
  EXPECT_EQ(client->Stats().retries, retries_when_gone);
  for (const std::string& a : Resolved(*resolver_)) EXPECT_NE(a, dead);
}

TEST_F(RpcDiscovery, AGracefulStopRemovesTheKeyAtOnce) {
  RegisteredServer a(etcd_->endpoint(), 60);
  RegisteredServer b(etcd_->endpoint(), 60);
  std::unique_ptr<vireo::Client> client = NewClient();
  ASSERT_EQ(Resolved(*resolver_).size(), 2u);
  Load load(client.get(), 4);
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > 1000; }));
  const std::string key = a.key();
  ASSERT_TRUE(KeyExists(key));
  a.Signal(SIGTERM);  // returns once the process has exited
  // Gone now, not after the 60 s lease.
  EXPECT_FALSE(KeyExists(key));
  ASSERT_TRUE(WaitUntil([&] { return Resolved(*resolver_).size() == 1; }));
  const int ok = load.ok();
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > ok + 1000; }));
  load.Stop();
  // The server deregistered before it stopped listening, and answered its
  // calls in flight: nothing failed.
  EXPECT_EQ(load.failed(), 0) << load.first_failure();
}

TEST_F(RpcDiscovery, EtcdRestartingLosesNoCallAndTheWatchResumes) {
  RegisteredServer a(etcd_->endpoint(), 10);
  RegisteredServer b(etcd_->endpoint(), 10);
  std::unique_ptr<vireo::Client> client = NewClient();
  ASSERT_EQ(Resolved(*resolver_).size(), 2u);
  Load load(client.get(), 4);
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > 1000; }));

  ASSERT_TRUE(etcd_->Kill().ok());
  // etcd is down: the client keeps calling the instances it knows.
  const int ok_down = load.ok();
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > ok_down + 1000; }));
  EXPECT_EQ(Resolved(*resolver_).size(), 2u);
  ASSERT_TRUE(etcd_->Restart().ok());

  // The registrations are there (the servers kept their leases alive or
  // wrote their keys again)...
  ASSERT_TRUE(WaitUntil([&] { return KeyExists(a.key()) && KeyExists(b.key()); }));
  // ...and the watch resumed: a new server shows up.
  RegisteredServer c(etcd_->endpoint(), 10);
  ASSERT_TRUE(WaitUntil([&] { return Resolved(*resolver_).size() == 3; }))
      << "the watch did not resume after etcd restarted";
  const int ok_up = load.ok();
  ASSERT_TRUE(WaitUntil([&] { return load.ok() > ok_up + 1000; }));
  load.Stop();
  EXPECT_EQ(load.failed(), 0) << load.first_failure();
  EXPECT_GE(Spread(*client, 300).size(), 3u);
}

}  // namespace
}  // namespace rpctest
