#include "vireo/transport/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "vireo/transport/internal/errors.h"

namespace vireo::transport {
namespace {

// Accepts per readiness event before yielding to other work.
constexpr int kMaxAcceptsPerEvent = 64;

int OpenSpare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

absl::StatusOr<std::unique_ptr<Listener>> Listener::Create(EventLoop* loop,
                                                          const InetAddress& address,
                                                          const Options& options,
                                                          AcceptCallback on_accept) {
  const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return internal::ErrnoStatus(errno, "socket");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (options.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
    const int err = errno;
    ::close(fd);
    return internal::ErrnoStatus(err, "setsockopt(SO_REUSEPORT)");
  }
  if (::bind(fd, address.sockaddr(), address.length()) < 0) {
    const int err = errno;
    ::close(fd);
    return internal::ErrnoStatus(err, absl::StrCat("bind ", address.ToString()));
  }
  if (::listen(fd, options.backlog) < 0) {
    const int err = errno;
    ::close(fd);
    return internal::ErrnoStatus(err, absl::StrCat("listen ", address.ToString()));
  }
  struct sockaddr_storage bound;
  socklen_t len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<struct sockaddr*>(&bound), &len);
  return std::unique_ptr<Listener>(new Listener(
      loop, fd, InetAddress(reinterpret_cast<struct sockaddr*>(&bound), len), options,
      std::move(on_accept)));
}

Listener::Listener(EventLoop* loop, int fd, const InetAddress& address, const Options& options,
                   AcceptCallback on_accept)
    : loop_(loop),
      fd_(fd),
      spare_fd_(OpenSpare()),
      address_(address),
      options_(options),
      on_accept_(std::move(on_accept)) {}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

void Listener::Start() {
  loop_->RunInLoop([this] {
    if (registered_ || fd_ < 0) return;
    if (absl::Status s = loop_->Add(fd_, EPOLLIN, this); !s.ok()) {
      spdlog::error("listener {}: {}", address_.ToString(), s.ToString());
      return;
    }
    registered_ = true;
  });
}

void Listener::Stop() {
  loop_->RunInLoop([this] {
    if (resume_timer_ != 0) loop_->Cancel(resume_timer_);
    resume_timer_ = 0;
    if (registered_) loop_->Remove(fd_);
    registered_ = false;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  });
}

void Listener::HandleEvents(uint32_t) {
  VIREO_DCHECK_IN_LOOP(loop_);
  for (int i = 0; i < kMaxAcceptsPerEvent && fd_ >= 0; ++i) {
    struct sockaddr_storage peer;
    socklen_t len = sizeof(peer);
    const int fd = ::accept4(fd_, reinterpret_cast<struct sockaddr*>(&peer), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      on_accept_(fd, InetAddress(reinterpret_cast<struct sockaddr*>(&peer), len));
      continue;
    }
    switch (errno) {
      case EAGAIN:
        return;
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
        continue;
      case EMFILE:
      case ENFILE:
        DropOne();
        continue;
      default:
        spdlog::error("listener {}: accept: {}; pausing for {}", address_.ToString(),
                      std::strerror(errno), absl::FormatDuration(options_.pause_on_error));
        Pause();
        return;
    }
  }
}

void Listener::DropOne() {
  if (spare_fd_ < 0) {
    // No spare to free: stop the level-triggered event from spinning.
    Pause();
    return;
  }
  ::close(spare_fd_);
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("listener {}: out of file descriptors; closed a new connection",
                 address_.ToString());
  }
  spare_fd_ = OpenSpare();
  if (fd < 0) Pause();
}

void Listener::Pause() {
  if (!registered_ || resume_timer_ != 0) return;
  if (!loop_->Modify(fd_, 0, this).ok()) return;
  resume_timer_ = loop_->RunAfter(options_.pause_on_error, [this] {
    resume_timer_ = 0;
    if (registered_) (void)loop_->Modify(fd_, EPOLLIN, this);
  });
}

}  // namespace vireo::transport
