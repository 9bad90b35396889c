// zlib over LinkBuffers: round trips, the inflated-size cap, bad streams.
#include "vireo/codec/zlib_transform.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

// `data` in a buffer whose blocks end at the cumulative sums of `pieces`
// (the last piece takes the rest).
LinkBuffer Chained(std::string_view data, const std::vector<size_t>& pieces) {
  LinkBuffer out;
  size_t off = 0;
  for (size_t i = 0; i <= pieces.size() && off <= data.size(); ++i) {
    const size_t n = i < pieces.size() ? std::min(pieces[i], data.size() - off) : data.size() - off;
    LinkBuffer piece;
    piece.Write(data.substr(off, n));
    out.Append(std::move(piece));
    off += n;
  }
  out.Flush();
  return out;
}

// Half text-like (compressible), half random.
std::string Sample(size_t n) {
  std::mt19937 rng(7);
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    if (rng() % 2 == 0) {
      s += "the quick brown fox jumps over the lazy dog ";
    } else {
      for (int i = 0; i < 40; ++i) s += static_cast<char>(rng());
    }
  }
  s.resize(n);
  return s;
}

TEST(Zlib, RoundTripsAcrossBlockEdges) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300 * 1024}}) {
    const std::string data = Sample(n);
    LinkBuffer in = Chained(data, {1, 7, 4096, 3, 9000, 65536});
    absl::StatusOr<LinkBuffer> packed = ZlibDeflate(in);
    ASSERT_TRUE(packed.ok()) << packed.status();
    EXPECT_EQ(in.Len(), n) << "deflate consumes nothing";
    // Inflate from a copy of the stream split at odd places too.
    const std::string stream = packed->ReadableCopy();
    LinkBuffer split = Chained(stream, {3, 5, 1000});
    absl::StatusOr<LinkBuffer> plain = ZlibInflate(split, 1 << 20);
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ(plain->Len(), n);
    EXPECT_EQ(plain->ReadableCopy(), data) << n;
  }
}

TEST(Zlib, LevelsAndTheirBounds) {
  const std::string data = Sample(50000);
  LinkBuffer in = Chained(data, {});
  for (int level : {0, 1, 9, kZlibDefaultLevel}) {
    absl::StatusOr<LinkBuffer> packed = ZlibDeflate(in, level);
    ASSERT_TRUE(packed.ok()) << level;
    EXPECT_EQ(ZlibInflate(*packed, data.size()).value().ReadableCopy(), data);
  }
  EXPECT_EQ(ZlibDeflate(in, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ZlibDeflate(in, -2).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Zlib, InflatesARangeWithoutConsuming) {
  const std::string data = Sample(5000);
  LinkBuffer packed = *ZlibDeflate(Chained(data, {}));
  const std::string stream = packed.ReadableCopy();
  LinkBuffer framed = Chained("head" + stream + "tail", {2, 10});
  absl::StatusOr<LinkBuffer> plain = ZlibInflate(framed, 4, stream.size(), 1 << 20);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->ReadableCopy(), data);
  EXPECT_EQ(framed.Len(), stream.size() + 8);
  EXPECT_EQ(ZlibInflate(framed, 4, stream.size() + 5, 1 << 20).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(Zlib, TheCapIsInclusive) {
  const std::string data(100000, 'a');
  LinkBuffer packed = *ZlibDeflate(Chained(data, {}));
  EXPECT_TRUE(ZlibInflate(packed, data.size()).ok());
  absl::StatusOr<LinkBuffer> over = ZlibInflate(packed, data.size() - 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().message(),
            "max_inflated_size exceeded: zlib payload inflated so far is 100000, the limit is "
            "99999");
}

TEST(Zlib, BombStopsRightAfterTheCap) {
  static const std::string zeros(1 << 20, '\0');
  LinkBuffer bomb;
  for (int i = 0; i < 100; ++i) bomb.WriteBinary(zeros, nullptr);
  bomb.Flush();
  absl::StatusOr<LinkBuffer> packed = ZlibDeflate(bomb);
  ASSERT_TRUE(packed.ok());
  EXPECT_LT(packed->Len(), 200u * 1024) << "100 MiB of zeros deflate to about 100 KiB";
  for (uint64_t cap : {uint64_t{1}, uint64_t{65536}, uint64_t{5} << 20}) {
    absl::StatusOr<LinkBuffer> plain = ZlibInflate(*packed, cap);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_NE(plain.status().message().find("is " + std::to_string(cap + 1) + ", the limit"),
              std::string::npos)
        << plain.status();
  }
}

TEST(Zlib, BadStreams) {
  const std::string data = Sample(20000);
  const std::string stream = ZlibDeflate(Chained(data, {})).value().ReadableCopy();

  absl::StatusOr<LinkBuffer> r = ZlibInflate(Chained("definitely not zlib", {}), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("malformed zlib input"), std::string::npos) << r.status();

  r = ZlibInflate(Chained(stream.substr(0, stream.size() - 10), {100}), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("the stream ends early"), std::string::npos) << r.status();

  r = ZlibInflate(Chained(stream + "xyz", {100}), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("3 bytes follow the end of the stream"), std::string::npos)
      << r.status();

  std::string flipped = stream;
  flipped[flipped.size() / 2] ^= 0x55;
  r = ZlibInflate(Chained(flipped, {}), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();

  r = ZlibInflate(Chained("", {}), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("the stream ends early"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace vireo::codec
