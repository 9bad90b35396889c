// Bytes: owned values, slices of received blocks, copies and moves.
#include "vireo/codec/bytes.h"

#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>

#include "gtest/gtest.h"
#include "vireo/codec/input.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {
namespace {

TEST(Bytes, OwnsWhatItIsMadeFrom) {
  Bytes a("abc");
  Bytes b(std::string_view("ab\0c", 4));
  Bytes c(std::string("xyz"));
  EXPECT_EQ(a.view(), "abc");
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(c, "xyz");
  EXPECT_FALSE(a.is_slice());
  EXPECT_TRUE(Bytes().empty());
}

TEST(Bytes, ComparesByContent) {
  EXPECT_EQ(Bytes("abc"), Bytes(std::string("abc")));
  EXPECT_EQ(Bytes("abc"), std::string_view("abc"));
  EXPECT_EQ(Bytes("abc"), std::string("abc"));
  EXPECT_NE(Bytes("abc"), Bytes("abd"));
  EXPECT_LT(Bytes("abc"), Bytes("abd"));
  std::set<Bytes> s{Bytes("b"), Bytes("a"), Bytes("b")};
  EXPECT_EQ(s.size(), 2u);
  std::unordered_set<Bytes> u{Bytes("b"), Bytes("a"), Bytes("b")};
  EXPECT_EQ(u.size(), 2u);
}

TEST(Bytes, AssignReusesCapacity) {
  Bytes b(std::string(100, 'x'));
  const char* before = b.data();
  b.assign(std::string(50, 'y'));
  EXPECT_EQ(b.data(), before);
  EXPECT_EQ(b.view(), std::string(50, 'y'));
}

TEST(Bytes, AssignFromItself) {
  Bytes b("hello world, longer than the small-string buffer");
  b.assign(b.view().substr(6, 5));
  EXPECT_EQ(b, "world");
}

TEST(Bytes, ReadsASliceWhenLongAndContiguous) {
  transport::LinkBuffer buf;
  const std::string payload(5000, 'p');
  buf.Write(payload);
  buf.Write("tail");
  buf.Flush();
  Bytes b;
  {
    Input in(buf);
    ASSERT_TRUE(b.ReadFrom(in, payload.size(), 4096));
  }
  EXPECT_TRUE(b.is_slice());
  EXPECT_EQ(b.view(), payload);
  EXPECT_EQ(buf.Len(), 4u);
  // The slice survives the source buffer's release and destruction.
  buf.Release();
  { transport::LinkBuffer gone = std::move(buf); }
  EXPECT_EQ(b.view(), payload);
}

TEST(Bytes, CopiesBelowTheThreshold) {
  transport::LinkBuffer buf;
  buf.Write(std::string(100, 'q'));
  buf.Flush();
  Bytes b;
  Input in(buf);
  ASSERT_TRUE(b.ReadFrom(in, 100, 4096));
  EXPECT_FALSE(b.is_slice());
  EXPECT_EQ(b.view(), std::string(100, 'q'));
}

TEST(Bytes, CopiesWhenTheBytesStraddleBlocks) {
  transport::LinkBuffer buf;
  // Two separately linked pieces: the value spans both.
  const std::string first(6000, 'a');
  const std::string second(6000, 'b');
  std::string* keep1 = new std::string(first);
  std::string* keep2 = new std::string(second);
  buf.WriteBinary(*keep1, [keep1] { delete keep1; });
  buf.WriteBinary(*keep2, [keep2] { delete keep2; });
  buf.Flush();
  Bytes b;
  Input in(buf);
  ASSERT_TRUE(b.ReadFrom(in, 12000, 4096));
  EXPECT_FALSE(b.is_slice());
  EXPECT_EQ(b.view(), first + second);
}

TEST(Bytes, ReadFailsWhenTooFewBytesRemain) {
  transport::LinkBuffer buf;
  buf.Write("abc");
  buf.Flush();
  Bytes b("keep");
  Input in(buf);
  EXPECT_FALSE(b.ReadFrom(in, 4, 1));
  EXPECT_EQ(in.remaining(), 3u);
}

TEST(Bytes, CopyOwnsMoveKeepsTheSlice) {
  transport::LinkBuffer buf;
  buf.Write(std::string(5000, 's'));
  buf.Flush();
  Bytes b;
  {
    Input in(buf);
    ASSERT_TRUE(b.ReadFrom(in, 5000, 1));
  }
  ASSERT_TRUE(b.is_slice());
  Bytes copy = b;
  EXPECT_FALSE(copy.is_slice());
  EXPECT_EQ(copy, b);
  Bytes moved = std::move(b);
  EXPECT_TRUE(moved.is_slice());
  EXPECT_EQ(moved.view(), std::string(5000, 's'));
  EXPECT_TRUE(b.empty());  // NOLINT: moved-from is specified empty
  EXPECT_FALSE(b.is_slice());
  moved.clear();
  EXPECT_FALSE(moved.is_slice());
  EXPECT_TRUE(moved.empty());
}

TEST(Bytes, PrintsEscaped) {
  std::ostringstream os;
  os << Bytes(std::string_view("a\"\\\x01\xff", 5));
  EXPECT_EQ(os.str(), "\"a\\\"\\\\\\x01\\xff\"");
}

}  // namespace
}  // namespace vireo::codec
