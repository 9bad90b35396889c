#include <gtest/gtest.h>

#include "vireo/core/client.h"

namespace vireo {
namespace {

TEST(ClientOptions, YamlSetsEveryField) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml(R"(
service: EchoService
targets: ["127.0.0.1:9090", "127.0.0.1:9091"]
framing: ttheader
protocol: compact
mode: pooled
mux_connections: 4
max_in_flight: 128
wait_when_full: true
max_idle_per_address: 8
idle_timeout: 30s
connect_timeout: 250ms
call_timeout: 2s
multiplexed_names: true
metadata: {user: alice, region: eu}
limits: {max_frame_size: 1048576, max_depth: 16}
num_loops: 2
load_balancer: consistent_hash
weights: [1, 2]
virtual_nodes: 160
hash_metadata_key: user
)");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->service, "EchoService");
  EXPECT_EQ(o->targets, (std::vector<std::string>{"127.0.0.1:9090", "127.0.0.1:9091"}));
  EXPECT_EQ(o->framing, codec::Framing::kTTHeader);
  EXPECT_EQ(o->protocol, codec::ProtocolId::kCompact);
  EXPECT_EQ(o->mode, ConnectionMode::kPooled);
  EXPECT_EQ(o->mux_connections, 4);
  EXPECT_EQ(o->max_in_flight, 128u);
  EXPECT_TRUE(o->wait_when_full);
  EXPECT_EQ(o->max_idle_per_address, 8);
  EXPECT_EQ(o->idle_timeout, absl::Seconds(30));
  EXPECT_EQ(o->connect_timeout, absl::Milliseconds(250));
  EXPECT_EQ(o->call_timeout, absl::Seconds(2));
  EXPECT_TRUE(o->multiplexed_names);
  ASSERT_NE(o->metadata.Find("user"), nullptr);
  EXPECT_EQ(*o->metadata.Find("user"), "alice");
  EXPECT_EQ(*o->metadata.Find("region"), "eu");
  EXPECT_EQ(o->limits.max_frame_size, 1048576u);
  EXPECT_EQ(o->limits.max_depth, 16u);
  EXPECT_EQ(o->limits.max_string_size, codec::Limits().max_string_size);
  EXPECT_EQ(o->num_loops, 2);
  EXPECT_EQ(o->load_balancer, "consistent_hash");
  EXPECT_EQ(o->weights, (std::vector<int>{1, 2}));
  EXPECT_EQ(o->balancer.virtual_nodes, 160);
  EXPECT_EQ(o->balancer.hash_metadata_key, "user");
}

TEST(ClientOptions, EmptyYamlKeepsDefaults) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml("");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, ConnectionMode::kMux);
  EXPECT_EQ(o->call_timeout, absl::Seconds(1));
  EXPECT_EQ(o->load_balancer, "weighted_round_robin");
  EXPECT_TRUE(o->weights.empty());
}

TEST(ClientOptions, UnknownKeyIsNamed) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml("call_timout: 1s\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "client.call_timout: unknown key");
}

TEST(ClientOptions, BadValuesAreNamed) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml("framing: http\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "client.framing: expected one of buffered, framed, theader, ttheader, got \"http\"");
  o = ClientOptions::FromYaml("call_timeout: soon\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("client.call_timeout: expected a duration"),
            std::string::npos);
  o = ClientOptions::FromYaml("limits: {max_depth: 0}\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "client.limits.max_depth: 0 is out of range [1, 4294967295]");
  o = ClientOptions::FromYaml("limits: {max_dept: 3}\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "client.limits.max_dept: unknown key");
  o = ClientOptions::FromYaml("weights: [1, heavy]\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "client.weights: expected a list of integers, got \"heavy\"");
  o = ClientOptions::FromYaml("- a\n- b\n");
  ASSERT_FALSE(o.ok());
}

}  // namespace
}  // namespace vireo
