// A real Prometheus server (Debian's /usr/bin/prometheus, or
// $VIREO_PROMETHEUS) scrapes a Vireo server's port every second; the test
// asks Prometheus's HTTP API until the call counter it scraped equals the
// number of calls made.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"

extern char** environ;

namespace vireo::servertest {
namespace {

// A free loopback port (free when asked: Prometheus may lose it to another
// process before it binds, so starts are retried on new ports).
uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// GET http://127.0.0.1:port<target>; the whole response, "" on failure.
std::string HttpGet(uint16_t port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  const std::string request =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[16384];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class PrometheusProcess {
 public:
  // Starts Prometheus scraping 127.0.0.1:`target` every second; nullptr
  // (and a message) when it does not come up.
  static std::unique_ptr<PrometheusProcess> Start(uint16_t target, std::string* error) {
    const char* env = std::getenv("VIREO_PROMETHEUS");
    const std::string binary = env != nullptr ? env : "/usr/bin/prometheus";
    if (::access(binary.c_str(), X_OK) != 0) {
      *error = binary + " is not installed (Debian package prometheus; scripts/setup.sh)";
      return nullptr;
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto p = std::unique_ptr<PrometheusProcess>(new PrometheusProcess());
      if (p->Spawn(binary, target, error)) return p;
    }
    return nullptr;
  }

  ~PrometheusProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  uint16_t port() const { return port_; }

  // The value of the instant query `query`'s first result; nullopt when
  // there is none yet.
  std::optional<double> Query(const std::string& query) const {
    std::string encoded;
    for (const char c : query) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        encoded += c;
      } else {
        encoded += absl::StrCat("%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
      }
    }
    const std::string response = HttpGet(port_, "/api/v1/query?query=" + encoded);
    // {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},
    // "value":[1700000000.123,"42"]}]}}
    const size_t value = response.find("\"value\":[");
    if (value == std::string::npos) return std::nullopt;
    const size_t quote = response.find(",\"", value);
    if (quote == std::string::npos) return std::nullopt;
    return std::strtod(response.c_str() + quote + 2, nullptr);
  }

  std::string LogTail() const {
    std::ifstream in(dir_ + "/prometheus.log");
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return log.size() > 2000 ? log.substr(log.size() - 2000) : log;
  }

 private:
  PrometheusProcess() {
    char tmpl[] = "/tmp/vireo-prometheus-XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    dir_ = made != nullptr ? made : "/tmp";
  }

  bool Spawn(const std::string& binary, uint16_t target, std::string* error) {
    port_ = FreePort();
    std::ofstream(dir_ + "/prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: vireo\n    scrape_interval: 1s\n"
        << "    scrape_timeout: 1s\n    static_configs:\n"
        << "      - targets: ['127.0.0.1:" << target << "']\n";
    const std::vector<std::string> args = {
        binary,
        "--config.file=" + dir_ + "/prometheus.yml",
        "--storage.tsdb.path=" + dir_ + "/data",
        absl::StrCat("--web.listen-address=127.0.0.1:", port_),
        "--log.level=warn",
    };
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = dir_ + "/prometheus.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      *error = "posix_spawn failed";
      return false;
    }
    // Ready once its readiness endpoint answers 200 (up to 30 s).
    for (int i = 0; i < 300; ++i) {
      if (HttpGet(port_, "/-/ready").rfind("HTTP/1.1 200", 0) == 0) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      ::usleep(100000);
    }
    *error = "prometheus did not come up: " + LogTail();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    return false;
  }

  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST(PrometheusScrape, TheScrapedCallCounterEqualsTheCallsMade) {
  TestService service{"PromScrapeService", ""};
  ServerOptions so;
  so.address = "127.0.0.1:0";
  so.num_loops = 1;
  Server server(so);
  server.AddService(&service);
  ASSERT_TRUE(server.Start().ok());

  std::string error;
  std::unique_ptr<PrometheusProcess> prometheus = PrometheusProcess::Start(server.port(), &error);
  ASSERT_NE(prometheus, nullptr) << error;

  ClientOptions co;
  co.service = "PromScrapeService";
  co.num_loops = 1;
  co.targets = {"127.0.0.1:" + std::to_string(server.port())};
  Client client(co);
  constexpr int kCalls = 37;
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(EchoThrough(client).ok());

  const std::string query =
      "vireo_server_handled_total{service=\"PromScrapeService\",method=\"echo\",code=\"OK\"}";
  std::optional<double> seen;
  for (int i = 0; i < kWaitSeconds * 10; ++i) {
    seen = prometheus->Query(query);
    if (seen == kCalls) break;
    ::usleep(100000);
  }
  ASSERT_EQ(seen, kCalls) << prometheus->LogTail();
  // The scrape's own health as Prometheus records it.
  EXPECT_EQ(prometheus->Query("up{job=\"vireo\"}"), 1);
}

}  // namespace
}  // namespace vireo::servertest
