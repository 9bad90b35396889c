#include "vireo/transport/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/internal/uring.h"

namespace vireo::transport {
namespace {

// Runs a loop on its own thread for the length of a test.
class LoopThread {
 public:
  LoopThread() : thread_([this] { loop_.Run(); }) {
    std::promise<void> running;
    loop_.Post([&] { running.set_value(); });
    running.get_future().wait();
  }
  ~LoopThread() {
    loop_.Stop();
    thread_.join();
  }
  EventLoop& loop() { return loop_; }

  // Runs `fn` in the loop and waits for it.
  template <typename Fn>
  void Sync(Fn fn) {
    std::promise<void> done;
    loop_.Post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  EventLoop loop_;
  std::thread thread_;
};

// A task posted from inside a posted task, with no timer armed and no fd
// ready, must still run: nothing else would wake the loop.
TEST(EventLoop, PostFromTheLoopThreadWakesTheLoop) {
  LoopThread t;
  std::promise<int> depth;
  std::function<void(int)> chain = [&](int n) {
    if (n == 3) {
      depth.set_value(n);
      return;
    }
    t.loop().Post([&chain, n] { chain(n + 1); });
  };
  t.loop().Post([&] { chain(0); });
  std::future<int> f = depth.get_future();
  // A generous bound: a missed wake-up blocks forever, not for seconds.
  ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready)
      << "a task posted from the loop thread never ran";
  EXPECT_EQ(f.get(), 3);
}

// Loop-thread-only methods are checked (the build defines
// VIREO_ENABLE_DCHECKS or is a debug build).
#if !defined(NDEBUG) || defined(VIREO_ENABLE_DCHECKS)
TEST(EventLoopDeathTest, LoopThreadOnlyMethodOffTheLoopAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        LoopThread t;
        t.loop().RunAfter(absl::Seconds(1), [] {});
      },
      "RunAfter: called off its event loop's thread");
}
#endif

TEST(EventLoop, PostedTasksRunInTheLoopInOrder) {
  LoopThread t;
  std::vector<int> seen;
  std::atomic<bool> all_in_loop{true};
  for (int i = 0; i < 100; ++i) {
    t.loop().Post([&, i] {
      if (!t.loop().InLoopThread()) all_in_loop = false;
      seen.push_back(i);
    });
  }
  t.Sync([] {});
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_TRUE(all_in_loop);
  EXPECT_FALSE(t.loop().InLoopThread());
}

TEST(EventLoop, PostsFromManyThreadsAllRun) {
  LoopThread t;
  std::atomic<int> ran{0};
  std::vector<std::thread> posters;
  for (int p = 0; p < 4; ++p) {
    posters.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) t.loop().Post([&] { ran.fetch_add(1); });
    });
  }
  for (auto& p : posters) p.join();
  t.Sync([] {});
  EXPECT_EQ(ran.load(), 20000);
}

// Posts from another thread, a timer, idleness and Stop() on `loop`.
void ExpectPostsTimersAndStop(EventLoop& loop) {
  std::thread runner([&] { loop.Run(); });
  std::atomic<int> ran{0};
  std::atomic<bool> fired{false};
  // Posts from another thread, while the loop spins or sleeps.
  for (int i = 0; i < 1000; ++i) loop.Post([&] { ran.fetch_add(1); });
  loop.Post([&] { loop.RunAfter(absl::Milliseconds(20), [&] { fired = true; }); });
  absl::Time give_up = absl::Now() + absl::Seconds(30);
  while ((ran.load() < 1000 || !fired.load()) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_TRUE(fired.load()) << "a timer past the busy-poll window fired";
  // Idle now: the loop alternates spinning and sleeping; Stop still ends it.
  absl::SleepFor(absl::Milliseconds(10));
  loop.Stop();
  runner.join();
}

TEST(EventLoop, BusyPollingStillRunsPostsTimersAndStops) {
  EventLoop loop;
  loop.set_busy_poll(absl::Milliseconds(2));
  ExpectPostsTimersAndStop(loop);
}

TEST(EventLoop, IoUringLoopRunsPostsTimersAndStops) {
  // The wait goes through the ring; the wake-up eventfd and every other
  // epoll registration reach it through the ring's poll of epoll.
  EventLoop loop;
  const absl::Status enabled = loop.EnableIoUring();
  ASSERT_TRUE(enabled.ok()) << enabled;
  EXPECT_TRUE(loop.io_uring_enabled());
  ExpectPostsTimersAndStop(loop);
}

TEST(EventLoop, IoUringRefusesBadBufferOptionsAndStaysOnEpoll) {
  EventLoop loop;
  internal::UringOptions options;
  options.buffers = 3;  // not a power of two
  const absl::Status refused = loop.EnableIoUring(options);
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_NE(refused.message().find("power of two"), absl::string_view::npos) << refused;
  options.buffers = 4;
  options.buffer_size = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(loop.EnableIoUring(options)));
  EXPECT_FALSE(loop.io_uring_enabled());
  ExpectPostsTimersAndStop(loop);  // on epoll
}

TEST(EventLoop, IoUringLoopBusyPolls) {
  EventLoop loop;
  ASSERT_TRUE(loop.EnableIoUring().ok());
  loop.set_busy_poll(absl::Milliseconds(2));
  ExpectPostsTimersAndStop(loop);
}

TEST(EventLoop, IoUringLoopSeesManyReadyDescriptors) {
  // More ready epoll registrations than one epoll_pwait2 returns (128 at
  // first): the ring reports epoll readable once, and the loop must look
  // again until every one has been handled.
  EventLoop loop;
  ASSERT_TRUE(loop.EnableIoUring().ok());
  struct Reader : EventHandler {
    int fd = -1;
    std::atomic<int>* handled = nullptr;
    void HandleEvents(uint32_t) override {
      uint64_t v;
      if (::read(fd, &v, sizeof(v)) == sizeof(v)) handled->fetch_add(1);
    }
  };
  constexpr int kFds = 300;
  std::atomic<int> handled{0};
  std::vector<Reader> readers(kFds);
  for (Reader& r : readers) {
    r.fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    r.handled = &handled;
    ASSERT_TRUE(loop.Add(r.fd, EPOLLIN, &r).ok());
  }
  std::thread runner([&] { loop.Run(); });
  // All become ready at once, between two waits of the loop.
  std::promise<void> written;
  loop.Post([&] {
    const uint64_t one = 1;
    for (Reader& r : readers) EXPECT_EQ(::write(r.fd, &one, sizeof(one)), 8);
    written.set_value();
  });
  written.get_future().wait();
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (handled.load() < kFds && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_EQ(handled.load(), kFds);
  std::promise<void> removed;
  loop.Post([&] {
    for (Reader& r : readers) loop.Remove(r.fd);
    removed.set_value();
  });
  removed.get_future().wait();
  loop.Stop();
  runner.join();
  for (Reader& r : readers) ::close(r.fd);
}

TEST(EventLoop, BusyPollIsClamped) {
  EventLoop loop;
  EXPECT_EQ(loop.busy_poll(), absl::ZeroDuration());
  loop.set_busy_poll(absl::Seconds(5));
  EXPECT_EQ(loop.busy_poll(), EventLoop::kMaxBusyPoll);
  loop.set_busy_poll(-absl::Seconds(1));
  EXPECT_EQ(loop.busy_poll(), absl::ZeroDuration());
  loop.set_busy_poll(absl::Microseconds(50));
  EXPECT_EQ(loop.busy_poll(), absl::Microseconds(50));
}

TEST(EventLoop, RunInLoopRunsAtOnceOnTheLoopThread) {
  LoopThread t;
  t.Sync([&] {
    bool ran = false;
    t.loop().RunInLoop([&] { ran = true; });
    EXPECT_TRUE(ran);
  });
}

TEST(EventLoop, TimersFireInDeadlineOrderAndCancelWorks) {
  LoopThread t;
  std::vector<int> fired;
  std::promise<void> done;
  t.Sync([&] {
    t.loop().RunAfter(absl::Milliseconds(30), [&] { fired.push_back(3); });
    t.loop().RunAfter(absl::Milliseconds(10), [&] { fired.push_back(1); });
    const auto cancelled = t.loop().RunAfter(absl::Milliseconds(20), [&] { fired.push_back(2); });
    t.loop().RunAfter(absl::Milliseconds(40), [&] { done.set_value(); });
    t.loop().Cancel(cancelled);
  });
  done.get_future().wait();
  t.Sync([&] { EXPECT_EQ(fired, (std::vector<int>{1, 3})); });
}

// A call's deadline timer is cancelled when the reply comes, usually long
// before the deadline: the cancelled entries must not stay in the heap
// until their deadlines, or memory grows with call rate times timeout.
TEST(EventLoop, CancelledTimersDoNotPileUpUntilTheirDeadlines) {
  LoopThread t;
  std::vector<int> fired;
  std::promise<void> done;
  constexpr int kLive = 10;
  constexpr int kCancelled = 100000;
  size_t most_entries = 0;
  t.Sync([&] {
    for (int i = 0; i < kLive; ++i) {
      t.loop().RunAfter(absl::Milliseconds(20 + 10 * i), [&, i] {
        fired.push_back(i);
        if (i == kLive - 1) done.set_value();
      });
    }
    for (int i = 0; i < kCancelled; ++i) {
      const auto id = t.loop().RunAfter(absl::Hours(1), [&] { fired.push_back(-1); });
      t.loop().Cancel(id);
      most_entries = std::max(most_entries, t.loop().timer_entries());
    }
  });
  EXPECT_LE(most_entries, 2 * (kLive + EventLoop::kMinTimerCompaction));
  // The live timers survive the rebuilds and still fire in order.
  done.get_future().wait();
  t.Sync([&] {
    std::vector<int> want;
    for (int i = 0; i < kLive; ++i) want.push_back(i);
    EXPECT_EQ(fired, want);
    EXPECT_LE(t.loop().timer_entries(), 2 * EventLoop::kMinTimerCompaction);
  });
}

TEST(EventLoop, ZeroDelayTimerRunsOnNextIteration) {
  LoopThread t;
  std::promise<void> done;
  t.Sync([&] { t.loop().RunAfter(absl::ZeroDuration(), [&] { done.set_value(); }); });
  done.get_future().wait();
}

TEST(EventLoop, IterationEndRunsAfterTheBatch) {
  LoopThread t;
  std::vector<std::string> order;
  t.Sync([&] {
    t.loop().RunAtIterationEnd([&] {
      order.push_back("end");
      t.loop().RunAtIterationEnd([&] { order.push_back("end-again"); });
    });
    order.push_back("task");
  });
  t.Sync([] {});
  EXPECT_EQ(order, (std::vector<std::string>{"task", "end", "end-again"}));
}

// A readable eventfd delivers EPOLLIN to its handler through data.ptr.
class CountingHandler : public EventHandler {
 public:
  explicit CountingHandler(int fd) : fd_(fd) {}
  void HandleEvents(uint32_t events) override {
    if (events & EPOLLIN) {
      uint64_t v;
      (void)::read(fd_, &v, sizeof(v));
      total += v;
    }
  }
  int fd_;
  uint64_t total = 0;
};

TEST(EventLoop, DispatchesEventsToTheRegisteredHandler) {
  LoopThread t;
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  CountingHandler handler(fd);
  t.Sync([&] { ASSERT_TRUE(t.loop().Add(fd, EPOLLIN, &handler).ok()); });
  const uint64_t five = 5;
  ASSERT_EQ(::write(fd, &five, sizeof(five)), 8);
  for (int i = 0; i < 1000; ++i) {
    uint64_t seen = 0;
    t.Sync([&] { seen = handler.total; });
    if (seen == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.Sync([&] {
    EXPECT_EQ(handler.total, 5u);
    t.loop().Remove(fd);
  });
  ::close(fd);
}

TEST(EventLoop, StopFromAnotherThreadEndsRun) {
  EventLoop loop;
  std::thread runner([&] { loop.Run(); });
  loop.Stop();
  runner.join();
  SUCCEED();
}

TEST(EventLoopGroup, RoundRobinAndLeastLoaded) {
  EventLoopGroup group({.num_loops = 3});
  ASSERT_EQ(group.size(), 3u);
  EventLoop* a = group.Next();
  EventLoop* b = group.Next();
  EventLoop* c = group.Next();
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
  EXPECT_EQ(group.Next(), a);
  group.loop(0)->AddLoad(2);
  group.loop(1)->AddLoad(1);
  EXPECT_EQ(group.LeastLoaded(), group.loop(2));
  group.loop(2)->AddLoad(5);
  EXPECT_EQ(group.LeastLoaded(), group.loop(1));
  group.loop(0)->AddLoad(-2);
  group.loop(1)->AddLoad(-1);
  group.loop(2)->AddLoad(-5);
}

TEST(EventLoopGroup, EachLoopRunsOnItsOwnThread) {
  EventLoopGroup group({.num_loops = 2});
  std::thread::id ids[2];
  for (int i = 0; i < 2; ++i) {
    std::promise<void> done;
    group.loop(i)->Post([&, i] {
      ids[i] = std::this_thread::get_id();
      done.set_value();
    });
    done.get_future().wait();
  }
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[0], std::this_thread::get_id());
}

}  // namespace
}  // namespace vireo::transport
