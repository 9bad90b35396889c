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
busy_poll: 20us
io_uring: true
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
  EXPECT_EQ(o->busy_poll, absl::Microseconds(20));
  EXPECT_TRUE(o->io_uring);
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
  o = ClientOptions::FromYaml("busy_poll: 1s\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "client.busy_poll: must be between 0 and 10ms");
  o = ClientOptions::FromYaml("- a\n- b\n");
  ASSERT_FALSE(o.ok());
}

TEST(ClientOptions, YamlSetsTheGovernancePolicies) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml(R"(
retry:
  enabled: true
  max_retries: 3
  max_duration: 900ms
  attempt_timeout: 200ms
  backoff: exponential
  backoff_base: 5ms
  backoff_max: 80ms
  jitter: 0.1
  retry_on: [UNAVAILABLE, ABORTED]
  retry_same_node: true
  chain_stop: false
  backup_delay: 15ms
  budget_ratio: 0.2
  budget_window: 5s
  budget_min_samples: 20
method_retry:
  get: {idempotent: true, max_retries: 1}
  put: {enabled: false}
idempotent_methods: [list]
breaker:
  enabled: true
  window: 5s
  bucket: 50ms
  error_rate: 0.3
  min_samples: 100
  consecutive_failures: 7
  cooldown: 2s
  probe_interval: 100ms
  successes_to_close: 3
)");
  ASSERT_TRUE(o.ok()) << o.status();
  const RetryPolicy& r = o->retry;
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.max_retries, 3);
  EXPECT_EQ(r.max_duration, absl::Milliseconds(900));
  EXPECT_EQ(r.attempt_timeout, absl::Milliseconds(200));
  EXPECT_EQ(r.backoff, BackoffKind::kExponential);
  EXPECT_EQ(r.backoff_base, absl::Milliseconds(5));
  EXPECT_EQ(r.backoff_max, absl::Milliseconds(80));
  EXPECT_DOUBLE_EQ(r.jitter, 0.1);
  EXPECT_EQ(r.retry_on, (std::vector<absl::StatusCode>{absl::StatusCode::kUnavailable,
                                                       absl::StatusCode::kAborted}));
  EXPECT_FALSE(r.idempotent);
  EXPECT_TRUE(r.retry_same_node);
  EXPECT_FALSE(r.chain_stop);
  EXPECT_EQ(r.backup_delay, absl::Milliseconds(15));
  EXPECT_DOUBLE_EQ(r.budget_ratio, 0.2);
  EXPECT_EQ(r.budget_window, absl::Seconds(5));
  EXPECT_EQ(r.budget_min_samples, 20);
  // A method's entry is `retry` with its own keys on top.
  ASSERT_EQ(o->method_retry.size(), 2u);
  const RetryPolicy& get = o->method_retry.at("get");
  EXPECT_TRUE(get.enabled);
  EXPECT_TRUE(get.idempotent);
  EXPECT_EQ(get.max_retries, 1);
  EXPECT_EQ(get.backup_delay, absl::Milliseconds(15));
  EXPECT_FALSE(o->method_retry.at("put").enabled);
  EXPECT_EQ(o->idempotent_methods, std::vector<std::string>{"list"});
  const BreakerOptions& b = o->breaker;
  EXPECT_TRUE(b.enabled);
  EXPECT_EQ(b.window, absl::Seconds(5));
  EXPECT_EQ(b.bucket, absl::Milliseconds(50));
  EXPECT_DOUBLE_EQ(b.error_rate, 0.3);
  EXPECT_EQ(b.min_samples, 100);
  EXPECT_EQ(b.consecutive_failures, 7);
  EXPECT_EQ(b.cooldown, absl::Seconds(2));
  EXPECT_EQ(b.probe_interval, absl::Milliseconds(100));
  EXPECT_EQ(b.successes_to_close, 3);
}

TEST(ClientOptions, GovernanceDefaultsAreOff) {
  absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml("service: S\n");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->retry.enabled);
  EXPECT_FALSE(o->breaker.enabled);
  EXPECT_TRUE(o->method_retry.empty());
}

TEST(ClientOptions, BadGovernanceValuesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"retry: {max_retries: 6}", "client.retry.max_retries"},
      {"retry: {backoff: sometimes}", "client.retry.backoff"},
      {"retry: {retry_on: [NOPE]}", "client.retry.retry_on"},
      {"retry: {jitter: 2}", "client.retry.jitter"},
      {"retry: {budget_window: 10ms}", "budget_window"},
      {"retry: {typo: 1}", "client.retry.typo: unknown key"},
      {"method_retry: {get: 3}", "client.method_retry.get: expected a mapping"},
      {"method_retry: {get: {max_retries: -1}}", "client.method_retry.get.max_retries"},
      {"breaker: {error_rate: 1.5}", "client.breaker.error_rate"},
      {"breaker: {window: 10ms}", "window"},
      {"breaker: [1]", "client.breaker: expected a mapping"},
  };
  for (const auto& [yaml, want] : cases) {
    absl::StatusOr<ClientOptions> o = ClientOptions::FromYaml(yaml);
    ASSERT_FALSE(o.ok()) << yaml;
    EXPECT_NE(o.status().message().find(want), std::string::npos) << yaml << ": " << o.status();
  }
}

}  // namespace
}  // namespace vireo
