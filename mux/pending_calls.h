// PendingCalls: the calls of one multiplexed connection that wait for their
// replies, keyed by sequence id.
//
// The map is split into shards by sequence id (seq % shards), each with its
// own lock, so threads starting calls and the loop thread completing them
// rarely wait for each other. A lock guards only the insert, lookup and
// erase: the map hands an entry out (Take, TakeAll) and the caller runs its
// callback afterwards, never under a lock. Since only one taker can get a
// given entry, each callback runs exactly once.
//
// Example:
//   PendingCalls calls;                             // 32 shards
//   calls.Insert(7, PendingCall{std::move(done), 0, "echo"});
//   ...
//   if (std::optional<PendingCall> c = calls.Take(7)) {
//     std::move(c->done)(std::move(reply));         // outside any lock
//   } else {
//     // a late reply: the call already completed
//   }
//
// Thread rules: every method is thread safe.
#ifndef VIREO_MUX_PENDING_CALLS_H_
#define VIREO_MUX_PENDING_CALLS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "vireo/mux/client_connection.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/mutex.h"

namespace vireo::mux {

// One call waiting for its reply.
struct PendingCall {
  // The continuation; whoever takes the entry runs it, once.
  ReplyCallback done;
  // The loop timer that fails the call at its deadline. 0: none (yet).
  transport::EventLoop::TimerId timer = 0;
  // Method name, for error messages.
  std::string method;
  // True once the call's frame was handed to the socket: the call holds one
  // of the connection's in-flight slots.
  bool sent = false;
};

class PendingCalls {
 public:
  // Default shard count.
  static constexpr size_t kDefaultShards = 32;

  // `shards` locks (at least 1).
  explicit PendingCalls(size_t shards = kDefaultShards);
  PendingCalls(const PendingCalls&) = delete;
  PendingCalls& operator=(const PendingCalls&) = delete;

  // Adds the call waiting on `seq`. Returns false, leaving `entry` untouched
  // in the caller's hands, when `seq` is already waiting.
  bool Insert(uint32_t seq, PendingCall&& entry);

  // Removes and returns the call waiting on `seq`; std::nullopt when none
  // is (it completed already, or never existed).
  std::optional<PendingCall> Take(uint32_t seq);

  // Removes and returns every waiting call, with its sequence id, in
  // sequence id order.
  std::vector<std::pair<uint32_t, PendingCall>> TakeAll();

  // Runs `f(PendingCall&)` on the call waiting on `seq`, under its shard's
  // lock, and returns true; returns false when no call waits on `seq`.
  // `f` must only read or change the entry: it must not run user code or
  // touch this map.
  template <class F>
  bool Update(uint32_t seq, F&& f);

  // Calls waiting now. Thread safe; a snapshot.
  size_t size() const { return size_.load(std::memory_order_acquire); }
  size_t shard_count() const { return shard_count_; }

 private:
  // One cache line per shard head, so that locks of neighbouring shards do
  // not share a line.
  struct alignas(64) Shard {
    transport::Mutex mu;
    absl::flat_hash_map<uint32_t, PendingCall> calls ABSL_GUARDED_BY(mu);
  };

  Shard& ShardFor(uint32_t seq) { return shards_[seq % shard_count_]; }

  const size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<size_t> size_{0};
};

template <class F>
bool PendingCalls::Update(uint32_t seq, F&& f) {
  Shard& shard = ShardFor(seq);
  transport::MutexLock lock(shard.mu);
  auto it = shard.calls.find(seq);
  if (it == shard.calls.end()) return false;
  f(it->second);
  return true;
}

}  // namespace vireo::mux

#endif  // VIREO_MUX_PENDING_CALLS_H_
