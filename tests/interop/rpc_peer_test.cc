// The peers of the RPC interoperability tests against each other: Apache's
// C++ client and Python client call Apache's C++ servers. Every check that
// rpc_interop_test makes against Vireo passes here between Apache's own
// programs first, so a failure there is Vireo's, not a peer's.
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/interop/rpc_peer_process.h"

namespace vireo::interop_test {
namespace {

struct ServerCase {
  std::string server;  // threaded | nonblocking
  PeerWire wire;
  // The client's framing when it differs from the server's. Default: same.
  std::string client_transport;
};

void PrintTo(const ServerCase& c, std::ostream* os) {
  *os << c.server << " server, ";
  PrintTo(c.wire, os);
  if (!c.client_transport.empty()) *os << ", " << c.client_transport << " client";
}

std::string CaseName(const testing::TestParamInfo<ServerCase>& info) {
  const ServerCase& c = info.param;
  return c.server + "_" + c.wire.transport + "_" + c.wire.protocol +
         (c.wire.multiplexed ? "_multiplexed" : "") +
         (c.client_transport.empty() ? "" : "_" + c.client_transport + "_client");
}

class ApacheClientToApacheServer : public testing::TestWithParam<ServerCase> {};

TEST_P(ApacheClientToApacheServer, EveryCheckPasses) {
  const ServerCase& c = GetParam();
  absl::StatusOr<ApacheServer> server = StartApacheServer(c.server, c.wire);
  ASSERT_TRUE(server.ok()) << server.status();
  PeerWire client_wire = c.wire;
  if (!c.client_transport.empty()) client_wire.transport = c.client_transport;
  absl::StatusOr<int> client = RunApacheClient(server->port, client_wire);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, 0) << "rpc_apache_client failed (its stderr says which check)";
  EXPECT_TRUE(server->process.Running()) << "rpc_apache_server exited during the calls";
}

INSTANTIATE_TEST_SUITE_P(Threaded, ApacheClientToApacheServer,
                         testing::Values(ServerCase{"threaded", {"framed", "binary", false}},
                                         ServerCase{"threaded", {"framed", "compact", false}},
                                         ServerCase{"threaded", {"buffered", "binary", false}},
                                         ServerCase{"threaded", {"buffered", "compact", false}},
                                         ServerCase{"threaded", {"header", "binary", false}},
                                         ServerCase{"threaded", {"header", "compact", false}},
                                         ServerCase{"threaded", {"framed", "binary", true}},
                                         ServerCase{"threaded", {"header", "binary", true}}),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(Nonblocking, ApacheClientToApacheServer,
                         testing::Values(ServerCase{"nonblocking", {"framed", "binary", false}},
                                         ServerCase{"nonblocking", {"framed", "compact", false}},
                                         ServerCase{"nonblocking", {"header", "binary", false}},
                                         ServerCase{"nonblocking", {"header", "compact", false}},
                                         ServerCase{"nonblocking", {"framed", "binary", true}}),
                         CaseName);

// A header server also answers framed (and, threaded, unframed) clients in
// kind.
INSTANTIATE_TEST_SUITE_P(
    HeaderServer, ApacheClientToApacheServer,
    testing::Values(ServerCase{"threaded", {"header", "binary", false}, "framed"},
                    ServerCase{"threaded", {"header", "compact", false}, "buffered"},
                    ServerCase{"nonblocking", {"header", "binary", false}, "framed"}),
    CaseName);

TEST(ApacheServer, NonblockingRefusesBuffered) {
  absl::StatusOr<int> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status();
  absl::StatusOr<PeerProcess> server =
      PeerProcess::Start({RPC_APACHE_SERVER, "--port", std::to_string(*port), "--server",
                          "nonblocking", "--transport", "buffered"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<int> code = server->Wait(kPeerRunTimeout);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 2);
}

// Apache's THeaderTransport::close() flushes a frame with no message; the
// threaded server skips it and goes on serving the connection. (The
// nonblocking server closes the connection instead, silently.)
TEST(ApacheServer, ThreadedIgnoresEmptyTHeaderFrame) {
  absl::StatusOr<ApacheServer> server = StartApacheServer("threaded", {"header", "binary", false});
  ASSERT_TRUE(server.ok()) << server.status();
  const absl::Status s = PingAfterEmptyTHeaderFrame(server->port);
  EXPECT_TRUE(s.ok()) << s;
}

class PythonClientToApacheServer : public testing::TestWithParam<PythonCase> {};

TEST_P(PythonClientToApacheServer, EveryCheckPasses) {
  if (!PythonAvailable()) GTEST_SKIP() << "/usr/bin/python3 with python3-thrift not found";
  const PythonCase& c = GetParam();
  absl::StatusOr<ApacheServer> server = StartApacheServer("threaded", c.wire);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<int> client = RunPythonClient(server->port, c.wire, c.zlib);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, 0) << "rpc_python_client.py failed (its stderr says which check)";
  EXPECT_TRUE(server->process.Running()) << "rpc_apache_server exited during the calls";
}

// No zlib here: Apache's threaded THeader server crashes on the zlib frames
// of Apache's Python client (rpc_interop_test sends them to Vireo).
INSTANTIATE_TEST_SUITE_P(Header, PythonClientToApacheServer,
                         testing::Values(PythonCase{{"header", "binary", false}},
                                         PythonCase{{"header", "compact", false}},
                                         PythonCase{{"header", "binary", true}}),
                         [](const testing::TestParamInfo<PythonCase>& info) {
                           return info.param.wire.protocol +
                                  (info.param.wire.multiplexed ? "_multiplexed" : "") +
                                  (info.param.zlib ? "_zlib" : "");
                         });

}  // namespace
}  // namespace vireo::interop_test
