#include "vireo/transport/connection.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "vireo/transport/internal/errors.h"
#include "vireo/transport/internal/uring.h"

namespace vireo::transport {
namespace {

// Reads per readiness event before yielding to other connections.
constexpr int kMaxReadsPerEvent = 16;
// iovecs and bytes handed to one sendmsg.
constexpr size_t kMaxIov = 256;
constexpr size_t kMaxWriteBytes = 4 * 1024 * 1024;
// iovecs of one io_uring sendmsg (kept in the connection while in flight).
constexpr size_t kUringIov = 64;

}  // namespace

struct Connection::UringState {
  bool receiving = false;   // a multishot receive is in flight
  bool cancelling = false;  // and its cancel was asked for
  bool sending = false;     // a sendmsg is in flight
  int in_flight = 0;        // operations whose last completion has not come
  struct msghdr msg {};
  struct iovec iov[kUringIov];
};

std::shared_ptr<Connection> Connection::Create(EventLoop* loop, int fd, const InetAddress& local,
                                               const InetAddress& peer, const Options& options) {
  return std::shared_ptr<Connection>(new Connection(loop, fd, local, peer, options));
}

Connection::Connection(EventLoop* loop, int fd, const InetAddress& local, const InetAddress& peer,
                       const Options& options)
    : loop_(loop),
      fd_(fd),
      local_(local),
      peer_(peer),
      options_(options),
      read_size_(std::max<size_t>(options.initial_read_size, 512)) {
  if (options_.zerocopy) {
    const int one = 1;
    zerocopy_enabled_ = ::setsockopt(fd_, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) == 0;
    if (!zerocopy_enabled_) {
      spdlog::warn("connection {}: SO_ZEROCOPY unavailable, sending with copies: {}",
                   peer_.ToString(), std::strerror(errno));
    }
  }
}

Connection::~Connection() {
  if (!finished_) ::close(fd_);
}

void Connection::Start() {
  loop_->RunInLoop([self = shared_from_this()] { self->StartInLoop(); });
}

void Connection::StartInLoop() {
  if (started_ || closed_) return;
  started_ = true;
  self_ = shared_from_this();
  events_ = reading_paused() ? 0 : EPOLLIN | EPOLLRDHUP;
  if (loop_->io_uring_enabled()) {
    uring_ = std::make_unique<UringState>();
    zerocopy_enabled_ = false;
    if (!reading_paused()) ArmReceive();
  } else {
    if (absl::Status s = loop_->Add(fd_, events_, this); !s.ok()) {
      started_ = false;
      CloseInLoop(std::move(s));
      return;
    }
    registered_events_ = events_;
  }
  loop_->AddLoad(1);
  if (options_.idle_timeout > absl::ZeroDuration()) {
    Touch();
    ArmIdleTimer(options_.idle_timeout);
  }
  if (output_.Len() > 0) ScheduleWrite();
}

void Connection::Touch() {
  if (options_.idle_timeout > absl::ZeroDuration()) last_active_ns_ = EventLoop::NowNs();
}

void Connection::ArmIdleTimer(absl::Duration after) {
  idle_timer_ = loop_->RunAfter(after, [this] {
    idle_timer_ = 0;
    if (closed_) return;
    const absl::Duration idle = absl::Nanoseconds(EventLoop::NowNs() - last_active_ns_);
    if (idle >= options_.idle_timeout) {
      CloseInLoop(absl::DeadlineExceededError(absl::StrCat(
          "connection ", peer_.ToString(), " idle for ", absl::FormatDuration(idle))));
    } else {
      ArmIdleTimer(options_.idle_timeout - idle);
    }
  });
}

void Connection::TrackIncompleteMessage(bool began_now) {
  if (input_.Len() == 0) {
    message_since_ns_ = 0;
    return;
  }
  if (message_since_ns_ == 0 || began_now) message_since_ns_ = EventLoop::NowNs();
  if (read_timer_ == 0) ArmReadTimer(options_.read_timeout);
}

void Connection::ArmReadTimer(absl::Duration after) {
  read_timer_ = loop_->RunAfter(after, [this] {
    read_timer_ = 0;
    // Reading resumed re-arms the timer: paused time is not the peer's.
    if (closed_ || message_since_ns_ == 0 || reading_paused()) return;
    const absl::Duration waited = absl::Nanoseconds(EventLoop::NowNs() - message_since_ns_);
    if (waited >= options_.read_timeout) {
      CloseInLoop(absl::DeadlineExceededError(absl::StrCat(
          "connection ", peer_.ToString(), ": read timeout: an incomplete message (",
          input_.Len(), " bytes so far) waited ", absl::FormatDuration(waited),
          " for the rest; read_timeout is ", absl::FormatDuration(options_.read_timeout))));
    } else {
      ArmReadTimer(options_.read_timeout - waited);
    }
  });
}

void Connection::CancelReadTimer() {
  if (read_timer_ != 0) loop_->Cancel(read_timer_);
  read_timer_ = 0;
  message_since_ns_ = 0;
}

void Connection::PauseReading() {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (paused_by_user_) return;
  paused_by_user_ = true;
  UpdateReadInterest();
}

void Connection::ResumeReading() {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (!paused_by_user_) return;
  paused_by_user_ = false;
  UpdateReadInterest();
  // Bytes the message callback left while paused are offered again: no
  // read may come to bring them back (the peer may have sent everything).
  if (started_ && !closed_ && !reading_paused()) RedeliverInput();
}

void Connection::UpdateReadInterest() {
  // After the peer's FIN there is nothing more to read, paused or not.
  if (closed_ || peer_closed_) return;
  constexpr uint32_t kRead = EPOLLIN | EPOLLRDHUP;
  if (reading_paused()) {
    events_ &= ~kRead;
  } else {
    const bool was_paused = (events_ & kRead) == 0;
    events_ |= kRead;
    // An incomplete message buffered before the pause gets a full
    // read_timeout from now.
    if (was_paused && started_ && options_.read_timeout > absl::ZeroDuration() &&
        input_.Len() > 0) {
      message_since_ns_ = EventLoop::NowNs();
      if (read_timer_ == 0) ArmReadTimer(options_.read_timeout);
    }
  }
  if (started_) UpdateEvents();
}

void Connection::Send(LinkBuffer&& data) {
  if (loop_->InLoopThread()) {
    SendInLoop(std::move(data));
  } else {
    loop_->Post([self = shared_from_this(), data = std::move(data)]() mutable {
      self->SendInLoop(std::move(data));
    });
  }
}

void Connection::Send(std::string_view data) {
  if (loop_->InLoopThread()) {
    if (closed_ || shutdown_requested_) return;
    output_.Write(data);
    SendOutput();
    return;
  }
  LinkBuffer copy;
  copy.Write(data);
  Send(std::move(copy));
}

void Connection::SendInLoop(LinkBuffer&& data) {
  if (closed_ || shutdown_requested_) return;
  output_.Append(std::move(data));
  SendOutput();
}

void Connection::SendOutput() {
  VIREO_DCHECK_IN_LOOP(loop_);
  output_.Flush();
  if (options_.max_pending_output > 0 && !paused_by_output_ &&
      output_.Len() > options_.max_pending_output) {
    paused_by_output_ = true;
    spdlog::debug("connection {}: {} bytes unsent, over max_pending_output ({}); reading paused",
                  peer_.ToString(), output_.Len(), options_.max_pending_output);
    UpdateReadInterest();
  }
  if (started_) ScheduleWrite();
}

void Connection::ScheduleWrite() {
  // With EPOLLOUT armed the next writable event does the write.
  // So does a sendmsg in flight, when it completes.
  if (write_scheduled_ || closed_ || (events_ & EPOLLOUT) || (uring_ && uring_->sending)) return;
  write_scheduled_ = true;
  // `this` stays valid: the reference dropped on close is released by a
  // task queued after this one.
  loop_->RunAtIterationEnd([this] {
    write_scheduled_ = false;
    HandleWrite();
  });
}

void Connection::Shutdown() {
  loop_->RunInLoop([self = shared_from_this()] {
    if (self->closed_ || self->shutdown_requested_) return;
    self->shutdown_requested_ = true;
    if (self->started_ && !self->write_scheduled_) self->HandleWrite();
  });
}

void Connection::Close(absl::Status reason) {
  loop_->RunInLoop([self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->CloseInLoop(std::move(reason));
  });
}

void Connection::HandleEvents(uint32_t events) {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (finished_) return;
  if (closed_) {
    // Lingering for zero-copy completions; a hung-up peer needs none.
    if (events & EPOLLERR) DrainErrorQueue();
    if (zerocopy_pending_.empty() || (events & EPOLLHUP)) FinishClose();
    return;
  }
  if (events & EPOLLERR) {
    HandleError();
    if (closed_) return;
  }
  // A paused connection reads only to learn that a hung-up peer is gone.
  if (((events & (EPOLLIN | EPOLLRDHUP)) && !reading_paused()) || (events & EPOLLHUP)) {
    HandleRead();
    if (closed_) return;
  }
  if (events & EPOLLOUT) HandleWrite();
}

void Connection::HandleError() {
  if (zerocopy_enabled_) DrainErrorQueue();
  int err = 0;
  socklen_t len = sizeof(err);
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    CloseInLoop(internal::ErrnoStatus(err, absl::StrCat("connection ", peer_.ToString())));
  } else if (!zerocopy_enabled_) {
    CloseInLoop(absl::UnavailableError(
        absl::StrCat("connection ", peer_.ToString(), ": socket error")));
  }
}

void Connection::HandleRead() {
  const size_t buffered_before = input_.Len();
  bool eof = false;
  for (int i = 0; i < kMaxReadsPerEvent; ++i) {
    char* p = input_.Malloc(read_size_);
    const ssize_t n = ::read(fd_, p, read_size_);
    if (n > 0) {
      input_.MallocAck(static_cast<size_t>(n));
      input_.Flush();
      if (static_cast<size_t>(n) == read_size_) {
        read_size_ = std::min(read_size_ * 2, std::max(options_.max_read_size, read_size_));
        continue;
      }
      if (static_cast<size_t>(n) < read_size_ / 2) {
        read_size_ = std::max(read_size_ / 2, options_.initial_read_size);
      }
      break;
    }
    input_.MallocAck(0);
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) break;
    CloseInLoop(internal::ErrnoStatus(errno, absl::StrCat("read from ", peer_.ToString())));
    return;
  }
  AfterRead(buffered_before, eof);
}

void Connection::AfterRead(size_t buffered_before, bool eof) {
  if (input_.Len() > 0) Touch();
  bool consumed = false;
  if (!DeliverInput(&consumed)) return;
  if (options_.read_timeout > absl::ZeroDuration() && !eof) {
    // Bytes left after the callback consumed some belong to a message that
    // began in this read.
    TrackIncompleteMessage(buffered_before == 0 || consumed);
  }
  if (eof) {
    // The rest of an incomplete message can no longer come.
    CancelReadTimer();
    peer_closed_ = true;
    events_ &= ~static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP);
    UpdateEvents();
    if (closed_) return;
    if (PeerClosedCallback cb = std::move(on_peer_closed_)) {
      // The owner finishes its replies, then calls Shutdown() or Close().
      cb(*this);
      return;
    }
    // Nobody to answer later: finish sending what is queued, then close.
    if (output_.Len() == 0 && !write_scheduled_) {
      CloseInLoop(absl::OkStatus());
      return;
    }
    shutdown_requested_ = true;
  }
}

bool Connection::DeliverInput(bool* consumed) {
  *consumed = false;
  if (input_.Len() > 0) {
    const size_t offered = input_.Len();
    if (on_message_) {
      // Held outside the member while it runs: a Close() from inside the
      // callback clears on_message_ and must not destroy the running callable.
      MessageCallback cb = std::move(on_message_);
      cb(*this, input_);
      if (!closed_) on_message_ = std::move(cb);
    } else {
      (void)input_.Skip(input_.Len());
    }
    if (closed_) return false;
    *consumed = input_.Len() != offered;
  }
  input_.Release();
  input_.TrimIfEmpty();
  return true;
}

void Connection::RedeliverInput() {
  if (redeliver_scheduled_ || input_.Len() == 0) return;
  redeliver_scheduled_ = true;
  loop_->RunAtIterationEnd([self = shared_from_this()] {
    self->redeliver_scheduled_ = false;
    if (self->closed_ || self->reading_paused()) return;
    bool consumed = false;
    if (!self->DeliverInput(&consumed)) return;
    if (self->options_.read_timeout > absl::ZeroDuration() && consumed) {
      self->TrackIncompleteMessage(true);
    }
  });
}

void Connection::HandleWrite() {
  if (closed_) return;
  if (uring_) {
    if (uring_->sending) return;  // its completion goes on
    if (output_.Len() > 0) {
      SubmitSend();
    } else {
      AfterWrite();
    }
    return;
  }
  while (output_.Len() > 0) {
    struct iovec iov[kMaxIov];
    const size_t count = output_.PeekIovecs(iov, kMaxIov, kMaxWriteBytes);
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) total += iov[i].iov_len;
    bool zerocopy = zerocopy_enabled_ && total >= options_.zerocopy_threshold;
    struct msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ++write_calls_;
    ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | (zerocopy ? MSG_ZEROCOPY : 0));
    if (n < 0 && zerocopy && errno == ENOBUFS) {
      // Out of option memory for pinned pages: send this one with a copy.
      zerocopy = false;
      n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      CloseInLoop(internal::ErrnoStatus(errno, absl::StrCat("write to ", peer_.ToString())));
      return;
    }
    Touch();
    if (zerocopy) {
      // The kernel reads these pages until it reports completion.
      zerocopy_pending_.push_back({zerocopy_next_id_++, *output_.Slice(static_cast<size_t>(n))});
    } else {
      (void)output_.Skip(static_cast<size_t>(n));
    }
    if (static_cast<size_t>(n) < total) break;
  }
  AfterWrite();
}

void Connection::AfterWrite() {
  output_.Release();
  if (paused_by_output_ && output_.Len() <= options_.max_pending_output / 2) {
    paused_by_output_ = false;
    UpdateReadInterest();  // applied by UpdateEvents() below
  }
  if (output_.Len() > 0) {
    events_ |= EPOLLOUT;
  } else {
    events_ &= ~static_cast<uint32_t>(EPOLLOUT);
    output_.TrimIfEmpty();
    if (shutdown_requested_ && !write_shut_) {
      if (peer_closed_) {
        CloseInLoop(absl::OkStatus());
        return;
      }
      ::shutdown(fd_, SHUT_WR);
      write_shut_ = true;
    }
  }
  UpdateEvents();
}

void Connection::DrainErrorQueue() {
  for (;;) {
    char control[256];
    struct msghdr msg{};
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    if (::recvmsg(fd_, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      const bool recverr = (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
                           (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR);
      if (!recverr) continue;
      const auto* err = reinterpret_cast<const struct sock_extended_err*>(CMSG_DATA(c));
      if (err->ee_origin != SO_EE_ORIGIN_ZEROCOPY || err->ee_errno != 0) continue;
      // Sends lo..hi (inclusive, wrapping) are complete.
      const uint32_t lo = err->ee_info;
      const uint32_t hi = err->ee_data;
      std::erase_if(zerocopy_pending_,
                    [&](const ZeroCopySend& s) { return s.id - lo <= hi - lo; });
    }
  }
}

void Connection::UpdateEvents() {
  if (closed_) return;
  if (uring_) {
    // Only the read interest applies: a send in flight waits by itself.
    const bool want = (events_ & EPOLLIN) != 0;
    if (want && !uring_->receiving) {
      ArmReceive();
    } else if (!want && uring_->receiving && !uring_->cancelling) {
      uring_->cancelling = true;
      loop_->uring()->PrepCancel(UringTag(kRecvOp));
    }
    return;
  }
  if (events_ == registered_events_) return;
  if (absl::Status s = loop_->Modify(fd_, events_, this); !s.ok()) {
    CloseInLoop(std::move(s));
    return;
  }
  registered_events_ = events_;
}

void Connection::CloseInLoop(absl::Status reason) {
  if (closed_) return;
  closed_ = true;
  if (idle_timer_ != 0) loop_->Cancel(idle_timer_);
  idle_timer_ = 0;
  CancelReadTimer();
  if (started_) loop_->AddLoad(-1);
  on_message_ = nullptr;
  on_peer_closed_ = nullptr;
  if (CloseCallback cb = std::move(on_close_)) cb(*this, reason);
  context_.reset();
  input_ = LinkBuffer();
  if (uring_ && uring_->in_flight > 0) {
    // The kernel still holds the receive and maybe a send (reading the
    // output's blocks): cancel them; the last completion finishes the close.
    loop_->uring()->PrepCancelFd(fd_);
    return;
  }
  output_ = LinkBuffer();
  if (started_ && !zerocopy_pending_.empty()) {
    // The kernel may still read pages of those sends: keep them until it
    // says it is done, or the linger runs out.
    if (loop_->Modify(fd_, 0, this).ok()) {
      linger_timer_ = loop_->RunAfter(options_.zerocopy_linger, [this] {
        linger_timer_ = 0;
        FinishClose();
      });
      return;
    }
  }
  FinishClose();
}

void Connection::FinishClose() {
  if (finished_) return;
  finished_ = true;
  if (linger_timer_ != 0) loop_->Cancel(linger_timer_);
  linger_timer_ = 0;
  if (started_ && !uring_) loop_->Remove(fd_);
  ::close(fd_);
  zerocopy_pending_.clear();
  output_ = LinkBuffer();
  // Stale events for this fd in the current batch still find the object.
  if (self_) loop_->RunAtIterationEnd([self = std::move(self_)] {});
}

void Connection::ArmReceive() {
  uring_->receiving = true;
  uring_->cancelling = false;
  OperationStarted();
  loop_->uring()->PrepRecvMultishot(fd_, UringTag(kRecvOp));
}

void Connection::SubmitSend() {
  const size_t count = output_.PeekIovecs(uring_->iov, kUringIov, kMaxWriteBytes);
  uring_->msg = {};
  uring_->msg.msg_iov = uring_->iov;
  uring_->msg.msg_iovlen = count;
  uring_->sending = true;
  ++write_calls_;
  OperationStarted();
  loop_->uring()->PrepSendmsg(fd_, &uring_->msg, UringTag(kSendOp));
}

uint64_t Connection::UringTag(UringOp op) const {
  // The CompletionHandler base's address: the loop hands completions to it.
  return internal::UringTag(static_cast<const CompletionHandler*>(this), op);
}

void Connection::OperationStarted() {
  if (uring_->in_flight++ == 0) loop_->TrackCompletions(this, true);
}

void Connection::OperationEnded() {
  if (--uring_->in_flight > 0) return;
  loop_->TrackCompletions(this, false);
  // A close waited for the kernel to let go of the socket and the output.
  if (closed_) FinishClose();
}

void Connection::HandleCompletion(unsigned op, int32_t res, uint32_t flags) {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (op == kRecvOp) {
    OnReceived(res, flags);
  } else {
    OnSent(res);
  }
}

void Connection::OnReceived(int32_t res, uint32_t flags) {
  const size_t buffered_before = input_.Len();
  if (res > 0 && (flags & IORING_CQE_F_BUFFER) != 0) {
    const auto id = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    if (!closed_) {
      input_.Write(loop_->uring()->Buffer(id, static_cast<size_t>(res)));
      input_.Flush();
    }
    loop_->uring()->Recycle(id);
  }
  const bool last = (flags & IORING_CQE_F_MORE) == 0;
  if (last) {
    uring_->receiving = false;
    uring_->cancelling = false;
  }
  // After this the connection may be finished (its release waits for the
  // end of the iteration, so `this` stays valid here).
  if (last) OperationEnded();
  if (closed_) return;
  if (res == 0) {
    events_ &= ~static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP);
    AfterRead(buffered_before, /*eof=*/true);
    return;
  }
  if (res < 0 && res != -ECANCELED && res != -ENOBUFS && res != -EINTR && res != -EAGAIN) {
    CloseInLoop(internal::ErrnoStatus(-res, absl::StrCat("read from ", peer_.ToString())));
    return;
  }
  // Bytes taken while paused wait for ResumeReading() to offer them.
  if (res > 0 && !reading_paused()) AfterRead(buffered_before, /*eof=*/false);
  // Out of provided buffers, or cancelled for a pause that has since
  // ended: receive again when reading is wanted.
  if (last && !closed_) UpdateEvents();
}

void Connection::OnSent(int32_t res) {
  uring_->sending = false;
  OperationEnded();
  if (closed_) return;
  if (res < 0) {
    if (res == -EINTR || res == -EAGAIN) {
      SubmitSend();
      return;
    }
    CloseInLoop(internal::ErrnoStatus(-res, absl::StrCat("write to ", peer_.ToString())));
    return;
  }
  Touch();
  (void)output_.Skip(static_cast<size_t>(res));
  output_.Release();
  if (output_.Len() > 0) {
    SubmitSend();
  } else {
    AfterWrite();
  }
}

void Connection::AbandonCompletions() {
  // The loop and its ring are gone; so are the operations.
  uring_->in_flight = 0;
  uring_->receiving = false;
  uring_->sending = false;
  if (!finished_) {
    finished_ = true;
    ::close(fd_);
  }
  std::shared_ptr<Connection> self = std::move(self_);  // may be the last reference
}

}  // namespace vireo::transport
