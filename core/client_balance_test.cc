// The client's load balancing over real servers: weights from the options,
// the balancer by name, consistent hashing by CallOptions::hash_key, and
// instances taken out by weight 0.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

namespace vireo::servertest {
namespace {

class Balancing : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      services_.push_back(std::make_unique<TestService>("EchoService", ""));
      ServerOptions o;
      o.address = "127.0.0.1:0";
      o.num_loops = 1;
      auto server = std::make_unique<Server>(o);
      server->AddService(services_.back().get());
      ASSERT_TRUE(server->Start().ok());
      targets_.push_back("127.0.0.1:" + std::to_string(server->port()));
      servers_.push_back(std::move(server));
    }
  }

  // Makes `n` calls one after another; each must succeed.
  void Call(Client& client, int n, const CallOptions& options = {}) {
    for (int i = 0; i < n; ++i) {
      const absl::Status s = EchoThrough(client, options);
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  std::vector<int> Served() {
    std::vector<int> out;
    for (auto& s : services_) out.push_back(s->echo_calls());
    return out;
  }

  ClientOptions Options(std::string balancer, std::vector<int> weights = {}) {
    ClientOptions o;
    o.targets = targets_;
    o.load_balancer = std::move(balancer);
    o.weights = std::move(weights);
    return o;
  }

  std::vector<std::unique_ptr<TestService>> services_;
  std::vector<std::unique_ptr<Server>> servers_;
  std::vector<std::string> targets_;
};

// Scenario 3 in process: weights 1:2:3 split the calls 1/6, 2/6, 3/6.
TEST_F(Balancing, WeightsSplitTheCalls) {
  Client client(Options("weighted_round_robin", {1, 2, 3}));
  Call(client, 600);
  EXPECT_EQ(Served(), (std::vector<int>{100, 200, 300}));
}

TEST_F(Balancing, TheDefaultIsRoundRobinWhenWeightsAreEqual) {
  Client client(Options(ClientOptions().load_balancer));
  Call(client, 300);
  EXPECT_EQ(Served(), (std::vector<int>{100, 100, 100}));
}

TEST_F(Balancing, WeightZeroTakesAnInstanceOut) {
  Client client(Options("p2c", {100, 0, 100}));
  Call(client, 200);
  EXPECT_EQ(Served()[1], 0);
  EXPECT_EQ(Served()[0] + Served()[2], 200);

  Client none(Options("round_robin", {0, 0, -1}));
  const absl::Status s = EchoThrough(none);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("every weight is 0 or less"), std::string::npos) << s;
}

TEST_F(Balancing, OneHashKeyOneInstance) {
  Client client(Options("consistent_hash"));
  CallOptions o;
  o.hash_key = "user-7";
  Call(client, 50, o);
  std::vector<int> served = Served();
  std::sort(served.begin(), served.end());
  EXPECT_EQ(served, (std::vector<int>{0, 0, 50}));
}

TEST_F(Balancing, AnUnknownBalancerFailsCallsNamingIt) {
  Client client(Options("fastest"));
  const absl::Status s = EchoThrough(client);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("unknown load balancer \"fastest\""), std::string::npos) << s;
}

}  // namespace
}  // namespace vireo::servertest
