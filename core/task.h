// Task<T>: a lazy C++20 coroutine that produces a T (or throws).
//
// A Task does nothing until it is awaited (`co_await task`) or started
// detached with Start(); awaiting one resumes the awaiter, by symmetric
// transfer, on whichever thread finished the task. Handlers and calling
// styles are built on it: a server method's coroutine form returns
// Task<Response>, and `co_await client.co_echo(req)` is a Task too.
//
// Example:
//   vireo::Task<int> Answer() { co_return 42; }
//   vireo::Task<int> Twice() { co_return 2 * co_await Answer(); }
//   Twice().Start([](vireo::Outcome<int> r) { assert(*r.value() == 84); });
//
// An exception thrown inside a task travels to its awaiter (rethrown by
// co_await) or to Start()'s callback (as an exception_ptr).
//
// Thread rules: a Task is a move-only value owned by one thread at a time;
// it may finish, and so resume its awaiter, on another thread.
#ifndef VIREO_CORE_TASK_H_
#define VIREO_CORE_TASK_H_

#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/functional/any_invocable.h"
#include "vireo/transport/internal/object_cache.h"

namespace vireo {

template <class T = void>
class Task;

// How a detached task ended: its value, or the exception it threw.
template <class T>
class Outcome {
 public:
  using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  Outcome() = default;
  explicit Outcome(std::exception_ptr e) : v_(std::in_place_index<2>, std::move(e)) {}
  template <class... A>
  explicit Outcome(std::in_place_t, A&&... a) : v_(std::in_place_index<1>, std::forward<A>(a)...) {}

  bool has_value() const { return v_.index() == 1; }
  bool has_exception() const { return v_.index() == 2; }
  // The value; nullptr when the task threw. For T = void, a monostate.
  Stored* value() { return std::get_if<1>(&v_); }
  // In place, not by assigning a temporary Outcome: GCC 12 under ASan
  // warns that the temporary's exception_ptr may be uninitialized.
  template <class... A>
  void SetValue(A&&... a) {
    v_.template emplace<1>(std::forward<A>(a)...);
  }
  void SetException(std::exception_ptr e) { v_.template emplace<2>(std::move(e)); }
  std::exception_ptr exception() const {
    return has_exception() ? std::get<2>(v_) : std::exception_ptr();
  }
  // Returns the value or rethrows the exception.
  Stored Take() {
    if (has_exception()) std::rethrow_exception(std::get<2>(v_));
    return std::move(std::get<1>(v_));
  }

 private:
  std::variant<std::monostate, Stored, std::exception_ptr> v_;
};

namespace internal {

template <class T>
class PromiseBase {
 public:
  using Done = absl::AnyInvocable<void(Outcome<T>) &&>;

  // Frames come from the thread's object cache (transport/internal/
  // object_cache.h): a call through a generated handler makes two or three
  // of them, and in steady state none of them reaches malloc.
  static void* operator new(std::size_t size) { return transport::internal::CachedAlloc(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    transport::internal::CachedFree(frame, size);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.continuation_) return p.continuation_;
      // Detached: hand the outcome over, then free the frame.
      Done done = std::move(p.done_);
      Outcome<T> outcome = std::move(p.outcome_);
      h.destroy();
      if (done) std::move(done)(std::move(outcome));
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() { outcome_.SetException(std::current_exception()); }

  void set_continuation(std::coroutine_handle<> c) { continuation_ = c; }
  void set_done(Done done) { done_ = std::move(done); }
  Outcome<T>& outcome() { return outcome_; }

 protected:
  std::coroutine_handle<> continuation_;
  Done done_;
  Outcome<T> outcome_;
};

template <class T>
class Promise : public PromiseBase<T> {
 public:
  Task<T> get_return_object();
  template <class U>
  void return_value(U&& v) {
    this->outcome_.SetValue(std::forward<U>(v));
  }
};

template <>
class Promise<void> : public PromiseBase<void> {
 public:
  Task<void> get_return_object();
  void return_void() { this->outcome_.SetValue(); }
};

}  // namespace internal

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = internal::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  // Destroys a task that was never started.
  ~Task() {
    if (h_) h_.destroy();
  }

  bool valid() const { return h_ != nullptr; }

  // Awaiting runs the task and resumes the awaiter when it finishes.
  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle h;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        h.promise().set_continuation(awaiting);
        return h;
      }
      T await_resume() {
        Outcome<T>& o = h.promise().outcome();
        Handle owned = h;
        struct Destroy {
          Handle h;
          ~Destroy() { h.destroy(); }
        } destroy{owned};
        if constexpr (std::is_void_v<T>) {
          o.Take();
        } else {
          return o.Take();
        }
      }
    };
    return Awaiter{std::exchange(h_, {})};
  }

  // Runs the task detached, now, on this thread until its first suspension;
  // `done` runs once with the outcome, on the thread that finishes it. The
  // coroutine frame frees itself.
  void Start(absl::AnyInvocable<void(Outcome<T>) &&> done = nullptr) && {
    Handle h = std::exchange(h_, {});
    h.promise().set_done(std::move(done));
    h.resume();
  }

 private:
  Handle h_;
};

namespace internal {
template <class T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace internal

// A task that, when awaited, yields `value` at once (no suspension beyond
// its own start). For code that has its result before any asynchronous
// work, e.g. a generated handler's coroutine form calling the blocking one:
// one coroutine per result type instead of one per method.
template <class T>
Task<T> ReadyTask(T value) {
  co_return std::move(value);
}
inline Task<void> ReadyTask() { co_return; }

// Runs `task` and blocks the calling thread until it finishes; returns its
// value or rethrows its exception. For tests, main() and blocking adaptors;
// never on an event-loop thread (it would stall every connection there).
template <class T>
T BlockOn(Task<T> task) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Outcome<T>> result;
  std::move(task).Start([&](Outcome<T> o) {
    std::lock_guard<std::mutex> lock(mu);
    result.emplace(std::move(o));
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return result.has_value(); });
  if constexpr (std::is_void_v<T>) {
    result->Take();
  } else {
    return result->Take();
  }
}

// Suspends the awaiting coroutine and hands `start` a resume function;
// `start` begins some callback-driven work, and whoever finishes it calls
// the function with the result (once, on any thread, possibly before
// `start` returns). `co_await` yields that result.
//
// Example:
//   absl::Status s = co_await vireo::Suspend<absl::Status>(
//       [&](absl::AnyInvocable<void(absl::Status) &&> resume) {
//         conn.Call(std::move(req), [r = std::move(resume)](...) mutable { std::move(r)(st); });
//       });
template <class R, class Start>
auto Suspend(Start start) {
  struct Awaiter {
    Start start;
    std::optional<R> result;
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      // `this` lives in the suspended coroutine's frame, which the resume
      // function may free before `start` returns: run `start` from a local.
      Start local = std::move(start);
      std::move(local)(absl::AnyInvocable<void(R) &&>([this, h](R r) mutable {
        result.emplace(std::move(r));
        h.resume();
      }));
    }
    R await_resume() { return std::move(*result); }
  };
  return Awaiter{std::move(start), std::nullopt};
}

}  // namespace vireo

#endif  // VIREO_CORE_TASK_H_
