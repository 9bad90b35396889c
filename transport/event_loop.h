// EventLoop: one epoll instance driven by one thread.
//
// Level-triggered epoll; each registered fd carries its EventHandler's
// pointer in epoll_event.data.ptr, so dispatch needs no fd-to-object lookup.
// Other threads hand work to the loop with Post() (an eventfd wakes it).
// Timers (a min-heap keyed by deadline) serve idle, connect and call
// deadlines.
//
// One iteration: wait for events (up to the nearest timer), dispatch them,
// run expired timers, run posted tasks, then run the end-of-iteration queue
// (where connections merge everything queued in the iteration into one
// writev, and closed objects are finally released).
//
// With EnableIoUring() the loop waits on an io_uring instead: connections
// receive and send through it (CompletionHandler), everything prepared in
// an iteration is submitted by the one io_uring_enter that waits for the
// next, and the epoll instance (listeners, dialers, the wake-up eventfd)
// is itself polled through the ring.
//
// Example:
//   EventLoop loop;
//   std::thread t([&] { loop.Run(); });
//   loop.Post([&] { loop.RunAfter(absl::Milliseconds(5), [&] { loop.Stop(); }); });
//   t.join();
//
// Thread rules: the loop thread is the thread inside Run(). Methods say
// "Any thread." or "Loop thread only."; before Run() starts there is no loop
// thread, and "loop thread only" methods may be called by the thread that
// will call Run(), before it does.
#ifndef VIREO_TRANSPORT_EVENT_LOOP_H_
#define VIREO_TRANSPORT_EVENT_LOOP_H_

#include <sys/epoll.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/transport/mutex.h"

// Checked thread rules: VIREO_DCHECK_IN_LOOP(loop) aborts with a message
// naming the method when a "loop thread only" method runs on another thread
// while the loop runs. On in debug builds and wherever VIREO_ENABLE_DCHECKS
// is defined (the sanitizer builds define it); compiled out otherwise.
#if !defined(NDEBUG) || defined(VIREO_ENABLE_DCHECKS)
#define VIREO_DCHECK_IN_LOOP(loop) \
  ::vireo::transport::internal::CheckInLoop((loop)->MayActAsLoopThread(), __func__)
#else
#define VIREO_DCHECK_IN_LOOP(loop) static_cast<void>(0)
#endif

namespace vireo::transport {

namespace internal {
// Aborts with a message naming `method` when `ok` is false.
void CheckInLoop(bool ok, const char* method);
class Uring;
struct UringOptions;
struct Completion;
}  // namespace internal

// Receives readiness events for one fd. Implemented by connections,
// listeners and dialers; never by users directly.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLERR, ...).
  // Called in the loop thread.
  virtual void HandleEvents(uint32_t events) = 0;
};

// Receives the completions of io_uring operations it submitted through
// its loop's uring() (connections, in a loop with io_uring enabled). Must
// be at least 8-byte aligned: the low 3 bits of user_data carry `op`.
class CompletionHandler {
 public:
  virtual ~CompletionHandler() = default;
  // One completion of operation `op`: the result (a byte count, or
  // -errno) and the CQE flags. Called in the loop thread.
  virtual void HandleCompletion(unsigned op, int32_t res, uint32_t flags) = 0;
  // The loop is being destroyed with operations of this handler still in
  // flight: the ring is gone, no completion will come, and the handler
  // releases what it kept for them. Called on the destroying thread,
  // after the loop's thread ended.
  virtual void AbandonCompletions() = 0;
};

class EventLoop {
 public:
  using Task = absl::AnyInvocable<void() &&>;
  using TimerId = uint64_t;

  // Creates the epoll instance and the wake-up eventfd; aborts if the
  // process cannot make them (out of file descriptors at start-up).
  EventLoop();
  // Drops (without running) tasks and timers still queued. The loop must
  // not be running.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs iterations until Stop(). Makes the calling thread the loop thread.
  void Run();
  // Before blocking for events, polls without blocking for up to `d` (or
  // until the next timer): a request or reply that comes within it costs no
  // sleep and wake-up of the thread, at the price of a busy CPU meanwhile.
  // Clamped to [0, kMaxBusyPoll]. Default: zero (block at once). Before
  // Run(), or in the loop thread.
  void set_busy_poll(absl::Duration d) {
    busy_poll_ns_ = absl::ToInt64Nanoseconds(std::clamp(d, absl::ZeroDuration(), kMaxBusyPoll));
  }
  absl::Duration busy_poll() const { return absl::Nanoseconds(busy_poll_ns_); }
  static constexpr absl::Duration kMaxBusyPoll = absl::Milliseconds(10);
  // Ends Run() after the current iteration. Any thread.
  void Stop();

  // Makes the loop wait on an io_uring, and connections started on it
  // receive (multishot, into provided buffers) and send through it. Before
  // Run(), from the thread that made the loop or the one that will run
  // it. The error is the kernel's refusal (no io_uring, not allowed, out
  // of locked memory; FailedPrecondition before Linux 6.1); the loop then
  // stays on epoll.
  absl::Status EnableIoUring();
  absl::Status EnableIoUring(const internal::UringOptions& options);
  // True once EnableIoUring() succeeded. Any thread.
  bool io_uring_enabled() const { return uring_ != nullptr; }
  // The ring, for connections to prepare operations on; nullptr without
  // io_uring. Loop thread only.
  internal::Uring* uring() { return uring_.get(); }
  // Counts `handler` as having operations in flight (or, with false, no
  // longer): a loop destroyed meanwhile calls its AbandonCompletions().
  // Loop thread only.
  void TrackCompletions(CompletionHandler* handler, bool in_flight);

  // The loop running on the calling thread (inside its Run()), or nullptr.
  // Lets code refuse to block a loop thread. Any thread.
  static EventLoop* Current();

  // True in the loop thread. Any thread.
  bool InLoopThread() const {
    return owner_.load(std::memory_order_acquire) == std::this_thread::get_id();
  }
  // True in the loop thread, and on any thread while no thread is inside
  // Run() (before it starts, or after it returned): what "loop thread only"
  // allows. Any thread; for the VIREO_DCHECK_IN_LOOP assertion.
  bool MayActAsLoopThread() const {
    const std::thread::id owner = owner_.load(std::memory_order_acquire);
    return owner == std::thread::id() || owner == std::this_thread::get_id();
  }

  // Runs `task` in the loop thread soon, in posting order. Any thread;
  // from the loop thread itself (inside an event, a timer or a posted
  // task) it runs before the loop next waits for events.
  void Post(Task task);
  // Runs `task` now when called in the loop thread, else posts it.
  void RunInLoop(Task task);
  // Runs `task` at the end of the current iteration, after events, timers
  // and posted tasks. Loop thread only.
  void RunAtIterationEnd(Task task);

  // Runs `task` once, `delay` from now. Loop thread only.
  TimerId RunAfter(absl::Duration delay, Task task);
  // Cancels a timer that has not run; a no-op otherwise. Loop thread only.
  // A cancelled timer's entry leaves the heap soon, not at its deadline:
  // the heap holds at most about twice the live timers (plus a constant),
  // however many were cancelled, and however far off their deadlines.
  void Cancel(TimerId id);
  // Entries in the timer heap, cancelled ones not yet dropped included.
  // Loop thread only; for tests.
  size_t timer_entries() const { return timer_heap_.size(); }
  // Cancelled entries the timer heap may hold before it is rebuilt without
  // them (it is rebuilt once they are this many and outnumber the live).
  static constexpr size_t kMinTimerCompaction = 1024;

  // Registers `fd` for `events` (EPOLLIN, EPOLLOUT, ... level-triggered),
  // delivering them to `handler`, which must stay alive until Remove(fd).
  // Loop thread only.
  absl::Status Add(int fd, uint32_t events, EventHandler* handler);
  // Changes the events of a registered fd. Loop thread only.
  absl::Status Modify(int fd, uint32_t events, EventHandler* handler);
  // Unregisters `fd`. Loop thread only.
  void Remove(int fd);

  // Connections owned by this loop; kept by Connection, read by
  // EventLoopGroup to pick the least loaded loop. Any thread.
  int64_t load() const { return load_.load(std::memory_order_relaxed); }
  void AddLoad(int64_t delta) { load_.fetch_add(delta, std::memory_order_relaxed); }

  // The monotonic clock timers run on (steady_clock), in nanoseconds. Any
  // thread.
  static int64_t NowNs();
  // NowNs() as read when this iteration's events came back from epoll: a
  // time stamp for what the iteration handles without a clock read of its
  // own (a read costs 20-30 ns). Loop thread only.
  int64_t iteration_start_ns() const { return iteration_start_ns_; }

  // Completed iterations, and the time they spent outside epoll (handling
  // events, timers and tasks). Any thread.
  uint64_t iterations() const { return iterations_.load(std::memory_order_relaxed); }
  absl::Duration busy_time() const {
    return absl::Nanoseconds(busy_ns_.load(std::memory_order_relaxed));
  }

 private:
  class Waker;
  struct TimerEntry {
    int64_t when_ns;
    TimerId id;
    bool operator>(const TimerEntry& o) const {
      return when_ns != o.when_ns ? when_ns > o.when_ns : id > o.id;
    }
  };

  void Wake();
  // The io_uring form of the wait and the dispatch: returns the number of
  // completions and epoll events handled.
  int WaitUring(const struct timespec* timeout);
  int DispatchEpoll(const struct timespec* timeout);
  void RunExpiredTimers();
  // Drops cancelled entries from the heap once they outnumber the live ones.
  void MaybeCompactTimers();
  void RunPostedTasks();
  void RunIterationEnd();

  int epoll_fd_;
  int wake_fd_;
  std::unique_ptr<Waker> waker_;
  std::atomic<std::thread::id> owner_;
  std::atomic<bool> quit_{false};
  std::atomic<bool> wake_pending_{false};
  // A task was posted from the loop thread since posted tasks last ran: the
  // next wait must not block. Loop thread only.
  bool posted_from_loop_ = false;
  std::atomic<int64_t> load_{0};
  // Polls with a zero timeout until an event, Stop(), the next timer or
  // busy_poll_ns_ from now; returns what epoll returned last.
  int BusyPoll();
  int64_t busy_poll_ns_ = 0;
  std::atomic<uint64_t> iterations_{0};
  std::atomic<int64_t> busy_ns_{0};
  int64_t iteration_start_ns_ = 0;  // loop thread

  Mutex mu_;
  std::vector<Task> posted_ ABSL_GUARDED_BY(mu_);
  std::vector<Task> running_;  // loop thread

  std::vector<Task> iteration_end_;  // loop thread
  std::vector<Task> iteration_end_running_;
  std::vector<struct epoll_event> events_;

  std::unique_ptr<internal::Uring> uring_;
  bool epoll_polled_ = false;  // the ring's poll of epoll_fd_ is armed
  // The last epoll_pwait2 returned events other than the waker's: look
  // again without blocking (the ring's poll reports new readiness only).
  bool epoll_pending_ = false;
  std::vector<internal::Completion> completions_;
  absl::flat_hash_set<CompletionHandler*> in_flight_;  // loop thread

  // A min-heap on (when_ns, id) (std::push_heap with std::greater). An
  // entry whose id is not in timers_ was cancelled; cancelled_in_heap_
  // counts those.
  std::vector<TimerEntry> timer_heap_;
  size_t cancelled_in_heap_ = 0;
  absl::flat_hash_map<TimerId, Task> timers_;
  TimerId next_timer_id_ = 0;
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_EVENT_LOOP_H_
