#include "vireo/mux/pending_calls.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::mux {
namespace {

// An entry whose callback counts its runs in `*runs`.
PendingCall Counting(std::atomic<int>* runs, std::string method = "m") {
  PendingCall c;
  c.done = [runs](absl::StatusOr<IncomingReply>) { runs->fetch_add(1); };
  c.method = std::move(method);
  return c;
}

TEST(PendingCalls, InsertTakeAcrossShards) {
  PendingCalls calls(4);
  EXPECT_EQ(calls.shard_count(), 4u);
  std::atomic<int> runs{0};
  for (uint32_t seq = 1; seq <= 20; ++seq) {
    ASSERT_TRUE(calls.Insert(seq, Counting(&runs, "m" + std::to_string(seq))));
  }
  EXPECT_EQ(calls.size(), 20u);
  for (uint32_t seq = 1; seq <= 20; seq += 2) {
    std::optional<PendingCall> c = calls.Take(seq);
    ASSERT_TRUE(c.has_value()) << seq;
    EXPECT_EQ(c->method, "m" + std::to_string(seq));
    std::move(c->done)(absl::CancelledError("x"));
  }
  EXPECT_EQ(calls.size(), 10u);
  EXPECT_EQ(runs.load(), 10);
  // Taken entries are gone; a second take finds nothing.
  EXPECT_FALSE(calls.Take(1).has_value());
  EXPECT_FALSE(calls.Take(1000).has_value());

  std::vector<std::pair<uint32_t, PendingCall>> all = calls.TakeAll();
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].first, 2 * i + 2) << "TakeAll returns calls in sequence order";
    EXPECT_EQ(all[i].second.method, "m" + std::to_string(all[i].first));
  }
  EXPECT_EQ(calls.size(), 0u);
  EXPECT_TRUE(calls.TakeAll().empty());
  EXPECT_FALSE(calls.Take(2).has_value());
}

TEST(PendingCalls, DuplicateInsertIsRefusedAndKeepsTheEntry) {
  PendingCalls calls;
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  ASSERT_TRUE(calls.Insert(5, Counting(&first, "first")));
  PendingCall dup = Counting(&second, "second");
  EXPECT_FALSE(calls.Insert(5, std::move(dup)));
  // The refused entry stays with the caller, callback intact.
  ASSERT_TRUE(dup.done != nullptr);
  EXPECT_EQ(dup.method, "second");
  EXPECT_EQ(calls.size(), 1u);
  std::optional<PendingCall> c = calls.Take(5);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->method, "first");
}

TEST(PendingCalls, UpdateChangesOnlyWaitingEntries) {
  PendingCalls calls;
  std::atomic<int> runs{0};
  ASSERT_TRUE(calls.Insert(9, Counting(&runs)));
  EXPECT_TRUE(calls.Update(9, [](PendingCall& c) {
    c.timer = 42;
    c.sent = true;
  }));
  EXPECT_FALSE(calls.Update(10, [](PendingCall&) { FAIL() << "no entry 10"; }));
  std::optional<PendingCall> c = calls.Take(9);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->timer, 42u);
  EXPECT_TRUE(c->sent);
  EXPECT_FALSE(calls.Update(9, [](PendingCall&) { FAIL() << "taken"; }));
}

TEST(PendingCalls, ZeroShardsMeansOne) {
  PendingCalls calls(0);
  EXPECT_EQ(calls.shard_count(), 1u);
  std::atomic<int> runs{0};
  ASSERT_TRUE(calls.Insert(0xFFFFFFFFu, Counting(&runs)));
  EXPECT_TRUE(calls.Take(0xFFFFFFFFu).has_value());
}

// Threads insert disjoint ranges while others take them (and a TakeAll runs
// in the middle); every callback runs exactly once, whoever took it.
TEST(PendingCalls, ConcurrentInsertAndTakeRunEachCallbackOnce) {
  constexpr uint32_t kPerThread = 5000;
  constexpr int kInserters = 4;
  constexpr uint32_t kTotal = kPerThread * kInserters;
  PendingCalls calls;
  std::vector<std::atomic<int>> runs(kTotal + 1);
  std::atomic<uint32_t> inserted{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kInserters; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kPerThread; ++i) {
        const uint32_t seq = 1 + static_cast<uint32_t>(t) * kPerThread + i;
        PendingCall c;
        c.done = [&runs, seq](absl::StatusOr<IncomingReply>) { runs[seq].fetch_add(1); };
        ASSERT_TRUE(calls.Insert(seq, std::move(c)));
        inserted.fetch_add(1);
      }
    });
  }
  // Takers sweep every id repeatedly until all were inserted and the map is
  // empty; each id is taken by at most one of them.
  std::atomic<bool> took_all{false};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        const bool all_in = inserted.load() == kTotal;
        for (uint32_t seq = 1 + static_cast<uint32_t>(t); seq <= kTotal; seq += 3) {
          if (std::optional<PendingCall> c = calls.Take(seq)) {
            std::move(c->done)(absl::CancelledError("taken"));
          }
        }
        if (t == 0 && !took_all.exchange(true)) {
          for (auto& [seq, c] : calls.TakeAll()) std::move(c.done)(absl::CancelledError("all"));
        }
        if (all_in && calls.size() == 0) return;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(calls.size(), 0u);
  for (uint32_t seq = 1; seq <= kTotal; ++seq) {
    ASSERT_EQ(runs[seq].load(), 1) << "seq " << seq;
  }
}

}  // namespace
}  // namespace vireo::mux
