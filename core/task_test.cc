#include "vireo/core/task.h"

#include <stdexcept>
#include <string>
#include <thread>

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

}  // namespace
}  // namespace vireo
