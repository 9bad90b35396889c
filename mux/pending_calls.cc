#include "vireo/mux/pending_calls.h"

#include <algorithm>

namespace vireo::mux {

PendingCalls::PendingCalls(size_t shards)
    : shard_count_(std::max<size_t>(shards, 1)), shards_(new Shard[shard_count_]) {}

bool PendingCalls::Insert(uint32_t seq, PendingCall&& entry) {
  Shard& shard = ShardFor(seq);
  transport::MutexLock lock(shard.mu);
  auto [it, inserted] = shard.calls.try_emplace(seq);
  if (!inserted) return false;
  it->second = std::move(entry);
  size_.fetch_add(1, std::memory_order_release);
  return true;
}

std::optional<PendingCall> PendingCalls::Take(uint32_t seq) {
  Shard& shard = ShardFor(seq);
  transport::MutexLock lock(shard.mu);
  auto it = shard.calls.find(seq);
  if (it == shard.calls.end()) return std::nullopt;
  std::optional<PendingCall> out(std::move(it->second));
  shard.calls.erase(it);
  size_.fetch_sub(1, std::memory_order_release);
  return out;
}

std::vector<std::pair<uint32_t, PendingCall>> PendingCalls::TakeAll() {
  std::vector<std::pair<uint32_t, PendingCall>> out;
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& shard = shards_[i];
    transport::MutexLock lock(shard.mu);
    for (auto& [seq, call] : shard.calls) out.emplace_back(seq, std::move(call));
    size_.fetch_sub(shard.calls.size(), std::memory_order_release);
    shard.calls.clear();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace vireo::mux
