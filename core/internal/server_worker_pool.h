// WorkerPool: a fixed set of threads that run the server's handlers when
// ServerOptions::worker_threads > 0.
//
// Example:
//   WorkerPool pool(4, "vireo-worker");
//   pool.Submit([] { ... });
//   pool.Shutdown();   // drops what is queued, joins after the running tasks
//
// Thread rules: Submit from any thread; Shutdown (and the destructor) from
// a thread that is not one of the pool's.
#ifndef VIREO_CORE_INTERNAL_SERVER_WORKER_POOL_H_
#define VIREO_CORE_INTERNAL_SERVER_WORKER_POOL_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "vireo/transport/mutex.h"

namespace vireo::internal {

class WorkerPool {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // Starts `threads` threads named `name` plus their index.
  WorkerPool(int threads, const std::string& name);
  // Shutdown().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; tasks start in submission order. After Shutdown() the
  // task is destroyed without running. Thread safe.
  void Submit(Task task);
  // Destroys the tasks queued and not yet started (a task that owns a call
  // abandons it). Thread safe.
  void DropQueued();
  // Drops what is still queued, lets the running tasks finish and joins
  // every thread. A task that blocks forever blocks this. Idempotent.
  void Shutdown();
  // Tasks queued and not yet started. Thread safe.
  size_t queued() {
    transport::MutexLock lock(mu_);
    return queue_.size();
  }

 private:
  void Loop();

  transport::Mutex mu_;
  transport::CondVar cv_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_SERVER_WORKER_POOL_H_
