#include "vireo/transport/internal/reused_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace vireo::transport::internal {
namespace {

TEST(ReusedQueue, IsFirstInFirstOutAcrossCompactions) {
  ReusedQueue<std::unique_ptr<int>> q;
  int next_in = 0;
  int next_out = 0;
  // Keeps 10..100 elements queued, so the popped prefix is erased many
  // times while the queue is never empty.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 90; ++i) q.push_back(std::make_unique<int>(next_in++));
    while (q.size() > 10) {
      ASSERT_NE(q.front(), nullptr);
      EXPECT_EQ(*q.front(), next_out++);
      q.pop_front();
    }
  }
  for (size_t i = 0; i < q.size(); ++i) EXPECT_EQ(*q[i], next_out + static_cast<int>(i));
  std::vector<std::unique_ptr<int>> rest = q.TakeAll();
  ASSERT_EQ(rest.size(), 10u);
  EXPECT_EQ(*rest.front(), next_out);
  EXPECT_TRUE(q.empty());
}

TEST(ReusedQueue, KeepsItsCapacityWhenDrained) {
  ReusedQueue<std::string> q;
  for (int i = 0; i < 100; ++i) q.push_back(std::string(100, 'x'));
  while (!q.empty()) q.pop_front();
  // The vector is reused: the next batch lands at the same address.
  q.push_back("a");
  const std::string* first = &q.front();
  q.pop_front();
  q.push_back("b");
  EXPECT_EQ(&q.front(), first);
  EXPECT_EQ(q.front(), "b");
}

TEST(ReusedQueue, IndexesAndIteratesFromTheFront) {
  ReusedQueue<int> q;
  for (int i = 0; i < 5; ++i) q.push_back(int{i});
  q.pop_front();
  q.pop_front();
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], 2);
  q[1] = 42;
  std::vector<int> back_to_front(q.rbegin(), q.rend());
  EXPECT_EQ(back_to_front, (std::vector<int>{4, 42, 2}));
  q.emplace_back(7);
  EXPECT_EQ(q[3], 7);
}

}  // namespace
}  // namespace vireo::transport::internal
