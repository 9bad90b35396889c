#include "vireo/transport/event_loop_group.h"

#include <pthread.h>

#include <future>

#include "spdlog/spdlog.h"

namespace vireo::transport {

EventLoopGroup::EventLoopGroup(Options options) {
  int n = options.num_loops;
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  loops_.reserve(n);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) {
    loops_.push_back(std::make_unique<EventLoop>());
    loops_.back()->set_busy_poll(options.busy_poll);
    if (options.io_uring) {
      if (absl::Status s = loops_.back()->EnableIoUring(); !s.ok()) {
        spdlog::warn("{}-{}: io_uring unavailable, staying on epoll: {}", options.name, i,
                     s.ToString());
      }
    }
    EventLoop* loop = loops_.back().get();
    std::string name = (options.name + "-" + std::to_string(i)).substr(0, 15);
    threads_.emplace_back([loop, name = std::move(name)] {
      pthread_setname_np(pthread_self(), name.c_str());
      loop->Run();
    });
    // Return only when the loop runs: its first task answers.
    std::promise<void> running;
    loop->Post([&running] { running.set_value(); });
    running.get_future().wait();
  }
}

EventLoopGroup::~EventLoopGroup() { Stop(); }

void EventLoopGroup::Stop() {
  if (stopped_.exchange(true)) return;
  for (auto& loop : loops_) loop->Stop();
  for (auto& t : threads_) t.join();
}

EventLoop* EventLoopGroup::Next() {
  return loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()].get();
}

EventLoop* EventLoopGroup::LeastLoaded() {
  EventLoop* best = loops_[0].get();
  for (auto& loop : loops_) {
    if (loop->load() < best->load()) best = loop.get();
  }
  return best;
}

}  // namespace vireo::transport
