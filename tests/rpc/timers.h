// A loop of its own that resumes coroutines after a delay, so that a
// "slow" test handler waits without blocking the server's loop. Shared by
// the RPC tests' handlers (test_service.h) and the soak test.
//
// Example:
//   rpctest::Timers timers;
//   co_await timers.Sleep(absl::Milliseconds(5));
//
// Thread rules: Sleep may be called from any thread; the coroutine resumes
// on the timers' own thread.
#ifndef VIREO_TESTS_RPC_TIMERS_H_
#define VIREO_TESTS_RPC_TIMERS_H_

#include <thread>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "vireo/core/task.h"
#include "vireo/transport/event_loop.h"

namespace rpctest {

class Timers {
 public:
  Timers() : thread_([this] { loop_.Run(); }) {}
  ~Timers() {
    loop_.Stop();
    thread_.join();
  }
  // co_await Sleep(d): resumes on the timer thread after `d`.
  auto Sleep(absl::Duration d) {
    return vireo::Suspend<bool>([this, d](absl::AnyInvocable<void(bool) &&> resume) {
      loop_.Post([this, d, resume = std::move(resume)]() mutable {
        loop_.RunAfter(d, [resume = std::move(resume)]() mutable { std::move(resume)(true); });
      });
    });
  }

 private:
  vireo::transport::EventLoop loop_;
  std::thread thread_;
};

}  // namespace rpctest

#endif  // VIREO_TESTS_RPC_TIMERS_H_
