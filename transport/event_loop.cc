#include "vireo/transport/event_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>

#include "spdlog/spdlog.h"
#include "vireo/transport/internal/errors.h"
#include "vireo/transport/internal/uring.h"

namespace vireo::transport {

// Drains the eventfd that Post() writes to.
class EventLoop::Waker : public EventHandler {
 public:
  explicit Waker(EventLoop* loop) : loop_(loop) {}
  void HandleEvents(uint32_t) override {
    uint64_t value;
    while (::read(loop_->wake_fd_, &value, sizeof(value)) < 0 && errno == EINTR) {
    }
    loop_->wake_pending_.store(false, std::memory_order_seq_cst);
  }

 private:
  EventLoop* loop_;
};

namespace {
constexpr size_t kInitialEvents = 128;
constexpr size_t kMaxEvents = 4096;
}  // namespace

EventLoop::EventLoop()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      waker_(std::make_unique<Waker>(this)),
      events_(kInitialEvents) {
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    spdlog::critical("EventLoop: cannot create epoll/eventfd: {}", std::strerror(errno));
    std::abort();
  }
  if (absl::Status s = Add(wake_fd_, EPOLLIN, waker_.get()); !s.ok()) {
    spdlog::critical("EventLoop: {}", s.ToString());
    std::abort();
  }
}

EventLoop::~EventLoop() {
  if (uring_ != nullptr) {
    // The ring goes first, so that the kernel is done with every buffer
    // before the handlers that own them let go.
    uring_.reset();
    const absl::flat_hash_set<CompletionHandler*> abandoned = std::move(in_flight_);
    for (CompletionHandler* handler : abandoned) handler->AbandonCompletions();
  }
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

absl::Status EventLoop::EnableIoUring() { return EnableIoUring(internal::UringOptions()); }

absl::Status EventLoop::EnableIoUring(const internal::UringOptions& options) {
  VIREO_DCHECK_IN_LOOP(this);
  if (uring_ != nullptr) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<internal::Uring>> uring = internal::Uring::Create(options);
  if (!uring.ok()) return uring.status();
  uring_ = *std::move(uring);
  return absl::OkStatus();
}

void EventLoop::TrackCompletions(CompletionHandler* handler, bool in_flight) {
  VIREO_DCHECK_IN_LOOP(this);
  if (in_flight) {
    in_flight_.insert(handler);
  } else {
    in_flight_.erase(handler);
  }
}

int EventLoop::WaitUring(const struct timespec* timeout) {
  if (!epoll_polled_) {
    uring_->PrepPollMultishot(epoll_fd_, POLLIN, internal::Uring::kEpollReady);
    epoll_polled_ = true;
  }
  uring_->SubmitAndWait(timeout);
  completions_.clear();
  uring_->TakeCompletions(&completions_);
  iteration_start_ns_ = NowNs();
  int handled = 0;
  bool epoll_ready = false;
  for (const internal::Completion& c : completions_) {
    if (c.user_data == internal::Uring::kIgnored) continue;
    if (c.user_data == internal::Uring::kEpollReady) {
      epoll_ready = true;
      if ((c.flags & IORING_CQE_F_MORE) == 0) epoll_polled_ = false;
      continue;
    }
    ++handled;
    auto* handler = static_cast<CompletionHandler*>(internal::UringObject(c.user_data));
    handler->HandleCompletion(internal::UringOp(c.user_data), c.res, c.flags);
  }
  if (epoll_ready || epoll_pending_) {
    epoll_pending_ = false;
    const struct timespec zero = {};
    handled += DispatchEpoll(&zero);
  }
  return handled;
}

int EventLoop::DispatchEpoll(const struct timespec* timeout) {
  const int n = ::epoll_pwait2(epoll_fd_, events_.data(), static_cast<int>(events_.size()),
                               timeout, nullptr);
  if (uring_ == nullptr) iteration_start_ns_ = NowNs();
  if (n < 0 && errno != EINTR) {
    spdlog::error("EventLoop: epoll_pwait2: {}", std::strerror(errno));
  }
  bool others = false;
  for (int i = 0; i < n; ++i) {
    auto* handler = static_cast<EventHandler*>(events_[i].data.ptr);
    others = others || handler != waker_.get();
    handler->HandleEvents(events_[i].events);
  }
  if (n == static_cast<int>(events_.size()) && events_.size() < kMaxEvents) {
    events_.resize(events_.size() * 2);
  }
  // The ring's poll of epoll fires on new readiness only. A handler may
  // leave its descriptor ready (a listener accepts a bounded number per
  // event), and the events array may have been too small: look again
  // without blocking until epoll has nothing. The waker drains its
  // eventfd, and a later write wakes the poll anyway.
  if (uring_ != nullptr && others) epoll_pending_ = true;
  return std::max(n, 0);
}

int64_t EventLoop::NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {
thread_local EventLoop* current_loop = nullptr;
}  // namespace

EventLoop* EventLoop::Current() { return current_loop; }

namespace internal {
void CheckInLoop(bool ok, const char* method) {
  if (ok) return;
  // stderr, not the log: the process is about to abort.
  std::fprintf(stderr, "%s: called off its event loop's thread (the method is loop thread only)\n",
               method);
  std::abort();
}
}  // namespace internal

void EventLoop::Run() {
  owner_.store(std::this_thread::get_id(), std::memory_order_release);
  EventLoop* const outer = current_loop;
  current_loop = this;
  if (uring_ != nullptr) uring_->Enable();
  while (!quit_.load(std::memory_order_acquire)) {
    struct timespec timeout;
    struct timespec* timeout_ptr = nullptr;
    if (posted_from_loop_ || epoll_pending_) {
      // Tasks posted by the loop thread wait in posted_, or epoll events
      // the ring will not report again: poll, do not block.
      timeout = {};
      timeout_ptr = &timeout;
    } else if (!timer_heap_.empty()) {
      const int64_t wait = std::max<int64_t>(0, timer_heap_.front().when_ns - NowNs());
      timeout.tv_sec = wait / 1000000000;
      timeout.tv_nsec = wait % 1000000000;
      timeout_ptr = &timeout;
    }
    int n = 0;
    if (busy_poll_ns_ > 0 && timeout_ptr != &timeout) {
      // No timer due and nothing posted: spin on a zero timeout first.
      n = BusyPoll();
    } else if (busy_poll_ns_ > 0 && (timeout.tv_sec > 0 || timeout.tv_nsec > 0)) {
      n = BusyPoll();
      if (n == 0) {
        // The spin used part of the wait for the next timer.
        const int64_t wait = std::max<int64_t>(0, timer_heap_.front().when_ns - NowNs());
        timeout.tv_sec = wait / 1000000000;
        timeout.tv_nsec = wait % 1000000000;
      }
    }
    if (n == 0) n = uring_ != nullptr ? WaitUring(timeout_ptr) : DispatchEpoll(timeout_ptr);
    const int64_t busy_from = iteration_start_ns_;
    RunExpiredTimers();
    RunPostedTasks();
    RunIterationEnd();
    // Single writer: a load and a store, no locked instruction.
    busy_ns_.store(busy_ns_.load(std::memory_order_relaxed) + (NowNs() - busy_from),
                   std::memory_order_relaxed);
    iterations_.store(iterations_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  current_loop = outer;
  owner_.store(std::thread::id(), std::memory_order_release);
}

int EventLoop::BusyPoll() {
  const struct timespec zero = {};
  int64_t until = NowNs() + busy_poll_ns_;
  if (!timer_heap_.empty()) until = std::min(until, timer_heap_.front().when_ns);
  int n = 0;
  do {
    n = uring_ != nullptr ? WaitUring(&zero) : DispatchEpoll(&zero);
  } while (n == 0 && !quit_.load(std::memory_order_acquire) && NowNs() < until);
  return n;
}

void EventLoop::Stop() {
  quit_.store(true, std::memory_order_release);
  if (!InLoopThread()) Wake();
}

void EventLoop::Wake() {
  if (wake_pending_.exchange(true, std::memory_order_seq_cst)) return;
  const uint64_t one = 1;
  while (::write(wake_fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void EventLoop::Post(Task task) {
  {
    MutexLock lock(mu_);
    posted_.push_back(std::move(task));
  }
  if (InLoopThread()) {
    // Run later in this iteration, or (posted by a posted task) in the
    // next one, which must then not block.
    posted_from_loop_ = true;
  } else {
    Wake();
  }
}

void EventLoop::RunInLoop(Task task) {
  if (InLoopThread()) {
    std::move(task)();
  } else {
    Post(std::move(task));
  }
}

void EventLoop::RunAtIterationEnd(Task task) {
  VIREO_DCHECK_IN_LOOP(this);
  iteration_end_.push_back(std::move(task));
}

void EventLoop::RunPostedTasks() {
  posted_from_loop_ = false;
  {
    MutexLock lock(mu_);
    if (posted_.empty()) return;
    running_.swap(posted_);
  }
  for (Task& task : running_) std::move(task)();
  running_.clear();
}

void EventLoop::RunIterationEnd() {
  // Tasks may queue more; run until the queue stays empty.
  while (!iteration_end_.empty()) {
    iteration_end_running_.swap(iteration_end_);
    for (Task& task : iteration_end_running_) std::move(task)();
    iteration_end_running_.clear();
  }
}

EventLoop::TimerId EventLoop::RunAfter(absl::Duration delay, Task task) {
  VIREO_DCHECK_IN_LOOP(this);
  const TimerId id = ++next_timer_id_;
  const int64_t when = NowNs() + std::max<int64_t>(0, absl::ToInt64Nanoseconds(delay));
  timer_heap_.push_back(TimerEntry{when, id});
  std::push_heap(timer_heap_.begin(), timer_heap_.end(), std::greater<TimerEntry>());
  timers_.emplace(id, std::move(task));
  return id;
}

void EventLoop::Cancel(TimerId id) {
  VIREO_DCHECK_IN_LOOP(this);
  if (timers_.erase(id) == 0) return;
  ++cancelled_in_heap_;
  MaybeCompactTimers();
}

void EventLoop::MaybeCompactTimers() {
  // Left alone, a cancelled entry would stay until its deadline: calls that
  // complete long before a far deadline would pile up entries in
  // proportion to call rate times timeout. Rebuilding once the cancelled
  // outnumber the live costs O(1) per cancel, amortized.
  if (cancelled_in_heap_ < kMinTimerCompaction || cancelled_in_heap_ < timers_.size()) return;
  std::erase_if(timer_heap_, [this](const TimerEntry& e) { return !timers_.contains(e.id); });
  std::make_heap(timer_heap_.begin(), timer_heap_.end(), std::greater<TimerEntry>());
  cancelled_in_heap_ = 0;
}

void EventLoop::RunExpiredTimers() {
  if (timer_heap_.empty()) return;
  const int64_t now = NowNs();
  while (!timer_heap_.empty() && timer_heap_.front().when_ns <= now) {
    const TimerId id = timer_heap_.front().id;
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), std::greater<TimerEntry>());
    timer_heap_.pop_back();
    auto it = timers_.find(id);
    if (it == timers_.end()) {  // cancelled
      if (cancelled_in_heap_ > 0) --cancelled_in_heap_;
      continue;
    }
    Task task = std::move(it->second);
    timers_.erase(it);
    std::move(task)();
  }
}

absl::Status EventLoop::Add(int fd, uint32_t events, EventHandler* handler) {
  VIREO_DCHECK_IN_LOOP(this);
  struct epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    return internal::ErrnoStatus(errno, "epoll_ctl(ADD)");
  }
  return absl::OkStatus();
}

absl::Status EventLoop::Modify(int fd, uint32_t events, EventHandler* handler) {
  VIREO_DCHECK_IN_LOOP(this);
  struct epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) {
    return internal::ErrnoStatus(errno, "epoll_ctl(MOD)");
  }
  return absl::OkStatus();
}

void EventLoop::Remove(int fd) {
  VIREO_DCHECK_IN_LOOP(this);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

}  // namespace vireo::transport
