// A minimal HTTP/1.1 client for the etcd gateway: one POST per connection
// over a non-blocking POSIX socket, every wait a poll() bounded by a
// deadline and woken at once by a cancel file descriptor.
//
// It reads what etcd's gateway writes and nothing more: a status line,
// headers, and a body framed by Content-Length, chunked transfer encoding
// (with trailers) or the end of the connection. Each limit is the caller's:
// header bytes, body bytes, deadlines.
//
// Example:
//   absl::StatusOr<HttpTarget> target = ParseHttpTarget("http://127.0.0.1:2379");
//   absl::StatusOr<std::unique_ptr<HttpConnection>> conn = HttpConnection::Connect(
//       *target, cancel_fd, absl::Now() + absl::Seconds(2));
//   const absl::Time deadline = absl::Now() + absl::Seconds(5);
//   absl::Status sent = (*conn)->WriteRequest("/v3/kv/range", R"({"key":"YQ=="})", deadline);
//   absl::StatusOr<int> status = (*conn)->ReadHead(64 << 10, deadline);
//   absl::StatusOr<std::string> body = (*conn)->ReadBody(64 << 20, deadline);
//
// Errors, without the endpoint's name (the caller adds it): Unavailable
// when the connection fails or closes early, DeadlineExceeded when a
// deadline passes, Cancelled when the cancel fd is readable, DataLoss for
// bytes that are not HTTP, ResourceExhausted when a limit is exceeded.
//
// Thread rules: an HttpConnection is used by one thread at a time. The
// cancel fd may become readable from any thread; every wait of every
// connection polling it then returns Cancelled.
#ifndef VIREO_CORE_DISCOVERY_INTERNAL_HTTP_CLIENT_H_
#define VIREO_CORE_DISCOVERY_INTERNAL_HTTP_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vireo::etcd::internal {

// Where to connect: a host name or numeric address, and a port.
struct HttpTarget {
  std::string host;
  uint16_t port = 0;

  // "host:port", "[v6]:port" for an IPv6 address.
  std::string ToString() const;
};

// Parses "host:port", "[v6]:port", or the same after "http://" (with an
// optional trailing "/"). InvalidArgument for anything else, naming the
// input: no port, a port out of 1..65535, another scheme, a path.
absl::StatusOr<HttpTarget> ParseHttpTarget(std::string_view endpoint);

class HttpConnection {
 public:
  // Connects to `target` (a host name is resolved with getaddrinfo, which
  // the deadline does not bound). `cancel_fd` (-1: none) is polled with the
  // socket in every wait; it is borrowed and must outlive the connection.
  static absl::StatusOr<std::unique_ptr<HttpConnection>> Connect(const HttpTarget& target,
                                                                 int cancel_fd,
                                                                 absl::Time deadline);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Turns on TCP keep-alive probes (first after 10 s idle, then every 5 s,
  // 3 unanswered close it), so that a long-lived stream notices a peer
  // that vanished without closing.
  void EnableKeepAlive();

  // Sends `POST path` with a JSON body and `Connection: close`.
  absl::Status WriteRequest(std::string_view path, std::string_view body, absl::Time deadline);

  // Reads the status line and headers (skipping 1xx interim responses) and
  // returns the status code. ResourceExhausted when they take more than
  // `max_header_bytes` (which also bounds chunked trailers).
  absl::StatusOr<int> ReadHead(size_t max_header_bytes, absl::Time deadline);

  // After ReadHead: appends the next bytes of the body to `*out` (at least
  // one) and returns true, or returns false at the end of the body. The
  // caller bounds the total.
  absl::StatusOr<bool> ReadBodySome(std::string* out, absl::Time deadline);

  // After ReadHead: the whole body. ResourceExhausted as soon as it is
  // known to exceed `max_body_bytes`.
  absl::StatusOr<std::string> ReadBody(size_t max_body_bytes, absl::Time deadline);

 private:
  enum class Framing { kLength, kChunked, kUntilClose };
  enum class ChunkState { kSize, kData, kDataEnd, kDone };

  HttpConnection(int fd, int cancel_fd, std::string host_header);

  // Waits until the socket is ready for `events` (POLLIN / POLLOUT).
  absl::Status Wait(short events, absl::Time deadline, std::string_view doing);
  // Reads more bytes into in_; false at end of stream.
  absl::StatusOr<bool> Fill(absl::Time deadline, std::string_view doing);
  // The next line (without CRLF or LF), at most `max_bytes` with its end
  // (beyond: ResourceExhausted with `limit_message`); `*consumed` (if not
  // null) gets its length with the end.
  absl::StatusOr<std::string> ReadLine(size_t max_bytes, absl::Time deadline,
                                       std::string_view doing, std::string_view limit_message,
                                       size_t* consumed = nullptr);
  absl::Status ParseHead(size_t max_header_bytes, absl::Time deadline, int* status);
  absl::Status ReadTrailers(absl::Time deadline);
  void Consume(size_t n);
  size_t Buffered() const { return in_.size() - in_pos_; }

  const int fd_;
  const int cancel_fd_;
  const std::string host_header_;
  std::string in_;
  size_t in_pos_ = 0;
  size_t max_header_bytes_ = 0;
  Framing framing_ = Framing::kLength;
  ChunkState chunk_state_ = ChunkState::kSize;
  // Body bytes left (kLength) or bytes left of the current chunk (kChunked).
  uint64_t remaining_ = 0;
  uint64_t body_bytes_read_ = 0;
  bool head_read_ = false;
};

}  // namespace vireo::etcd::internal

#endif  // VIREO_CORE_DISCOVERY_INTERNAL_HTTP_CLIENT_H_
