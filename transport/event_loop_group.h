// EventLoopGroup: N event loops, each running in a thread of its own.
//
// Example:
//   EventLoopGroup group({.num_loops = 2});
//   EventLoop* loop = group.Next();        // round-robin
//   loop->Post([] { ... });
//   group.Stop();                          // or let the destructor stop it
//
// Thread rules: every method is thread safe; the destructor must not run on
// one of the group's own loop threads.
#ifndef VIREO_TRANSPORT_EVENT_LOOP_GROUP_H_
#define VIREO_TRANSPORT_EVENT_LOOP_GROUP_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vireo/transport/event_loop.h"

namespace vireo::transport {

class EventLoopGroup {
 public:
  struct Options {
    // Loops (and threads). Default: 0 = one per hardware thread.
    int num_loops = 0;
    // Thread name prefix (visible in top -H); a loop's index is appended.
    std::string name = "vireo-loop";
    // Each loop's busy-poll before it blocks (EventLoop::set_busy_poll).
    // Default: zero (off).
    absl::Duration busy_poll = absl::ZeroDuration();
    // Each loop waits on an io_uring, and its connections receive and send
    // through it (EventLoop::EnableIoUring). A loop whose kernel refuses
    // stays on epoll, with a warning in the log. Default: false (epoll).
    bool io_uring = false;
  };

  // Starts the threads; returns once every loop is running.
  explicit EventLoopGroup(Options options);
  EventLoopGroup() : EventLoopGroup(Options()) {}
  // Stops and joins every loop.
  ~EventLoopGroup();
  EventLoopGroup(const EventLoopGroup&) = delete;
  EventLoopGroup& operator=(const EventLoopGroup&) = delete;

  // Stops every loop and joins its thread. Idempotent. Not from a loop thread.
  void Stop();

  size_t size() const { return loops_.size(); }
  EventLoop* loop(size_t i) const { return loops_[i].get(); }
  // The loops in turn.
  EventLoop* Next();
  // The loop with the fewest connections (ties go to the lowest index).
  EventLoop* LeastLoaded();

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_EVENT_LOOP_GROUP_H_
