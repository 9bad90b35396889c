// EtcdClient against bytes that etcd would not send: a fake HTTP server on
// loopback answers each request with a canned response. This tests the
// client's HTTP and JSON reading, its limits, timeouts and Shutdown; it
// stands in for nothing (etcd_client_test.cc talks to a real etcd).
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/core/discovery/etcd_client.h"
#include "vireo/transport/mutex.h"

namespace vireo::etcd {
namespace {

using ::testing::HasSubstr;

// A status's message as a std::string (gmock prints this abseil's
// string_view as an array of chars).
std::string Msg(const absl::Status& status) { return std::string(status.message()); }

// Every wait gives up after this long: far beyond what a loaded machine
// needs, so reaching it means a bug.
constexpr absl::Duration kWait = absl::Seconds(30);

// Listens on 127.0.0.1 and answers every request (headers and a
// Content-Length body, read whole) with `response`; then closes the
// connection (kClose), keeps it open without another byte (kHoldOpen), or
// never answers at all (kSilent) until the server is destroyed.
class FakeServer {
 public:
  enum class Mode { kClose, kHoldOpen, kSilent };

  explicit FakeServer(std::string response, Mode mode = Mode::kClose)
      : response_(std::move(response)), mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    EXPECT_EQ(::listen(listen_fd_, 16), 0);
    port_ = ntohs(addr.sin_port);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    const uint64_t one = 1;
    EXPECT_EQ(::write(stop_fd_, &one, sizeof(one)), 8);
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_fd_);
  }

  std::string endpoint() const { return absl::StrCat("127.0.0.1:", port_); }

  // Waits until `n` requests arrived; false after kWait.
  bool WaitForRequests(int n) {
    const absl::Time deadline = absl::Now() + kWait;
    transport::MutexLock lock(mu_);
    while (requests_ < n) {
      if (cv_.WaitUntil(mu_, deadline)) return requests_ >= n;
    }
    return true;
  }
  std::string last_request() {
    transport::MutexLock lock(mu_);
    return last_request_;
  }

 private:
  // Waits for `fd` to be readable; false when the server stops or after
  // `timeout_ms`.
  bool WaitReadable(int fd, int timeout_ms) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    const int rc = ::poll(fds, 2, timeout_ms);
    return rc > 0 && fds[1].revents == 0;
  }

  // The request's head and body, or empty when the client went away.
  std::string ReadRequest(int fd) {
    std::string in;
    char buf[4096];
    for (;;) {
      const size_t head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length = 0;
        const size_t cl = in.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) {
          std::sscanf(in.c_str() + cl + 16, "%zu", &length);
        }
        if (in.size() >= head_end + 4 + length) return in;
      }
      if (!WaitReadable(fd, -1)) return "";
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return "";
      in.append(buf, static_cast<size_t>(n));
    }
  }

  void Serve() {
    std::vector<int> held;
    while (WaitReadable(listen_fd_, -1)) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const std::string request = ReadRequest(fd);
      {
        transport::MutexLock lock(mu_);
        ++requests_;
        last_request_ = request;
        cv_.NotifyAll();
      }
      if (mode_ == Mode::kSilent) {
        held.push_back(fd);
        continue;
      }
      size_t sent = 0;
      while (sent < response_.size()) {
        const ssize_t n =
            ::send(fd, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the client gave up reading (a limit it enforces)
        sent += static_cast<size_t>(n);
      }
      if (mode_ == Mode::kHoldOpen) {
        held.push_back(fd);
        continue;
      }
      // Closing with unread input would reset the connection under the
      // client's last read: half-close, then wait for the client to close.
      ::shutdown(fd, SHUT_WR);
      char buf[4096];
      while (WaitReadable(fd, 5000) && ::recv(fd, buf, sizeof(buf), 0) > 0) {
      }
      ::close(fd);
    }
    for (const int fd : held) ::close(fd);
  }

  const std::string response_;
  const Mode mode_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  uint16_t port_ = 0;
  transport::Mutex mu_;
  transport::CondVar cv_;
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_request_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// A listener whose accept queue is full, so that a connect to it hangs.
class FullListener {
 public:
  FullListener() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    EXPECT_EQ(::listen(listen_fd_, 0), 0);
    port_ = ntohs(addr.sin_port);
    // Connect until one does not complete: the queue is full from then on.
    for (int i = 0; i < 16; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      fillers_.push_back(fd);
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      pollfd p = {fd, POLLOUT, 0};
      if (::poll(&p, 1, 200) == 0) {
        full_ = true;
        break;
      }
    }
  }
  ~FullListener() {
    for (const int fd : fillers_) ::close(fd);
    ::close(listen_fd_);
  }
  bool full() const { return full_; }
  std::string endpoint() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  bool full_ = false;
  std::vector<int> fillers_;
};

std::string DeadEndpoint() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
}

std::unique_ptr<EtcdClient> NewClient(const std::string& endpoint, EtcdClientOptions options = {}) {
  options.endpoints = {endpoint};
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

// An HTTP/1.1 response with a Content-Length body.
std::string Response(const std::string& status, const std::string& body) {
  return absl::StrCat("HTTP/1.1 ", status,
                      "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
                      "\r\n\r\n", body);
}

// The head of a chunked response; append Chunk()s, then kLastChunk.
std::string ChunkedHead(const std::string& status = "200 OK") {
  return absl::StrCat("HTTP/1.1 ", status,
                      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
}
std::string Chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx", data.size());
  return absl::StrCat(size, "\r\n", data, "\r\n");
}
constexpr char kLastChunk[] = "0\r\n\r\n";

// What Get returns from a server answering `response`.
absl::Status GetFrom(const std::string& response, EtcdClientOptions options = {}) {
  FakeServer server(response);
  std::unique_ptr<EtcdClient> client = NewClient(server.endpoint(), options);
  if (client == nullptr) return absl::InternalError("no client");
  return client->Get("k").status();
}

// What WatchPrefix returns from a server streaming `response` (held open
// after it), with the batches it delivered.
absl::Status WatchFrom(const std::string& response, std::vector<WatchBatch>* batches = nullptr,
                       EtcdClientOptions options = {},
                       FakeServer::Mode mode = FakeServer::Mode::kHoldOpen) {
  FakeServer server(response, mode);
  std::unique_ptr<EtcdClient> client = NewClient(server.endpoint(), options);
  if (client == nullptr) return absl::InternalError("no client");
  return client->WatchPrefix("/p/", 0, [batches](const WatchBatch& batch) {
    if (batches != nullptr) batches->push_back(batch);
  });
}

constexpr char kCreated[] =
    R"({"result":{"header":{"cluster_id":"1","member_id":"2","revision":"9","raft_term":"2"},"created":true}})"
    "\n";

TEST(EtcdClientBadInput, CreateRejectsBadOptions) {
  EXPECT_TRUE(absl::IsInvalidArgument(EtcdClient::Create({}).status()));
  for (const char* endpoint :
       {"", "host", "host:", ":2379", "host:0", "host:65536", "host:12ab", "https://host:2379",
        "unix://sock:1", "host:2379/v3", "::1:2379", "[::1]", "[::1]2379", "[]:2379"}) {
    EtcdClientOptions options;
    options.endpoints = {"127.0.0.1:2379", endpoint};
    const absl::Status status = EtcdClient::Create(options).status();
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << endpoint << ": " << status;
    EXPECT_THAT(Msg(status), HasSubstr(absl::StrCat("'", endpoint, "'")));
  }
  for (const char* endpoint : {"127.0.0.1:2379", "http://127.0.0.1:2379", "HTTP://host:1/",
                               "[::1]:2379", "http://[::1]:2379/", "localhost:65535"}) {
    EtcdClientOptions options;
    options.endpoints = {endpoint};
    EXPECT_TRUE(EtcdClient::Create(options).ok()) << endpoint;
  }
  EtcdClientOptions options;
  options.endpoints = {"127.0.0.1:2379"};
  options.request_timeout = absl::ZeroDuration();
  EXPECT_TRUE(absl::IsInvalidArgument(EtcdClient::Create(options).status()));
  options.request_timeout = absl::Seconds(1);
  options.connect_timeout = -absl::Seconds(1);
  EXPECT_TRUE(absl::IsInvalidArgument(EtcdClient::Create(options).status()));
  options.connect_timeout = absl::Seconds(1);
  options.max_watch_message_bytes = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(EtcdClient::Create(options).status()));
}

TEST(EtcdClientBadInput, GarbageStatusLine) {
  for (const std::string response :
       {"garbage\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n", "\x16\x03\x01\x02\x05\x01\r\n\r\n"}) {
    const absl::Status status = GetFrom(response);
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("malformed HTTP status line"));
  }
  const absl::Status bad_header = GetFrom("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n{}");
  EXPECT_TRUE(absl::IsDataLoss(bad_header)) << bad_header;
  const absl::Status bad_length = GetFrom("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}");
  EXPECT_TRUE(absl::IsDataLoss(bad_length)) << bad_length;
  const absl::Status two_lengths =
      GetFrom("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
  EXPECT_TRUE(absl::IsDataLoss(two_lengths)) << two_lengths;
  const absl::Status gzip = GetFrom("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}");
  EXPECT_TRUE(absl::IsDataLoss(gzip)) << gzip;
}

TEST(EtcdClientBadInput, HeaderOverMaxHeaderBytes) {
  // One endless header line, against the default limit (64 KiB).
  const absl::Status long_line = GetFrom(
      absl::StrCat("HTTP/1.1 200 OK\r\nX-Big: ", std::string(100 << 10, 'a'), "\r\n\r\n{}"));
  EXPECT_TRUE(absl::IsResourceExhausted(long_line)) << long_line;
  EXPECT_THAT(Msg(long_line), HasSubstr("max_header_bytes (65536 bytes)"));
  // Many short lines, against a set limit.
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 100; ++i) absl::StrAppend(&many, "X-H", i, ": value\r\n");
  absl::StrAppend(&many, "Content-Length: 2\r\n\r\n{}");
  EtcdClientOptions options;
  options.max_header_bytes = 1024;
  const absl::Status many_lines = GetFrom(many, options);
  EXPECT_TRUE(absl::IsResourceExhausted(many_lines)) << many_lines;
  EXPECT_THAT(Msg(many_lines), HasSubstr("max_header_bytes (1024 bytes)"));
  // The same response passes under the default limit.
  EXPECT_TRUE(GetFrom(many).ok());
  // A chunked body's trailer counts against the same limit.
  const absl::Status trailer =
      GetFrom(absl::StrCat(ChunkedHead(), Chunk("{}"), "0\r\nX-Trailer: ", std::string(2000, 't'),
                           "\r\n\r\n"),
              options);
  EXPECT_TRUE(absl::IsResourceExhausted(trailer)) << trailer;
  EXPECT_THAT(Msg(trailer), HasSubstr("chunked trailer exceeds max_header_bytes (1024 bytes)"));
}

TEST(EtcdClientBadInput, BodyOverMaxResponseBytes) {
  EtcdClientOptions options;
  options.max_response_bytes = 1024;
  const std::string big = absl::StrCat(R"({"x":")", std::string(2000, 'a'), R"("})");
  const absl::Status by_length = GetFrom(Response("200 OK", big), options);
  EXPECT_TRUE(absl::IsResourceExhausted(by_length)) << by_length;
  EXPECT_THAT(Msg(by_length), HasSubstr("max_response_bytes (1024 bytes)"));
  EXPECT_THAT(Msg(by_length), HasSubstr("Content-Length"));

  std::string chunked = ChunkedHead();
  for (size_t i = 0; i < big.size(); i += 300) chunked += Chunk(big.substr(i, 300));
  chunked += kLastChunk;
  const absl::Status by_chunks = GetFrom(chunked, options);
  EXPECT_TRUE(absl::IsResourceExhausted(by_chunks)) << by_chunks;
  EXPECT_THAT(Msg(by_chunks), HasSubstr("max_response_bytes (1024 bytes)"));

  // Until the connection closes, without a length.
  const absl::Status by_close = GetFrom(absl::StrCat("HTTP/1.1 200 OK\r\n\r\n", big), options);
  EXPECT_TRUE(absl::IsResourceExhausted(by_close)) << by_close;

  // A body at the limit is fine.
  const std::string fits = absl::StrCat(R"({"x":")", std::string(1024 - 8, 'a'), R"("})");
  ASSERT_EQ(fits.size(), 1024u);
  EXPECT_TRUE(GetFrom(Response("200 OK", fits), options).ok());
}

TEST(EtcdClientBadInput, BadChunks) {
  for (const std::string& chunk : std::vector<std::string>{
           "zz\r\n{}\r\n", "-2\r\n{}\r\n", "\r\n{}\r\n", "1ffffffffffffffff\r\n{}\r\n",
           absl::StrCat(std::string(2000, '1'), "\r\n")}) {
    const absl::Status status = GetFrom(absl::StrCat(ChunkedHead(), chunk, kLastChunk));
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("chunk size"));
  }
  // More data than the chunk size said.
  const absl::Status longer = GetFrom(absl::StrCat(ChunkedHead(), "1\r\n{}\r\n", kLastChunk));
  EXPECT_TRUE(absl::IsDataLoss(longer)) << longer;
  EXPECT_THAT(Msg(longer), HasSubstr("chunk data longer than its size"));
  // Chunk extensions and a trailer are fine (etcd sends trailers).
  EXPECT_TRUE(GetFrom(absl::StrCat(ChunkedHead(), "2;name=value\r\n{}\r\n",
                                   "0\r\nGrpc-Trailer-Content-Type: application/grpc\r\n\r\n"))
                  .ok());
}

TEST(EtcdClientBadInput, InvalidJson) {
  for (const std::string body : {"", "{", "{\"kvs\":[}", "not json", "{}{}", "{\"a\":1} x"}) {
    const absl::Status status = GetFrom(Response("200 OK", body));
    EXPECT_TRUE(absl::IsDataLoss(status)) << body << ": " << status;
    EXPECT_THAT(Msg(status), HasSubstr("not valid JSON"));
  }
  const absl::Status array = GetFrom(Response("200 OK", "[1,2]"));
  EXPECT_TRUE(absl::IsDataLoss(array)) << array;
  EXPECT_THAT(Msg(array), HasSubstr("not an object"));
  // Nesting that would take a recursive parser deep.
  const std::string deep =
      absl::StrCat("{\"a\":", std::string(100000, '['), std::string(100000, ']'), "}");
  const absl::Status nested = GetFrom(Response("200 OK", deep));
  EXPECT_TRUE(absl::IsDataLoss(nested)) << nested;
  EXPECT_THAT(Msg(nested), HasSubstr("nests deeper"));
}

TEST(EtcdClientBadInput, JsonOfWrongTypes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"kvs":5})", "'kvs': expected an array, got number"},
      {R"({"kvs":[5]})", "'kvs[0]': expected an object"},
      {R"({"kvs":[{"key":"%%%"}]})", "'kvs[0].key': not base64"},
      {R"({"kvs":[{"key":5}]})", "'kvs[0].key': expected a base64 string"},
      {R"({"kvs":[{"key":"YQ==","value":[]}]})", "'kvs[0].value'"},
      {R"({"kvs":[{"key":"YQ==","mod_revision":"12x"}]})", "'kvs[0].mod_revision': not an int64"},
      {R"({"kvs":[{"key":"YQ==","lease":"99999999999999999999"}]})", "'kvs[0].lease'"},
      {R"({"kvs":[{"key":"YQ==","lease":1.5}]})", "'kvs[0].lease'"},
      {R"({"header":{"revision":true}})", "'header.revision'"},
      {R"({"header":[]})", "'header': expected an object"},
  };
  for (const auto& [body, expected] : cases) {
    const absl::Status status = GetFrom(Response("200 OK", body));
    EXPECT_TRUE(absl::IsDataLoss(status)) << body << ": " << status;
    EXPECT_THAT(Msg(status), HasSubstr(expected)) << body;
  }
  // The other calls check theirs too.
  {
    FakeServer server(Response("200 OK", R"({"ID":"abc"})"));
    const absl::Status status = NewClient(server.endpoint())->LeaseGrant(absl::Seconds(1)).status();
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("'ID'"));
  }
  {
    FakeServer server(Response("200 OK", R"({"TTL":"5"})"));
    const absl::Status status = NewClient(server.endpoint())->LeaseGrant(absl::Seconds(1)).status();
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("without a lease ID"));
  }
  for (const std::string body :
       {R"({"result":{"TTL":{}}})", R"({"result":5})", R"({"other":1})", R"(["x"])", ""}) {
    FakeServer server(absl::StrCat(ChunkedHead(), Chunk(body), kLastChunk));
    const absl::Status status = NewClient(server.endpoint())->LeaseKeepAlive(7).status();
    EXPECT_TRUE(absl::IsDataLoss(status)) << body << ": " << status;
  }
  {
    FakeServer server(Response("200 OK", "{"));
    const absl::Status status = NewClient(server.endpoint())->Put("k", "v");
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("/v3/kv/put"));
  }
  // A keep-alive for a lease that is gone: a result without TTL.
  {
    FakeServer server(absl::StrCat(ChunkedHead(),
                                   Chunk(R"({"result":{"ID":"7"}})"
                                         "\n"),
                                   kLastChunk));
    const absl::Status status = NewClient(server.endpoint())->LeaseKeepAlive(7).status();
    EXPECT_TRUE(absl::IsNotFound(status)) << status;
  }
}

TEST(EtcdClientBadInput, HttpErrorStatusCarriesEtcdsMessage) {
  const absl::Status unavailable = GetFrom(Response(
      "500 Internal Server Error",
      R"({"error":"etcdserver: request timed out","code":14,"message":"etcdserver: request timed out"})"));
  EXPECT_TRUE(absl::IsUnavailable(unavailable)) << unavailable;
  EXPECT_THAT(Msg(unavailable), HasSubstr("HTTP 500"));
  EXPECT_THAT(Msg(unavailable), HasSubstr("etcdserver: request timed out"));
  // As etcd answers a revoke of an unknown lease: chunked, with a trailer.
  {
    FakeServer server(absl::StrCat(
        ChunkedHead("404 Not Found"),
        Chunk(
            R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})"),
        "0\r\nGrpc-Trailer-Content-Type: application/grpc\r\n\r\n"));
    const absl::Status status = NewClient(server.endpoint())->LeaseRevoke(5);
    EXPECT_TRUE(absl::IsNotFound(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("requested lease not found"));
  }
  // Not etcd's JSON: the code follows the HTTP status, the body is quoted.
  const absl::Status proxy = GetFrom(Response("502 Bad Gateway", "<html>upstream down</html>"));
  EXPECT_TRUE(absl::IsUnavailable(proxy)) << proxy;
  EXPECT_THAT(Msg(proxy), HasSubstr("upstream down"));
  const absl::Status teapot = GetFrom(Response("418 I'm a teapot", ""));
  EXPECT_FALSE(teapot.ok());
  EXPECT_THAT(Msg(teapot), HasSubstr("HTTP 418"));
}

TEST(EtcdClientBadInput, ConnectionClosedEarly) {
  const absl::Status mid_body = GetFrom("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"kvs\":[");
  EXPECT_TRUE(absl::IsUnavailable(mid_body)) << mid_body;
  EXPECT_THAT(Msg(mid_body), HasSubstr("closed mid-body, after 8 of 100 bytes"));
  const absl::Status mid_chunk = GetFrom(absl::StrCat(ChunkedHead(), "40\r\n{\"kvs\":["));
  EXPECT_TRUE(absl::IsUnavailable(mid_chunk)) << mid_chunk;
  EXPECT_THAT(Msg(mid_chunk), HasSubstr("closed mid-chunk"));
  const absl::Status before_last_chunk = GetFrom(absl::StrCat(ChunkedHead(), Chunk("{}")));
  EXPECT_TRUE(absl::IsUnavailable(before_last_chunk)) << before_last_chunk;
  const absl::Status mid_header = GetFrom("HTTP/1.1 200 OK\r\nContent-Le");
  EXPECT_TRUE(absl::IsUnavailable(mid_header)) << mid_header;
  const absl::Status nothing = GetFrom("");
  EXPECT_TRUE(absl::IsUnavailable(nothing)) << nothing;
  EXPECT_THAT(Msg(nothing), HasSubstr("connection closed while waiting for the response"));
}

TEST(EtcdClientBadInput, SilentServerTimesOut) {
  FakeServer server("", FakeServer::Mode::kSilent);
  EtcdClientOptions options;
  options.request_timeout = absl::Milliseconds(200);
  std::unique_ptr<EtcdClient> client = NewClient(server.endpoint(), options);
  const absl::Status status = client->Get("k").status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(status)) << status;
  EXPECT_THAT(Msg(status), HasSubstr("request_timeout 200ms"));
  EXPECT_THAT(Msg(status), HasSubstr(server.endpoint()));
  // The request reached the server, as etcd's gateway expects it.
  const std::string request = server.last_request();
  EXPECT_THAT(request, HasSubstr("POST /v3/kv/range HTTP/1.1\r\n"));
  EXPECT_THAT(request, HasSubstr("\r\n\r\n{\"key\":\"aw==\"}"));
  // A watch waits for its response header as long, no longer.
  const absl::Status watch = client->WatchPrefix("/p/", 0, [](const WatchBatch&) {});
  EXPECT_TRUE(absl::IsDeadlineExceeded(watch)) << watch;
}

TEST(EtcdClientBadInput, ConnectTimesOut) {
  FullListener listener;
  ASSERT_TRUE(listener.full());
  EtcdClientOptions options;
  options.connect_timeout = absl::Milliseconds(200);
  std::unique_ptr<EtcdClient> client = NewClient(listener.endpoint(), options);
  const absl::Status status = client->Get("k").status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(Msg(status), HasSubstr(listener.endpoint()));
  EXPECT_THAT(Msg(status), HasSubstr("timed out connecting (connect_timeout 200ms)"));
}

TEST(EtcdClientBadInput, NoEndpointAnswersNamesThemAll) {
  const std::string a = DeadEndpoint();
  const std::string b = DeadEndpoint();
  EtcdClientOptions options;
  options.endpoints = {a, b};
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(options);
  ASSERT_TRUE(client.ok());
  const absl::Status status = (*client)->Put("k", "v");
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(Msg(status), HasSubstr(absl::StrCat(a, ": connect: Connection refused")));
  EXPECT_THAT(Msg(status), HasSubstr(absl::StrCat(b, ": connect: Connection refused")));
}

TEST(EtcdClientBadInput, ShutdownUnblocksCallsAndWatches) {
  FakeServer silent("", FakeServer::Mode::kSilent);
  FakeServer streaming(absl::StrCat(ChunkedHead(), Chunk(kCreated)), FakeServer::Mode::kHoldOpen);
  FullListener full;
  ASSERT_TRUE(full.full());
  EtcdClientOptions options;
  options.endpoints = {silent.endpoint()};
  options.request_timeout = absl::Hours(1);
  options.connect_timeout = absl::Hours(1);
  std::unique_ptr<EtcdClient> call_client = NewClient(silent.endpoint(), options);
  std::unique_ptr<EtcdClient> watch_client = NewClient(streaming.endpoint(), options);
  std::unique_ptr<EtcdClient> connect_client = NewClient(full.endpoint(), options);

  auto call = std::async(std::launch::async, [&] { return call_client->Get("k").status(); });
  auto watch = std::async(std::launch::async, [&] {
    return watch_client->WatchPrefix("/p/", 0, [](const WatchBatch&) {});
  });
  auto connect = std::async(std::launch::async, [&] { return connect_client->Get("k").status(); });
  ASSERT_TRUE(silent.WaitForRequests(1));
  ASSERT_TRUE(streaming.WaitForRequests(1));
  call_client->Shutdown();
  watch_client->Shutdown();
  connect_client->Shutdown();
  connect_client->Shutdown();  // idempotent
  for (auto* result : {&call, &watch, &connect}) {
    ASSERT_EQ(result->wait_for(absl::ToChronoSeconds(kWait)), std::future_status::ready);
    const absl::Status status = result->get();
    EXPECT_TRUE(absl::IsCancelled(status)) << status;
  }
  EXPECT_TRUE(absl::IsCancelled(call_client->Put("k", "v")));
}

TEST(EtcdClientBadInput, WatchMessageOverMaxWatchMessageBytes) {
  EtcdClientOptions options;
  options.max_watch_message_bytes = 1024;
  const std::string big_event = absl::StrCat(
      R"({"result":{"header":{"revision":"10"},"events":[{"kv":{"key":"L3Av","value":")",
      std::string(2000, 'A'), R"("}}]}})", "\n");
  std::vector<WatchBatch> batches;
  // Delivered in pieces, and in one chunk: either way too large.
  std::string pieces = absl::StrCat(ChunkedHead(), Chunk(kCreated));
  for (size_t i = 0; i < big_event.size(); i += 100) pieces += Chunk(big_event.substr(i, 100));
  for (const std::string& response :
       {pieces, absl::StrCat(ChunkedHead(), Chunk(kCreated), Chunk(big_event))}) {
    const absl::Status status = WatchFrom(response, &batches, options);
    EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("max_watch_message_bytes (1024 bytes)"));
  }
  EXPECT_TRUE(batches.empty());
  // Under the default limit the same stream is delivered, then ends.
  const absl::Status ok = WatchFrom(absl::StrCat(pieces, kLastChunk), &batches);
  EXPECT_TRUE(absl::IsUnavailable(ok)) << ok;
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].events[0].kv.value.size(), 1500u);  // 2000 base64 characters
}

TEST(EtcdClientBadInput, WatchMessagesSplitAnywhere) {
  const std::string put =
      R"({"result":{"header":{"revision":"10"},"events":[{"kv":{"key":"L3AvYQ==","mod_revision":"10","value":"MQ==","lease":"7"}}]}})"
      "\n";
  const std::string progress = R"({"result":{"header":{"revision":"10"}}})";
  const std::string del =
      R"({"result":{"header":{"revision":"12"},"events":[{"type":"DELETE","kv":{"key":"L3AvYQ==","mod_revision":"11"}},{"type":"PUT","kv":{"key":"L3Avfg==","mod_revision":"12"}}]}})"
      "\n";
  const std::string stream = absl::StrCat(kCreated, put, progress, "  \r\n", del);
  // Chunk boundaries at every third byte, then all in one chunk.
  std::string small = ChunkedHead();
  for (size_t i = 0; i < stream.size(); i += 3) small += Chunk(stream.substr(i, 3));
  for (const std::string& response :
       {absl::StrCat(small, kLastChunk), absl::StrCat(ChunkedHead(), Chunk(stream), kLastChunk)}) {
    std::vector<WatchBatch> batches;
    const absl::Status status = WatchFrom(response, &batches);
    EXPECT_TRUE(absl::IsUnavailable(status)) << status;
    EXPECT_THAT(Msg(status), HasSubstr("watch stream ended"));
    ASSERT_EQ(batches.size(), 2u);
    EXPECT_EQ(batches[0].revision, 10);
    ASSERT_EQ(batches[0].events.size(), 1u);
    EXPECT_EQ(batches[0].events[0].type, WatchEvent::Type::kPut);
    EXPECT_EQ(batches[0].events[0].kv.key, "/p/a");
    EXPECT_EQ(batches[0].events[0].kv.value, "1");
    EXPECT_EQ(batches[0].events[0].kv.mod_revision, 10);
    EXPECT_EQ(batches[0].events[0].kv.lease, 7);
    EXPECT_EQ(batches[1].revision, 12);
    ASSERT_EQ(batches[1].events.size(), 2u);
    EXPECT_EQ(batches[1].events[0].type, WatchEvent::Type::kDelete);
    EXPECT_EQ(batches[1].events[0].kv.mod_revision, 11);
    EXPECT_EQ(batches[1].events[1].type, WatchEvent::Type::kPut);
    EXPECT_EQ(batches[1].events[1].kv.key, "/p/~");
  }
  // Ending inside a message says so.
  const absl::Status cut =
      WatchFrom(absl::StrCat(ChunkedHead(), Chunk(kCreated), Chunk(put.substr(0, 20)), kLastChunk));
  EXPECT_TRUE(absl::IsUnavailable(cut)) << cut;
  EXPECT_THAT(Msg(cut), HasSubstr("mid-message"));
}

TEST(EtcdClientBadInput, WatchStreamsEtcdWouldNotSend) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"xyz", "other than JSON objects"},
      {"[1]", "other than JSON objects"},
      {"{\"result\":5}", "'result': expected an object"},
      {"{\"other\":{}}", "neither 'result' nor 'error'"},
      {"{\"result\":{\"events\":{}}}", "'result.events': expected an array"},
      {"{\"result\":{\"events\":[7]}}", "'result.events[0]': expected an object"},
      {"{\"result\":{\"events\":[{\"type\":\"EXPLODE\",\"kv\":{}}]}}", "unknown event type"},
      {"{\"result\":{\"events\":[{\"type\":1,\"kv\":{}}]}}", "'result.events[0].type'"},
      {"{\"result\":{\"events\":[{}]}}", "event without kv"},
      {"{\"result\":{\"events\":[{\"kv\":{\"key\":\"*\"}}]}}", "'result.events[0].kv.key'"},
      {"{\"result\":{\"canceled\":\"yes\"}}", "'result.canceled': expected a bool"},
      {"{\"result\":{\"header\":{\"revision\":{}}}}", "'result.header.revision'"},
      {"{\"result\":{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]"
       "]]]"
       "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}",
       "nests deeper"},
  };
  for (const auto& [message, expected] : cases) {
    std::vector<WatchBatch> batches;
    const absl::Status status =
        WatchFrom(absl::StrCat(ChunkedHead(), Chunk(kCreated), Chunk(message)), &batches);
    EXPECT_TRUE(absl::IsDataLoss(status)) << message << ": " << status;
    EXPECT_THAT(Msg(status), HasSubstr(expected)) << message;
    EXPECT_TRUE(batches.empty());
  }
}

TEST(EtcdClientBadInput, WatchEndsWithEtcdsVerdict) {
  // etcd stopping: a streamed error with its gRPC code.
  const absl::Status stopping = WatchFrom(absl::StrCat(
      ChunkedHead(), Chunk(kCreated),
      Chunk(
          R"({"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}})"),
      kLastChunk));
  EXPECT_TRUE(absl::IsUnavailable(stopping)) << stopping;
  EXPECT_THAT(Msg(stopping), HasSubstr("transport is closing"));
  // etcd stopping gracefully: its gateway cancels the open watches with
  // code 1. Cancelled is kept for the client's own Shutdown (the resolver
  // stops on it), so this is Unavailable.
  const absl::Status closing = WatchFrom(absl::StrCat(
      ChunkedHead(), Chunk(kCreated),
      Chunk(
          R"({"error":{"grpc_code":1,"http_code":408,"message":"grpc: the client connection is closing","http_status":"Request Timeout"}})"),
      kLastChunk));
  EXPECT_TRUE(absl::IsUnavailable(closing)) << closing;
  EXPECT_THAT(Msg(closing), HasSubstr("the client connection is closing"));
  // Compacted: canceled with the compact revision (and no header revision).
  const absl::Status compacted = WatchFrom(absl::StrCat(
      ChunkedHead(), Chunk(kCreated),
      Chunk(R"({"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"8"}})")));
  EXPECT_TRUE(absl::IsOutOfRange(compacted)) << compacted;
  EXPECT_THAT(Msg(compacted), HasSubstr("compact revision is 8"));
  // Canceled for another reason; braces and quotes in a string do not
  // confuse the splitter.
  const absl::Status canceled = WatchFrom(
      absl::StrCat(ChunkedHead(), Chunk(kCreated),
                   Chunk(R"({"result":{"canceled":true,"cancel_reason":"no } \" { way"}})")));
  EXPECT_TRUE(absl::IsAborted(canceled)) << canceled;
  EXPECT_THAT(Msg(canceled), HasSubstr(R"(no } " { way)"));
  // An HTTP error instead of a stream.
  const absl::Status refused = WatchFrom(
      Response("400 Bad Request", R"({"error":"bad","code":3,"message":"invalid watch"})"), nullptr,
      {}, FakeServer::Mode::kClose);
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_THAT(Msg(refused), HasSubstr("invalid watch"));
  // The same code 1 in a plain error response.
  const absl::Status gave_up = WatchFrom(
      Response("408 Request Timeout", R"({"error":"canceled","code":1,"message":"context canceled"})"),
      nullptr, {}, FakeServer::Mode::kClose);
  EXPECT_TRUE(absl::IsUnavailable(gave_up)) << gave_up;
  EXPECT_THAT(Msg(gave_up), HasSubstr("context canceled"));
}

}  // namespace
}  // namespace vireo::etcd
