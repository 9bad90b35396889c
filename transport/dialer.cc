#include "vireo/transport/dialer.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>

#include "absl/strings/str_cat.h"
#include "vireo/transport/internal/errors.h"

namespace vireo::transport {
namespace {

// One connect in progress; deletes itself once it has answered.
class PendingDial : public EventHandler {
 public:
  PendingDial(EventLoop* loop, const InetAddress& address, absl::Duration timeout,
              const Connection::Options& options, Dialer::Callback callback)
      : loop_(loop),
        address_(address),
        timeout_(timeout),
        options_(options),
        callback_(std::move(callback)) {}

  // Loop thread.
  void Begin() {
    fd_ = ::socket(address_.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Fail(internal::ErrnoStatus(errno, "socket"));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd_, address_.sockaddr(), address_.length()) == 0) return Succeed();
    if (errno != EINPROGRESS) return Fail(ConnectError(errno));
    if (absl::Status s = loop_->Add(fd_, EPOLLOUT, this); !s.ok()) return Fail(std::move(s));
    registered_ = true;
    if (timeout_ > absl::ZeroDuration()) {
      timer_ = loop_->RunAfter(timeout_, [this] {
        timer_ = 0;
        Fail(absl::DeadlineExceededError(absl::StrCat("connect to ", address_.ToString(),
                                                      " timed out after ",
                                                      absl::FormatDuration(timeout_))));
      });
    }
  }

  void HandleEvents(uint32_t) override {
    VIREO_DCHECK_IN_LOOP(loop_);
    if (done_) return;
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Fail(ConnectError(err));
    Succeed();
  }

 private:
  absl::Status ConnectError(int err) const {
    return internal::ErrnoStatus(err, absl::StrCat("connect to ", address_.ToString()));
  }

  void Finish() {
    done_ = true;
    if (timer_ != 0) loop_->Cancel(timer_);
    if (registered_) loop_->Remove(fd_);
    loop_->RunAtIterationEnd([this] { delete this; });
  }

  void Fail(absl::Status status) {
    if (done_) return;
    Finish();
    if (fd_ >= 0) ::close(fd_);
    std::move(callback_)(std::move(status));
  }

  void Succeed() {
    if (done_) return;
    Finish();
    struct sockaddr_storage local;
    socklen_t len = sizeof(local);
    ::getsockname(fd_, reinterpret_cast<struct sockaddr*>(&local), &len);
    std::move(callback_)(Connection::Create(
        loop_, fd_, InetAddress(reinterpret_cast<struct sockaddr*>(&local), len), address_,
        options_));
  }

  EventLoop* const loop_;
  const InetAddress address_;
  const absl::Duration timeout_;
  const Connection::Options options_;
  Dialer::Callback callback_;
  int fd_ = -1;
  bool registered_ = false;
  bool done_ = false;
  EventLoop::TimerId timer_ = 0;
};

}  // namespace

void Dialer::Dial(EventLoop* loop, const InetAddress& address, absl::Duration timeout,
                  const Connection::Options& options, Callback callback) {
  auto* dial = new PendingDial(loop, address, timeout, options, std::move(callback));
  loop->RunInLoop([dial] { dial->Begin(); });
}

absl::StatusOr<std::shared_ptr<Connection>> Dialer::DialSync(EventLoop* loop,
                                                             const InetAddress& address,
                                                             absl::Duration timeout,
                                                             const Connection::Options& options) {
  if (loop->InLoopThread()) {
    return absl::FailedPreconditionError("Dialer::DialSync called on its loop thread");
  }
  std::promise<absl::StatusOr<std::shared_ptr<Connection>>> result;
  auto future = result.get_future();
  Dial(loop, address, timeout, options,
       [&result](absl::StatusOr<std::shared_ptr<Connection>> c) { result.set_value(std::move(c)); });
  return future.get();
}

}  // namespace vireo::transport
