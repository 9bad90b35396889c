// Input and Output: the cursors every codec reads and writes through.
#include <string>

#include "gtest/gtest.h"
#include "vireo/codec/input.h"
#include "vireo/codec/output.h"

namespace vireo::codec {
namespace {

// A buffer holding `data` with block edges after each of `pieces` bytes.
transport::LinkBuffer Chained(std::string_view data, std::initializer_list<size_t> pieces) {
  transport::LinkBuffer out;
  size_t off = 0;
  for (size_t n : pieces) {
    transport::LinkBuffer piece;
    piece.Write(data.substr(off, n));
    out.Append(std::move(piece));
    off += n;
  }
  out.Flush();
  return out;
}

TEST(Input, ReadsIntegersAcrossEveryBlockEdge) {
  const std::string bytes = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e";
  for (size_t edge = 1; edge < bytes.size(); ++edge) {
    transport::LinkBuffer buf = Chained(bytes, {edge, bytes.size() - edge});
    {
      Input in(buf);
      uint16_t a;
      uint32_t b;
      uint64_t c;
      ASSERT_TRUE(in.ReadBE16(&a));
      ASSERT_TRUE(in.ReadBE32(&b));
      ASSERT_TRUE(in.ReadBE64(&c));
      EXPECT_EQ(a, 0x0102) << edge;
      EXPECT_EQ(b, 0x03040506u) << edge;
      EXPECT_EQ(c, 0x0708090a0b0c0d0eu) << edge;
      EXPECT_EQ(in.remaining(), 0u);
      uint8_t d;
      EXPECT_FALSE(in.ReadByte(&d));
    }
    EXPECT_EQ(buf.Len(), 0u) << "an Input consumes what it read";
  }
}

TEST(Input, ShortReadsConsumeNothing) {
  transport::LinkBuffer buf = Chained("abc", {1, 2});
  {
    Input in(buf);
    uint32_t v;
    EXPECT_FALSE(in.ReadBE32(&v));
    std::string s;
    EXPECT_FALSE(in.ReadString(4, &s));
    EXPECT_FALSE(in.Skip(4));
    EXPECT_EQ(in.remaining(), 3u);
    ASSERT_TRUE(in.ReadString(3, &s));
    EXPECT_EQ(s, "abc");
  }
  EXPECT_EQ(buf.Len(), 0u);
}

TEST(Input, StringsSlicesAndSkipsStraddleBlocks) {
  const std::string data = "0123456789abcdefghij";
  transport::LinkBuffer buf = Chained(data, {3, 4, 13});
  Input in(buf);
  std::string s;
  ASSERT_TRUE(in.ReadString(5, &s));
  EXPECT_EQ(s, "01234");
  ASSERT_TRUE(in.Skip(3));
  transport::LinkBuffer slice;
  ASSERT_TRUE(in.ReadSlice(6, &slice));
  EXPECT_EQ(*slice.ReadString(6), "89abcd");
  ASSERT_TRUE(in.ReadString(6, &s));
  EXPECT_EQ(s, "efghij");
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(Output, SmallWritesLandContiguouslyAndLeaveNoGaps) {
  transport::LinkBuffer buf;
  buf.Write("pre:");
  {
    Output out(buf, /*chunk=*/16);
    for (uint32_t i = 0; i < 100; ++i) out.WriteBE32(i);
    out.WriteVarint(300);
    out.WriteBytes("end", 3);
    EXPECT_EQ(out.written(), 400u + 2 + 3);
  }
  buf.Flush();
  ASSERT_EQ(buf.Len(), 4u + 400 + 2 + 3);
  EXPECT_EQ(*buf.ReadString(4), "pre:");
  Input in(buf);
  for (uint32_t i = 0; i < 100; ++i) {
    uint32_t v;
    ASSERT_TRUE(in.ReadBE32(&v));
    ASSERT_EQ(v, i);
  }
  uint8_t lo, hi;
  ASSERT_TRUE(in.ReadByte(&lo));
  ASSERT_TRUE(in.ReadByte(&hi));
  EXPECT_EQ(lo, 0xac);  // 300 = 0b10_0101100
  EXPECT_EQ(hi, 0x02);
  std::string s;
  ASSERT_TRUE(in.ReadString(3, &s));
  EXPECT_EQ(s, "end");
}

TEST(Output, LargeWritesTakeTheirOwnRegion) {
  transport::LinkBuffer buf;
  const std::string big(100000, 'z');
  {
    Output out(buf);
    out.WriteByte(1);
    out.WriteBytes(big.data(), big.size());
    out.WriteByte(2);
  }
  buf.Flush();
  ASSERT_EQ(buf.Len(), big.size() + 2);
  EXPECT_EQ(*buf.ReadString(1), "\x01");
  EXPECT_TRUE(*buf.ReadString(big.size()) == big);
  EXPECT_EQ(*buf.ReadString(1), "\x02");
}

}  // namespace
}  // namespace vireo::codec
