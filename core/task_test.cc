#include "vireo/core/task.h"

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace vireo {
namespace {

Task<int> Answer() { co_return 42; }

Task<int> Twice() { co_return 2 * co_await Answer(); }

Task<void> Throws() {
  throw std::runtime_error("boom");
  co_return;
}

Task<std::string> CatchesInner() {
  try {
    co_await Throws();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not caught";
}

TEST(Task, AwaitsNestedTasks) { EXPECT_EQ(BlockOn(Twice()), 84); }

TEST(Task, IsLazyUntilStarted) {
  bool ran = false;
  auto body = [&]() -> Task<void> {
    ran = true;
    co_return;
  };
  Task<void> t = body();
  EXPECT_FALSE(ran);
  BlockOn(std::move(t));
  EXPECT_TRUE(ran);
}

TEST(Task, ExceptionReachesTheAwaiter) { EXPECT_EQ(BlockOn(CatchesInner()), "caught boom"); }

TEST(Task, ExceptionReachesStartCallback) {
  bool seen = false;
  Throws().Start([&](Outcome<void> o) {
    seen = o.has_exception();
    EXPECT_EQ(o.value(), nullptr);
  });
  EXPECT_TRUE(seen);
}

TEST(Task, StartRunsDoneOnceWithTheValue) {
  int calls = 0;
  int value = 0;
  Twice().Start([&](Outcome<int> o) {
    ++calls;
    value = *o.value();
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(value, 84);
}

TEST(Task, UnstartedTaskIsDestroyedWithoutRunning) {
  bool ran = false;
  {
    auto body = [&]() -> Task<int> {
      ran = true;
      co_return 1;
    };
    Task<int> t = body();
  }
  EXPECT_FALSE(ran);
}

// Suspend() resumes on the thread that completes the work.
TEST(Task, SuspendResumesOnTheCompletingThread) {
  std::thread::id resumed_on;
  std::thread worker;
  auto body = [&]() -> Task<int> {
    int v = co_await Suspend<int>([&](absl::AnyInvocable<void(int) &&> resume) {
      worker = std::thread([r = std::move(resume)]() mutable { std::move(r)(7); });
    });
    resumed_on = std::this_thread::get_id();
    co_return v + 1;
  };
  EXPECT_EQ(BlockOn(body()), 8);
  std::thread::id worker_id = worker.get_id();
  worker.join();
  EXPECT_EQ(resumed_on, worker_id);
}

TEST(Task, SuspendCompletedInlineResumesInline) {
  auto body = []() -> Task<int> {
    int v = co_await Suspend<int>(
        [](absl::AnyInvocable<void(int) &&> resume) { std::move(resume)(5); });
    co_return v;
  };
  EXPECT_EQ(BlockOn(body()), 5);
}

// A coroutine whose frame holds `N` bytes across a suspension.
template <std::size_t N>
Task<int> Sized(int seed) {
  char buf[N];
  for (std::size_t i = 0; i < N; ++i) buf[i] = static_cast<char>(seed + i);
  co_await Answer();
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i) sum += buf[i];
  co_return sum;
}

TEST(TaskFrames, AFreedFrameIsReusedByTheNextTaskOfItsSize) {
  if (!transport::internal::ObjectCacheEnabled()) GTEST_SKIP() << "the object cache is off in this build";
  BlockOn(Sized<300>(1));  // warms this thread's cache for both frame sizes
  const std::size_t cached = transport::internal::CachedBytes();
  ASSERT_GT(cached, 0u);
  {
    Task<int> t = Sized<300>(2);  // takes a cached frame instead of malloc
    EXPECT_LT(transport::internal::CachedBytes(), cached);
  }
  EXPECT_EQ(transport::internal::CachedBytes(), cached);  // and gives it back
  // Values survive reuse: the frame is not shared with anything live.
  int expect = 0;
  for (int i = 0; i < 300; ++i) expect += static_cast<char>(7 + i);
  EXPECT_EQ(BlockOn(Sized<300>(7)), expect);
}

TEST(TaskFrames, LargeFramesBypassTheCache) {
  if (!transport::internal::ObjectCacheEnabled()) GTEST_SKIP() << "the object cache is off in this build";
  BlockOn(Sized<300>(1));
  const std::size_t cached = transport::internal::CachedBytes();
  int expect = 0;
  for (int i = 0; i < 8192; ++i) expect += static_cast<char>(3 + i);
  EXPECT_EQ(BlockOn(Sized<8192>(3)), expect);
  EXPECT_EQ(transport::internal::CachedBytes(), cached);
}

TEST(TaskFrames, TheCacheStaysUnderItsCap) {
  if (!transport::internal::ObjectCacheEnabled()) GTEST_SKIP() << "the object cache is off in this build";
  std::vector<Task<int>> tasks;
  for (int i = 0; i < 2000; ++i) tasks.push_back(Sized<1500>(i));  // ~3 MB of frames
  tasks.clear();
  EXPECT_LE(transport::internal::CachedBytes(), transport::internal::kObjectCacheBytes);
  EXPECT_GT(transport::internal::CachedBytes(), transport::internal::kObjectCacheBytes - 2048);
}

TEST(TaskFrames, AFrameEndedOnAnotherThreadGoesToThatThreadsCache) {
  if (!transport::internal::ObjectCacheEnabled()) GTEST_SKIP() << "the object cache is off in this build";
  Task<int> t = Sized<700>(5);
  std::size_t before = 0;
  std::size_t after = 0;
  std::thread other([&] {
    before = transport::internal::CachedBytes();
    int expect = 0;
    for (int i = 0; i < 700; ++i) expect += static_cast<char>(5 + i);
    EXPECT_EQ(BlockOn(std::move(t)), expect);
    after = transport::internal::CachedBytes();
  });
  other.join();
  EXPECT_EQ(before, 0u);
  EXPECT_GT(after, 700u);
}

}  // namespace
}  // namespace vireo
