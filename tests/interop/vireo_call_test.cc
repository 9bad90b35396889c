// vireo-call, the command-line client, run as a child process against real
// servers of rpc_interop.thrift:
// - Apache Thrift C++ (rpc_apache_server, TThreadedServer) over Framed,
//   Buffered and THeader, Binary and Compact, and multiplexed;
// - Apache Thrift Python (rpc_python_server.py, TThreadedServer) over
//   Framed, Buffered and THeader, Binary and Compact;
// - a Vireo server in this process over THeader and TTHeader.
// Each reply is checked as vireo-call prints it, with its exit code: a
// value (0), a declared exception (5), a TApplicationException (4), a
// refused or silent server (3), and what fails before sending (2).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
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
#include "rpc_interop_rpc.h"
#include "tests/interop/rpc_peer_process.h"
#include "vireo/core/server.h"

extern char** environ;

namespace vireo::interop_test {
namespace {

using ::interop::Color;
using ::interop::Item;
using ::interop::NotFound;
using ::interop::Point;

// ---- Running vireo-call ----

struct CallResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

void PrintTo(const CallResult& r, std::ostream* os) {
  *os << "exit " << r.exit_code << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A file in the test's temporary folder, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& content = "") {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/vireo_call_XXXXXX");
    const int fd = ::mkstemp(path_.data());
    if (fd >= 0) {
      size_t done = 0;
      while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      ::close(fd);
    }
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs vireo-call with `args`, `stdin_text` as its stdin, and files as its
// stdout and stderr (not terminals: one-line output), in this process's
// environment (a sanitizer's options reach it). Killed after a generous
// bound.
absl::StatusOr<CallResult> RunVireoCall(const std::vector<std::string>& args,
                                        const std::string& stdin_text = "") {
  TempFile in(stdin_text);
  TempFile out;
  TempFile err;
  std::vector<std::string> argv = {VIREO_CALL};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.path().c_str(), O_WRONLY | O_TRUNC,
                                   0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.path().c_str(), O_WRONLY | O_TRUNC,
                                   0);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, VIREO_CALL, &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat("cannot start ", VIREO_CALL));

  const absl::Time deadline = absl::Now() + kPeerRunTimeout;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return absl::InternalError("waitpid failed");
    if (absl::Now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return absl::DeadlineExceededError(
          absl::StrCat("vireo-call ", absl::StrJoin(args, " "), ": still running; killed"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  CallResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadAll(out.path());
  result.err = ReadAll(err.path());
  return result;
}

// `json` without whitespace outside strings, so that checks do not depend
// on the printer's spacing.
std::string Squeeze(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      out += c;
    }
  }
  return out;
}

// ---- The servers ----

// The generated Store answering as rpc_interop.thrift describes, except
// recorded(), which returns the call's request metadata as "key=value"
// strings (what `--meta` sent, as the server saw it), and mixed(), which
// fails.
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
  void record(CallContext& /*ctx*/, const std::string& /*s*/) override {}

  std::vector<std::string> recorded(CallContext& ctx) override {
    std::vector<std::string> out;
    for (const auto& [key, value] : ctx.request_metadata().strings()) {
      out.push_back(absl::StrCat(key, "=", value));
    }
    return out;
  }

  // Fails: with a status the server carries back by its code when `str`
  // is a code's name ("PERMISSION_DENIED"), else as a plain handler error.
  std::string mixed(CallContext& /*ctx*/, bool /*flag*/, int8_t /*b*/, int16_t /*s*/, int32_t /*i*/,
                    int64_t /*l*/, double /*d*/, const std::string& str,
                    const std::vector<int32_t>& /*nums*/, Color /*color*/,
                    const Point& /*point*/) override {
    throw std::runtime_error(str.empty() ? "boom" : absl::StrCat(str, ": not for you"));
  }
};

class VireoServer {
 public:
  VireoServer() : server_(Options()) { server_.AddService(&store_); }
  absl::Status Start() { return server_.Start(); }
  int port() const { return server_.port(); }

 private:
  static ServerOptions Options() {
    ServerOptions options;
    options.address = "127.0.0.1:0";
    options.num_loops = 1;
    return options;
  }

  StoreService store_;
  Server server_;
};

// A Python server on a free port, started as rpc_apache_server is.
absl::StatusOr<ApacheServer> StartPythonServer(const PeerWire& wire) {
  absl::Status last = absl::UnknownError("no attempt");
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    absl::StatusOr<PeerProcess> process = PeerProcess::Start(
        {RPC_PYTHON, VIREO_CALL_PYTHON_SERVER, "--port", std::to_string(*port), "--transport",
         wire.transport, "--protocol", wire.protocol},
        {absl::StrCat("PYTHONPATH=", RPC_PYTHON_PATH), "PYTHONDONTWRITEBYTECODE=1"});
    if (!process.ok()) return process.status();
    last = WaitForPort(*port, kPeerStartTimeout, &*process);
    if (last.ok()) return ApacheServer{std::move(*process), *port};
    if (last.code() != absl::StatusCode::kFailedPrecondition) return last;
  }
  return last;
}

// One server to call and how: "apache" (C++), "python" or "vireo"; for
// Vireo, wire.transport is the framing vireo-call uses ("theader" or
// "ttheader").
struct ServerCase {
  std::string server;
  PeerWire wire;
};

void PrintTo(const ServerCase& c, std::ostream* os) {
  *os << c.server << " ";
  PrintTo(c.wire, os);
}

std::string CaseName(const testing::TestParamInfo<ServerCase>& info) {
  const PeerWire& w = info.param.wire;
  return absl::StrCat(info.param.server, "_", w.transport, "_", w.protocol,
                      w.multiplexed ? "_multiplexed" : "");
}

class VireoCallTo : public testing::TestWithParam<ServerCase> {
 protected:
  void SetUp() override {
    const ServerCase& c = GetParam();
    if (c.server == "vireo") {
      vireo_.emplace();
      ASSERT_TRUE(vireo_->Start().ok());
      port_ = vireo_->port();
      return;
    }
    if (c.server == "python" && !PythonAvailable()) {
      GTEST_SKIP() << "/usr/bin/python3 with python3-thrift not found";
    }
    absl::StatusOr<ApacheServer> server =
        c.server == "python" ? StartPythonServer(c.wire) : StartApacheServer("threaded", c.wire);
    ASSERT_TRUE(server.ok()) << server.status();
    peer_.emplace(std::move(*server));
    port_ = peer_->port;
  }

  void TearDown() override {
    if (peer_) {
      EXPECT_TRUE(peer_->process.Running()) << "the server exited during the calls";
    }
  }

  // vireo-call's flags for this case's wire, and the server's address.
  std::vector<std::string> Flags() const {
    const PeerWire& w = GetParam().wire;
    std::string framing = w.transport == "header" ? "theader" : w.transport;
    std::vector<std::string> flags = {
        "--idl", VIREO_CALL_IDL, "--idl",    VIREO_CALL_EXTRA_IDL, "--framing",
        framing, "--protocol",   w.protocol, "--timeout=30s"};
    if (w.multiplexed) flags.push_back("--multiplexed");
    flags.push_back(absl::StrCat("127.0.0.1:", port_));
    return flags;
  }

  absl::StatusOr<CallResult> Call(const std::vector<std::string>& args,
                                  const std::string& stdin_text = "") const {
    std::vector<std::string> all = Flags();
    all.insert(all.end(), args.begin(), args.end());
    return RunVireoCall(all, stdin_text);
  }

  std::optional<VireoServer> vireo_;
  std::optional<ApacheServer> peer_;
  int port_ = 0;
};

TEST_P(VireoCallTo, PrintsTheReplyOfStructuredArguments) {
  // Containers of one element: their order on the wire is each server's.
  const std::string request = R"({"item": {
      "id": -1099511627776, "name": "interop-\u00e9t\u00e9", "tags": ["a", ""],
      "counts": {"x": -2}, "score": 2.25, "blob": "AAH/gA==",
      "path": [{"x": 1, "y": -1}, {"x": 1073741824, "y": 0}], "flags": [7], "color": 3}})";
  absl::StatusOr<CallResult> r = Call({"Store.echo", request});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_EQ(r->out.find('\n'), r->out.size() - 1) << "one line when stdout is not a terminal";
  const std::string out = Squeeze(r->out);
  for (const char* part :
       {R"("id":-1099511627776)", "\"name\":\"interop-\xc3\xa9t\xc3\xa9\"", R"("tags":["a",""])",
        R"("counts":{"x":-2})", R"("score":2.25)", R"("blob":"AAH/gA==")",
        R"("path":[{"x":1,"y":-1},{"x":1073741824,"y":0}])", R"("flags":[7])", R"("color":3)"}) {
    EXPECT_TRUE(absl::StrContains(out, part)) << part << " not in " << r->out;
  }
}

TEST_P(VireoCallTo, DeclaredExceptionExitsFiveWithItsTypeName) {
  absl::StatusOr<CallResult> r = Call({"Store.find", R"({"id": -3})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 5) << testing::PrintToString(*r);
  EXPECT_EQ(Squeeze(r->out),
            R"({"exception":"NotFound","value":{"reason":"no item -3","code":404}})")
      << r->out;
}

TEST_P(VireoCallTo, ReadsTheRequestFromAFileAndFromStdin) {
  // The C++ servers write the Item's unset fields too (empty, zero), the
  // Python one leaves them out: the checks stop after the fields set.
  TempFile file(R"({"id": 41})");
  absl::StatusOr<CallResult> r = Call({"Store.find", "@" + file.path()});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StartsWith(Squeeze(r->out), R"({"id":41,"name":"item-41")")) << r->out;

  r = Call({"Store.find", "-"}, R"({"id": 42})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StartsWith(Squeeze(r->out), R"({"id":42,"name":"item-42")")) << r->out;

  // No request: {} (ping takes no argument; void prints null).
  r = Call({"Store.ping"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_EQ(Squeeze(r->out), "null") << r->out;
}

TEST_P(VireoCallTo, MethodTheServerLacksExitsFourWithTApplicationException) {
  // StoreExtra.missing: declared in the extra IDL, served by no server.
  absl::StatusOr<CallResult> r = Call({"StoreExtra.missing", R"({"s": "x"})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "TApplicationException")) << r->err;
  EXPECT_TRUE(r->out.empty()) << r->out;
}

INSTANTIATE_TEST_SUITE_P(ApacheCpp, VireoCallTo,
                         testing::Values(ServerCase{"apache", {"framed", "binary", false}},
                                         ServerCase{"apache", {"framed", "compact", false}},
                                         ServerCase{"apache", {"buffered", "binary", false}},
                                         ServerCase{"apache", {"buffered", "compact", false}},
                                         ServerCase{"apache", {"header", "binary", false}},
                                         ServerCase{"apache", {"header", "compact", false}},
                                         ServerCase{"apache", {"framed", "binary", true}}),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(Python, VireoCallTo,
                         testing::Values(ServerCase{"python", {"framed", "binary", false}},
                                         ServerCase{"python", {"framed", "compact", false}},
                                         ServerCase{"python", {"buffered", "binary", false}},
                                         ServerCase{"python", {"buffered", "compact", false}},
                                         ServerCase{"python", {"header", "binary", false}},
                                         ServerCase{"python", {"header", "compact", false}}),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(Vireo, VireoCallTo,
                         testing::Values(ServerCase{"vireo", {"theader", "binary", false}},
                                         ServerCase{"vireo", {"theader", "compact", false}},
                                         ServerCase{"vireo", {"ttheader", "binary", false}},
                                         ServerCase{"vireo", {"ttheader", "compact", false}}),
                         CaseName);

// ---- Metadata, on the framings that carry it ----

class VireoCallMetadata : public testing::TestWithParam<std::string> {};

TEST_P(VireoCallMetadata, MetaReachesTheServer) {
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, "--framing", GetParam(), "--meta", "user=alice",
                    "--meta=trace-tag=a=b", "--timeout", "30s", "--service", "Store",
                    absl::StrCat("127.0.0.1:", server.port()), "recorded"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->out, R"("user=alice")")) << r->out;
  EXPECT_TRUE(absl::StrContains(r->out, R"("trace-tag=a=b")")) << r->out;
}

INSTANTIATE_TEST_SUITE_P(HeaderFramings, VireoCallMetadata, testing::Values("theader", "ttheader"));

TEST(VireoCall, OutputFlagsShapeTheJson) {
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  const std::string target = absl::StrCat("127.0.0.1:", server.port());
  absl::StatusOr<CallResult> r = RunVireoCall(
      {"--idl", VIREO_CALL_IDL, "--pretty", "--i64-as-string", "--enum-as-name", "--timeout=30s",
       target, "Store.echo", R"({"item": {"id": 9007199254740993, "color": "GREEN"}})"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StartsWith(r->out, "{\n  \"id\": \"9007199254740993\",\n")) << r->out;
  EXPECT_TRUE(absl::StrContains(r->out, "\n  \"color\": \"GREEN\"")) << r->out;

  // An exception, indented as a whole.
  r = RunVireoCall({"--idl", VIREO_CALL_IDL, "--pretty", "--timeout=30s", target, "Store.find",
                    R"({"id": -1})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 5) << testing::PrintToString(*r);
  EXPECT_EQ(r->out,
            "{\n  \"exception\": \"NotFound\",\n  \"value\": {\n    \"reason\": \"no item -1\",\n"
            "    \"code\": 404\n  }\n}\n");

  // A oneway call prints nothing and succeeds once sent.
  r = RunVireoCall(
      {"--idl", VIREO_CALL_IDL, "--timeout=30s", target, "Store.record", R"({"s": "x"})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
}

// ---- What fails before anything is sent, and servers that do not answer ----

// A port nothing listens on (free a moment ago).
int ClosedPort() {
  absl::StatusOr<int> port = PickFreePort();
  return port.ok() ? *port : 1;
}

TEST(VireoCall, UnknownMethodExitsTwoBeforeConnecting) {
  absl::StatusOr<CallResult> r = RunVireoCall(
      {"--idl", VIREO_CALL_IDL, absl::StrCat("127.0.0.1:", ClosedPort()), "Store.nosuch"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "nosuch")) << r->err;
  EXPECT_TRUE(r->out.empty()) << r->out;

  r = RunVireoCall(
      {"--idl", VIREO_CALL_IDL, absl::StrCat("127.0.0.1:", ClosedPort()), "Nowhere.echo"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "Nowhere")) << r->err;

  // Two services and none named.
  r = RunVireoCall({"--idl", VIREO_CALL_IDL, absl::StrCat("127.0.0.1:", ClosedPort()), "echo"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "--service")) << r->err;
}

TEST(VireoCall, MalformedRequestExitsTwoNamingTheProblem) {
  const std::string target = absl::StrCat("127.0.0.1:", ClosedPort());
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, target, "Store.find", R"({"id": )"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "request: malformed JSON")) << r->err;

  // Well-formed, but not what the IDL says: the path names the value.
  r = RunVireoCall(
      {"--idl", VIREO_CALL_IDL, target, "Store.echo", R"({"item": {"path": [{"x": "one"}]}})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "item.path[0].x")) << r->err;

  r = RunVireoCall({"--idl", VIREO_CALL_IDL, target, "Store.find", "@/nonexistent/request.json"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "/nonexistent/request.json")) << r->err;
}

TEST(VireoCall, BadFlagsAndIdlExitTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--idl", VIREO_CALL_IDL, "--framing", "http", "127.0.0.1:1", "Store.ping"},
           {"--idl", VIREO_CALL_IDL, "--timeout", "soon", "127.0.0.1:1", "Store.ping"},
           {"--idl", VIREO_CALL_IDL, "--meta", "novalue", "127.0.0.1:1", "Store.ping"},
           {"--idl", VIREO_CALL_IDL, "--bogus", "127.0.0.1:1", "Store.ping"},
           {"--idl", VIREO_CALL_IDL, "127.0.0.1:1"},
           {"127.0.0.1:1", "Store.ping"},
           {"--idl", "/nonexistent/store.thrift", "127.0.0.1:1", "Store.ping"},
       }) {
    absl::StatusOr<CallResult> r = RunVireoCall(args);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->exit_code, 2) << absl::StrJoin(args, " ") << "\n" << testing::PrintToString(*r);
    EXPECT_FALSE(r->err.empty()) << absl::StrJoin(args, " ");
  }
  absl::StatusOr<CallResult> r = RunVireoCall({"--help"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(absl::StrContains(r->out, "usage: vireo-call")) << r->out;
}

TEST(VireoCall, RefusedConnectionExitsThree) {
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, "--timeout", "30s",
                    absl::StrCat("127.0.0.1:", ClosedPort()), "Store.ping"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "UNAVAILABLE")) << r->err;
  EXPECT_TRUE(r->out.empty()) << r->out;
}

TEST(VireoCall, SilentServerExitsThreeAtTheTimeout) {
  // Listens (the kernel completes the handshake) and never reads.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, "--timeout", "300ms",
                    absl::StrCat("127.0.0.1:", ntohs(addr.sin_port)), "Store.ping"});
  ::close(fd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "DEADLINE_EXCEEDED")) << r->err;
}

TEST(VireoCall, HandlerFailureExitsFour) {
  VireoServer server;
  ASSERT_TRUE(server.Start().ok());
  const std::string target = absl::StrCat("127.0.0.1:", server.port());
  // A status carried back by its code (no TApplicationException named).
  absl::StatusOr<CallResult> r = RunVireoCall({"--idl", VIREO_CALL_IDL, "--timeout=30s", target,
                                               "Store.mixed", R"({"text": "PERMISSION_DENIED"})"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "PERMISSION_DENIED: ")) << r->err;
  EXPECT_TRUE(absl::StrContains(r->err, "not for you")) << r->err;

  r = RunVireoCall({"--idl", VIREO_CALL_IDL, "--timeout=30s", target, "Store.mixed"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << testing::PrintToString(*r);
  EXPECT_TRUE(absl::StrContains(r->err, "TApplicationException INTERNAL_ERROR")) << r->err;
  EXPECT_TRUE(absl::StrContains(r->err, "boom")) << r->err;
}

TEST(VireoCall, ReplyThatIsNotThriftExitsThree) {
  // Answers the first connection as an HTTP server would, and closes it.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::thread http([fd] {
    const int conn = ::accept(fd, nullptr, nullptr);
    if (conn < 0) return;
    char buf[256];
    (void)::recv(conn, buf, sizeof(buf), 0);
    constexpr char kAnswer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    (void)::send(conn, kAnswer, sizeof(kAnswer) - 1, MSG_NOSIGNAL);
    ::close(conn);
  });
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, "--framing", "framed", "--timeout", "30s",
                    absl::StrCat("127.0.0.1:", ntohs(addr.sin_port)), "Store.ping"});
  ::shutdown(fd, SHUT_RDWR);  // wakes the accept if the call never connected
  http.join();
  ::close(fd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 3) << testing::PrintToString(*r);
  EXPECT_FALSE(r->err.empty());
}

TEST(VireoCall, ListNamesServicesMethodsAndTypes) {
  absl::StatusOr<CallResult> r =
      RunVireoCall({"--idl", VIREO_CALL_IDL, "--idl=" VIREO_CALL_EXTRA_IDL, "--list"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << testing::PrintToString(*r);
  for (const char* part : {"Store", "echo", "find", "ping", "record", "mixed", "Item", "NotFound",
                           "Counter", "add", "StoreExtra", "missing"}) {
    EXPECT_TRUE(absl::StrContains(r->out, part)) << part << " not in\n" << r->out;
  }
}

}  // namespace
}  // namespace vireo::interop_test
