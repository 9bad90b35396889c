#include "vireo/core/internal/server_worker_pool.h"

#include <pthread.h>

#include <utility>

namespace vireo::internal {

WorkerPool::WorkerPool(int threads, const std::string& name) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Loop(); });
    // Linux caps thread names at 15 characters.
    const std::string thread_name = (name + std::to_string(i)).substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), thread_name.c_str());
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

void WorkerPool::Submit(Task task) {
  {
    transport::MutexLock lock(mu_);
    if (stopping_) return;  // `task` is destroyed on return, outside the lock
    queue_.push_back(std::move(task));
  }
  cv_.NotifyOne();
}

void WorkerPool::DropQueued() {
  std::deque<Task> dropped;
  {
    transport::MutexLock lock(mu_);
    dropped.swap(queue_);
  }
  // Destroyed here, outside the lock: a task's destructor may take others.
}

void WorkerPool::Shutdown() {
  {
    transport::MutexLock lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.NotifyAll();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  DropQueued();
}

void WorkerPool::Loop() {
  for (;;) {
    Task task;
    {
      transport::MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(mu_);
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace vireo::internal
