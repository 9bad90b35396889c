#include "vireo/core/server_options.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/time/time.h"

namespace vireo {
namespace {

TEST(ServerOptions, DefaultsWhenEmpty) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml("");
  ASSERT_TRUE(o.ok()) << o.status();
  const ServerOptions d;
  EXPECT_EQ(o->address, d.address);
  EXPECT_EQ(o->address, "0.0.0.0:8888");
  EXPECT_EQ(o->num_loops, 0);
  EXPECT_EQ(o->worker_threads, 0);
  EXPECT_EQ(o->idle_timeout, absl::ZeroDuration());
  EXPECT_EQ(o->read_timeout, absl::Seconds(30));
  EXPECT_EQ(o->max_pending_output, size_t{64} << 20);
  EXPECT_EQ(o->max_connections, 0u);
  EXPECT_EQ(o->max_calls_per_connection, 1024u);
  EXPECT_EQ(o->shutdown_grace, absl::Seconds(5));
  EXPECT_EQ(o->limits.max_frame_size, d.limits.max_frame_size);
}

TEST(ServerOptions, FullFileParses) {
  const std::string path = ::testing::TempDir() + "/server_options_test.yaml";
  {
    std::ofstream f(path);
    f << "address: \"127.0.0.1:9090\"\n"
         "num_loops: 3\n"
         "busy_poll: 50us\n"
         "io_uring: true\n"
         "worker_threads: 16\n"
         "idle_timeout: 90s\n"
         "read_timeout: 2500ms\n"
         "max_pending_output: 1048576\n"
         "max_connections: 1000\n"
         "max_calls_per_connection: 16\n"
         "shutdown_grace: 500ms\n"
         "limits:\n"
         "  max_frame_size: 1048576\n"
         "  max_string_size: 65536\n"
         "  max_container_size: 1000\n"
         "  max_depth: 16\n"
         "  max_inflated_size: 2097152\n";
  }
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYamlFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->address, "127.0.0.1:9090");
  EXPECT_EQ(o->num_loops, 3);
  EXPECT_EQ(o->busy_poll, absl::Microseconds(50));
  EXPECT_TRUE(o->io_uring);
  EXPECT_EQ(o->worker_threads, 16);
  EXPECT_EQ(o->idle_timeout, absl::Seconds(90));
  EXPECT_EQ(o->read_timeout, absl::Milliseconds(2500));
  EXPECT_EQ(o->max_pending_output, 1048576u);
  EXPECT_EQ(o->max_connections, 1000u);
  EXPECT_EQ(o->max_calls_per_connection, 16u);
  EXPECT_EQ(o->shutdown_grace, absl::Milliseconds(500));
  EXPECT_EQ(o->limits.max_frame_size, 1048576u);
  EXPECT_EQ(o->limits.max_string_size, 65536u);
  EXPECT_EQ(o->limits.max_container_size, 1000u);
  EXPECT_EQ(o->limits.max_depth, 16u);
  EXPECT_EQ(o->limits.max_inflated_size, 2097152u);
}

TEST(ServerOptions, UnknownKeyIsNamed) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml("num_loops: 2\nnum_loop: 3\n");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("num_loop: unknown key"), absl::string_view::npos)
      << o.status();
}

TEST(ServerOptions, UnknownLimitKeyIsNamed) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml("limits:\n  max_frames: 3\n");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("server.limits.max_frames"), absl::string_view::npos)
      << o.status();
}

TEST(ServerOptions, BadValuesNameKeyAndValue) {
  struct Case {
    const char* yaml;
    const char* key;
    const char* value;
  };
  const Case cases[] = {
      {"idle_timeout: soon\n", "idle_timeout", "soon"},
      {"read_timeout: -1s\n", "read_timeout", "-1s"},
      {"max_pending_output: -5\n", "max_pending_output", "-5"},
      {"shutdown_grace: 5 parsecs\n", "shutdown_grace", "5 parsecs"},
      {"num_loops: many\n", "num_loops", "many"},
      {"busy_poll: 11ms\n", "busy_poll", "between 0 and 10ms"},
      {"busy_poll: -1us\n", "busy_poll", "-1us"},
      {"worker_threads: -1\n", "worker_threads", "-1"},
      {"max_connections: 1.5\n", "max_connections", "1.5"},
      {"max_calls_per_connection: -1\n", "max_calls_per_connection", "-1"},
      {"limits:\n  max_depth: deep\n", "max_depth", "deep"},
      {"address: \"localhost\"\n", "address", "localhost"},
      {"address: \"1.2.3.4:99999\"\n", "address", "1.2.3.4:99999"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ServerOptions> o = ServerOptions::FromYaml(c.yaml);
    ASSERT_FALSE(o.ok()) << c.yaml;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_NE(o.status().message().find(c.key), absl::string_view::npos) << o.status();
    EXPECT_NE(o.status().message().find(c.value), absl::string_view::npos) << o.status();
  }
}

TEST(ServerOptions, ZeroTurnsTheInputBoundsOff) {
  absl::StatusOr<ServerOptions> o =
      ServerOptions::FromYaml("read_timeout: 0\nmax_pending_output: 0\n");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->read_timeout, absl::ZeroDuration());
  EXPECT_EQ(o->max_pending_output, 0u);
}

TEST(ServerOptions, MissingFileIsNamed) {
  absl::StatusOr<ServerOptions> o = ServerOptions::FromYamlFile("/nonexistent/server.yaml");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("/nonexistent/server.yaml"), absl::string_view::npos);
}

TEST(ServerOptions, NotAMappingIsAnError) {
  EXPECT_FALSE(ServerOptions::FromYaml("- a\n- b\n").ok());
  EXPECT_FALSE(ServerOptions::FromYaml("address: [\n").ok());
}

}  // namespace
}  // namespace vireo
