#include "vireo/codec/box.h"

#include <compare>
#include <optional>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace vireo::codec {
namespace {

// A type that holds a box of itself, as vireo-gen writes a struct that
// closes a by-value cycle.
struct Node {
  std::string name;
  Box<Node> next;
  bool operator==(const Node&) const = default;
  std::partial_ordering operator<=>(const Node&) const = default;
};

TEST(Box, StartsEmptyAndEmplaces) {
  Box<Node> b;
  EXPECT_FALSE(b.has_value());
  EXPECT_FALSE(static_cast<bool>(b));
  EXPECT_THROW(b.value(), std::bad_optional_access);
  b.emplace().name = "a";
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->name, "a");
  EXPECT_EQ((*b).name, "a");
  b.reset();
  EXPECT_FALSE(b.has_value());
  Box<Node> from_nullopt = std::nullopt;
  EXPECT_FALSE(from_nullopt.has_value());
}

TEST(Box, CopyIsDeep) {
  Node a{"a", Node{"b", Node{"c", {}}}};
  Node copy = a;
  EXPECT_EQ(copy, a);
  ASSERT_TRUE(copy.next.has_value());
  EXPECT_NE(&*copy.next, &*a.next);
  copy.next->next->name = "changed";
  EXPECT_EQ(a.next->next->name, "c");
  EXPECT_NE(copy, a);
}

TEST(Box, CopyAssignmentReusesTheHeldValue) {
  Node a{"a", Node{"b", {}}};
  Node b{"x", Node{"y", {}}};
  const Node* held = &*b.next;
  b = a;
  EXPECT_EQ(b, a);
  EXPECT_EQ(&*b.next, held);  // assigned into, not reallocated
  Node empty{"e", {}};
  b = empty;
  EXPECT_FALSE(b.next.has_value());
  b = b;  // self-assignment keeps the value
  EXPECT_EQ(b, empty);
}

TEST(Box, MoveLeavesTheSourceEmpty) {
  Box<Node> a = Node{"a", {}};
  const Node* held = &*a;
  Box<Node> b = std::move(a);
  EXPECT_EQ(&*b, held);
  EXPECT_FALSE(a.has_value());  // NOLINT(bugprone-use-after-move): the contract
}

TEST(Box, ComparesValues) {
  Box<Node> empty1;
  Box<Node> empty2;
  Box<Node> a = Node{"a", {}};
  Box<Node> a2 = Node{"a", {}};
  Box<Node> b = Node{"b", {}};
  EXPECT_EQ(empty1, empty2);
  EXPECT_EQ(a, a2);
  EXPECT_NE(a, empty1);
  EXPECT_NE(a, b);
  EXPECT_TRUE(empty1 < a);
  EXPECT_TRUE(a < b);
  EXPECT_TRUE((a <=> a2) == 0);
}

}  // namespace
}  // namespace vireo::codec
