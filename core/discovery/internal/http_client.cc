#include "vireo/core/discovery/internal/http_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "vireo/core/discovery/internal/strings.h"
#include "vireo/transport/inet_address.h"

namespace vireo::etcd::internal {
namespace {

// Longest chunk-size line accepted (the size plus any extensions).
constexpr size_t kMaxChunkLine = 1024;
// Bytes asked of each recv().
constexpr size_t kReadSize = 64 << 10;

std::string ErrnoText(int err) { return std::strerror(err); }

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

absl::Status CancelledStatus() { return absl::CancelledError("etcd client shut down"); }

}  // namespace

std::string HttpTarget::ToString() const {
  if (host.find(':') != std::string::npos) return Cat("[", host, "]:", port);
  return Cat(host, ":", port);
}

absl::StatusOr<HttpTarget> ParseHttpTarget(std::string_view endpoint) {
  auto invalid = [endpoint](std::string_view why) {
    return absl::InvalidArgumentError(Cat("etcd endpoint ", Quote(endpoint), ": ", why,
                                          " (expected host:port or http://host:port)"));
  };
  std::string_view rest = endpoint;
  if (const size_t scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    const std::string scheme = absl::AsciiStrToLower(ToAbsl(rest.substr(0, scheme_end)));
    if (scheme != "http") return invalid(Cat("scheme '", scheme, "' is not supported"));
    rest.remove_prefix(scheme_end + 3);
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return invalid("a path is not supported");
  HttpTarget target;
  std::string_view port;
  if (rest.starts_with('[')) {
    rest.remove_prefix(1);
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 0) return invalid("bad IPv6 address");
    target.host = std::string(rest.substr(0, close));
    rest.remove_prefix(close + 1);
    if (!rest.starts_with(':')) return invalid("no port");
    port = rest.substr(1);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return invalid("no port");
    target.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
    if (target.host.empty()) return invalid("no host");
    if (target.host.find(':') != std::string::npos)
      return invalid("an IPv6 address needs [brackets]");
  }
  int port_number = 0;
  if (port.empty() || !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(ToAbsl(port), &port_number) || port_number < 1 || port_number > 65535) {
    return invalid("bad port");
  }
  target.port = static_cast<uint16_t>(port_number);
  return target;
}

absl::StatusOr<std::unique_ptr<HttpConnection>> HttpConnection::Connect(const HttpTarget& target,
                                                                        int cancel_fd,
                                                                        absl::Time deadline) {
  absl::StatusOr<transport::InetAddress> address = transport::InetAddress::Parse(target.ToString());
  if (!address.ok()) address = transport::InetAddress::Resolve(target.host, target.port);
  if (!address.ok()) return address.status();
  const int fd = ::socket(address->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(Cat("socket: ", ErrnoText(errno)));
  // Owned by the connection from here on, so every return below closes it.
  std::unique_ptr<HttpConnection> conn(new HttpConnection(fd, cancel_fd, target.ToString()));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, address->sockaddr(), address->length()) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(Cat("connect: ", ErrnoText(errno)));
    }
    if (absl::Status s = conn->Wait(POLLOUT, deadline, "connecting"); !s.ok()) return s;
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return absl::UnavailableError(Cat("connect: ", ErrnoText(err)));
  }
  return conn;
}

HttpConnection::HttpConnection(int fd, int cancel_fd, std::string host_header)
    : fd_(fd), cancel_fd_(cancel_fd), host_header_(std::move(host_header)) {}

HttpConnection::~HttpConnection() { ::close(fd_); }

void HttpConnection::EnableKeepAlive() {
  const int on = 1, idle_s = 10, interval_s = 5, count = 3;
  ::setsockopt(fd_, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  ::setsockopt(fd_, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s));
  ::setsockopt(fd_, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof(interval_s));
  ::setsockopt(fd_, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

absl::Status HttpConnection::Wait(short events, absl::Time deadline, std::string_view doing) {
  for (;;) {
    pollfd fds[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
    const int rc = ::poll(fds, cancel_fd_ >= 0 ? 2 : 1, PollTimeoutMs(deadline));
    if (rc < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(Cat("poll: ", ErrnoText(errno)));
    }
    // Shutdown wins over a ready socket: a cancelled call must not go on.
    if (cancel_fd_ >= 0 && fds[1].revents != 0) return CancelledStatus();
    if (rc > 0) return absl::OkStatus();  // ready, or an error the next I/O reports
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(Cat("timed out ", doing));
    }
  }
}

absl::Status HttpConnection::WriteRequest(std::string_view path, std::string_view body,
                                          absl::Time deadline) {
  const std::string request =
      Cat("POST ", path, " HTTP/1.1\r\nHost: ", host_header_,
          "\r\nContent-Type: application/json\r\nContent-Length: ", body.size(),
          "\r\nConnection: close\r\n\r\n", body);
  size_t sent = 0;
  while (sent < request.size()) {
    if (absl::Status s = Wait(POLLOUT, deadline, "sending the request"); !s.ok()) return s;
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return absl::UnavailableError(Cat("send: ", ErrnoText(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> HttpConnection::Fill(absl::Time deadline, std::string_view doing) {
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= kReadSize) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  for (;;) {
    if (absl::Status s = Wait(POLLIN, deadline, doing); !s.ok()) return s;
    const size_t old_size = in_.size();
    in_.resize(old_size + kReadSize);
    const ssize_t n = ::recv(fd_, in_.data() + old_size, kReadSize, 0);
    in_.resize(old_size + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
    return absl::UnavailableError(Cat("recv: ", ErrnoText(errno)));
  }
}

void HttpConnection::Consume(size_t n) { in_pos_ += n; }

absl::StatusOr<std::string> HttpConnection::ReadLine(size_t max_bytes, absl::Time deadline,
                                                     std::string_view doing,
                                                     std::string_view limit_message,
                                                     size_t* consumed) {
  size_t searched = 0;
  for (;;) {
    const std::string_view buffered(in_.data() + in_pos_, Buffered());
    const size_t newline = buffered.find('\n', searched);
    if (newline != std::string_view::npos) {
      if (newline + 1 > max_bytes) break;
      std::string_view line = buffered.substr(0, newline);
      if (line.ends_with('\r')) line.remove_suffix(1);
      std::string out(line);
      Consume(newline + 1);
      if (consumed != nullptr) *consumed = newline + 1;
      return out;
    }
    if (buffered.size() >= max_bytes) break;
    searched = buffered.size();
    absl::StatusOr<bool> more = Fill(deadline, doing);
    if (!more.ok()) return more.status();
    if (!*more) {
      return absl::UnavailableError(Cat("connection closed while ", doing));
    }
    // Fill may move the buffered bytes; `searched` counts from in_pos_.
  }
  return absl::ResourceExhaustedError(ToAbsl(limit_message));
}

absl::StatusOr<int> HttpConnection::ReadHead(size_t max_header_bytes, absl::Time deadline) {
  max_header_bytes_ = max_header_bytes;
  for (;;) {
    int status = 0;
    if (absl::Status s = ParseHead(max_header_bytes, deadline, &status); !s.ok()) return s;
    if (status >= 200) return status;
    // A 1xx interim response (we send no Expect, but a proxy might): the
    // real one follows.
  }
}

absl::Status HttpConnection::ParseHead(size_t max_header_bytes, absl::Time deadline, int* status) {
  const std::string header_limit =
      Cat("response header exceeds max_header_bytes (", max_header_bytes, " bytes)");
  size_t used = 0;
  absl::StatusOr<std::string> status_line =
      ReadLine(max_header_bytes, deadline, "waiting for the response", header_limit, &used);
  if (!status_line.ok()) return status_line.status();
  // "HTTP/1.1 200 OK": the version, a space, three digits, then a space
  // and a reason or nothing.
  std::string_view line = *status_line;
  std::string_view code;
  if (line.starts_with("HTTP/1.") && line.size() >= 12 && absl::ascii_isdigit(line[7]) &&
      line[8] == ' ') {
    code = line.substr(9, 3);
    line.remove_prefix(12);
  }
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), absl::ascii_isdigit) ||
      (!line.empty() && line[0] != ' ') || !absl::SimpleAtoi(ToAbsl(code), status) ||
      *status < 100) {
    return absl::DataLossError(Cat("malformed HTTP status line ", Quote(*status_line)));
  }

  bool chunked = false;
  bool have_length = false;
  uint64_t length = 0;
  for (;;) {
    size_t consumed = 0;
    absl::StatusOr<std::string> header =
        ReadLine(max_header_bytes - std::min(used, max_header_bytes), deadline,
                 "reading the response header", header_limit, &consumed);
    if (!header.ok()) return header.status();
    used += consumed;
    if (header->empty()) break;
    const size_t colon = header->find(':');
    if (colon == std::string::npos || colon == 0) {
      return absl::DataLossError(Cat("malformed HTTP header line ", Quote(*header)));
    }
    const std::string name =
        absl::AsciiStrToLower(ToAbsl(std::string_view(*header).substr(0, colon)));
    const std::string_view value = TrimAscii(std::string_view(*header).substr(colon + 1));
    if (name == "content-length") {
      uint64_t n = 0;
      if (value.empty() || !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(ToAbsl(value), &n) || (have_length && n != length)) {
        return absl::DataLossError(Cat("bad Content-Length ", Quote(value)));
      }
      have_length = true;
      length = n;
    } else if (name == "transfer-encoding") {
      std::string_view last = value;
      if (const size_t comma = value.rfind(','); comma != std::string_view::npos) {
        last = TrimAscii(value.substr(comma + 1));
      }
      if (!absl::EqualsIgnoreCase(ToAbsl(last), "chunked")) {
        return absl::DataLossError(Cat("unsupported Transfer-Encoding ", Quote(value)));
      }
      chunked = true;
    }
  }
  head_read_ = true;
  body_bytes_read_ = 0;
  if (*status < 200 || *status == 204 || *status == 304) {
    framing_ = Framing::kLength;
    remaining_ = 0;
  } else if (chunked) {
    framing_ = Framing::kChunked;
    chunk_state_ = ChunkState::kSize;
    remaining_ = 0;
  } else if (have_length) {
    framing_ = Framing::kLength;
    remaining_ = length;
  } else {
    framing_ = Framing::kUntilClose;
  }
  return absl::OkStatus();
}

absl::Status HttpConnection::ReadTrailers(absl::Time deadline) {
  size_t used = 0;
  for (;;) {
    size_t consumed = 0;
    absl::StatusOr<std::string> line = ReadLine(
        max_header_bytes_ - std::min(used, max_header_bytes_), deadline,
        "reading the chunked trailer",
        Cat("chunked trailer exceeds max_header_bytes (", max_header_bytes_, " bytes)"), &consumed);
    if (!line.ok()) return line.status();
    if (line->empty()) return absl::OkStatus();
    used += consumed;
  }
}

absl::StatusOr<bool> HttpConnection::ReadBodySome(std::string* out, absl::Time deadline) {
  if (!head_read_) return absl::FailedPreconditionError("ReadBodySome before ReadHead");
  for (;;) {
    switch (framing_) {
      case Framing::kLength:
      case Framing::kUntilClose: {
        if (framing_ == Framing::kLength && remaining_ == 0) return false;
        if (Buffered() == 0) {
          absl::StatusOr<bool> more = Fill(deadline, "reading the response body");
          if (!more.ok()) return more.status();
          if (!*more) {
            if (framing_ == Framing::kUntilClose) return false;
            return absl::UnavailableError(Cat("connection closed mid-body, after ",
                                              body_bytes_read_, " of ",
                                              body_bytes_read_ + remaining_, " bytes"));
          }
        }
        size_t n = Buffered();
        if (framing_ == Framing::kLength)
          n = static_cast<size_t>(std::min<uint64_t>(n, remaining_));
        out->append(in_, in_pos_, n);
        Consume(n);
        body_bytes_read_ += n;
        if (framing_ == Framing::kLength) remaining_ -= n;
        return true;
      }
      case Framing::kChunked:
        break;
    }
    switch (chunk_state_) {
      case ChunkState::kDone:
        return false;
      case ChunkState::kSize: {
        absl::StatusOr<std::string> line =
            ReadLine(kMaxChunkLine, deadline, "reading a chunk size", "chunk size line too long");
        if (!line.ok()) {
          if (absl::IsResourceExhausted(line.status())) {
            return absl::DataLossError(line.status().message());
          }
          return line.status();
        }
        std::string_view digits = *line;
        if (const size_t ext = digits.find(';'); ext != std::string_view::npos) {
          digits = digits.substr(0, ext);
        }
        digits = TrimAscii(digits);
        uint64_t size = 0;
        bool ok = !digits.empty() && digits.size() <= 15;  // < 2^60: no overflow below
        for (const char c : digits) {
          if (!ok) break;
          int v = 0;
          if (c >= '0' && c <= '9') {
            v = c - '0';
          } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
          } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
          } else {
            ok = false;
          }
          size = size * 16 + static_cast<uint64_t>(v);
        }
        if (!ok) return absl::DataLossError(Cat("bad chunk size ", Quote(*line)));
        if (size == 0) {
          if (absl::Status s = ReadTrailers(deadline); !s.ok()) return s;
          chunk_state_ = ChunkState::kDone;
          return false;
        }
        remaining_ = size;
        chunk_state_ = ChunkState::kData;
        continue;
      }
      case ChunkState::kData: {
        if (Buffered() == 0) {
          absl::StatusOr<bool> more = Fill(deadline, "reading the response body");
          if (!more.ok()) return more.status();
          if (!*more) {
            return absl::UnavailableError(
                Cat("connection closed mid-chunk, after ", body_bytes_read_, " body bytes"));
          }
        }
        const size_t n = static_cast<size_t>(std::min<uint64_t>(Buffered(), remaining_));
        out->append(in_, in_pos_, n);
        Consume(n);
        body_bytes_read_ += n;
        remaining_ -= n;
        if (remaining_ == 0) chunk_state_ = ChunkState::kDataEnd;
        return true;
      }
      case ChunkState::kDataEnd: {
        absl::StatusOr<std::string> line =
            ReadLine(2, deadline, "reading a chunk end", "chunk data longer than its size");
        if (!line.ok()) {
          if (absl::IsResourceExhausted(line.status())) {
            return absl::DataLossError(line.status().message());
          }
          return line.status();
        }
        if (!line->empty()) return absl::DataLossError("chunk data longer than its size");
        chunk_state_ = ChunkState::kSize;
        continue;
      }
    }
  }
}

absl::StatusOr<std::string> HttpConnection::ReadBody(size_t max_body_bytes, absl::Time deadline) {
  if (!head_read_) return absl::FailedPreconditionError("ReadBody before ReadHead");
  auto too_large = [max_body_bytes](std::string_view detail) {
    return absl::ResourceExhaustedError(
        Cat("response body", detail, " exceeds max_response_bytes (", max_body_bytes, " bytes)"));
  };
  if (framing_ == Framing::kLength && remaining_ > max_body_bytes) {
    return too_large(Cat(" of ", remaining_, " bytes (Content-Length)"));
  }
  std::string body;
  for (;;) {
    absl::StatusOr<bool> more = ReadBodySome(&body, deadline);
    if (!more.ok()) return more.status();
    if (!*more) return body;
    if (body.size() > max_body_bytes) return too_large("");
  }
}

}  // namespace vireo::etcd::internal
