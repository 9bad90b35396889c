// ReusedQueue<T>: a FIFO on a vector that keeps its capacity. std::deque
// frees and allocates a node every few elements even when it never holds
// more than a batch; a queue that is filled and drained once per loop turn
// (calls waiting for a socket, replies waiting for their turn) costs no
// allocation this way once it has grown to its working size.
//
// Example:
//   ReusedQueue<LinkBuffer> q;
//   q.emplace_back();
//   q[0] = std::move(reply);
//   while (!q.empty()) { Send(std::move(q.front())); q.pop_front(); }
//
// Popped elements stay (moved from or not) until the queue empties, or
// until they are half of it and at least 64, when they are erased: memory
// stays within twice the elements held.
//
// Thread rules: none of its own; guard it as a std::vector.
#ifndef VIREO_TRANSPORT_INTERNAL_REUSED_QUEUE_H_
#define VIREO_TRANSPORT_INTERNAL_REUSED_QUEUE_H_

#include <cstddef>
#include <utility>
#include <vector>

namespace vireo::transport::internal {

template <class T>
class ReusedQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  // The i-th element from the front.
  T& operator[](size_t i) { return items_[head_ + i]; }
  void push_back(T&& v) { items_.push_back(std::move(v)); }
  template <class... A>
  T& emplace_back(A&&... a) {
    return items_.emplace_back(std::forward<A>(a)...);
  }
  void pop_front() {
    if (++head_ == items_.size()) {
      clear();
    } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  // Empties the queue, keeping its capacity.
  void clear() {
    items_.clear();
    head_ = 0;
  }
  // From the newest element back to the oldest.
  auto rbegin() { return items_.rbegin(); }
  auto rend() { return items_.rend() - static_cast<std::ptrdiff_t>(head_); }
  // Takes every element, oldest first; the queue is left empty (and gives
  // up its capacity with them).
  std::vector<T> TakeAll() {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    return std::exchange(items_, {});
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace vireo::transport::internal

#endif  // VIREO_TRANSPORT_INTERNAL_REUSED_QUEUE_H_
