// Decoding into a reused object allocates nothing: this binary replaces the
// global operator new/delete with counting versions and decodes fully
// populated structs (strings, vectors, sets, maps, unordered containers,
// unions, optionals, a binary slice) into the same object again and again.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "codec_test_types.h"
#include "complex_types.h"
#include "gtest/gtest.h"
#include "vireo/codec/serialize.h"
#include "vireo/transport/link_buffer.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_allocations{0};

void* CountedAlloc(size_t n, size_t align) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (n == 0) n = 1;
  void* p = align > alignof(std::max_align_t)
                ? std::aligned_alloc(align, (n + align - 1) / align * align)
                : std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(size_t n) { return CountedAlloc(n, 0); }
void* operator new[](size_t n) { return CountedAlloc(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return CountedAlloc(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a) {
  return CountedAlloc(n, static_cast<size_t>(a));
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  try {
    return CountedAlloc(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace vireo::codectest {
namespace {

using codec::Bytes;
using codec::ProtocolId;

// Counts the heap allocations `f` makes.
template <class F>
int64_t Allocations(F&& f) {
  g_allocations.store(0);
  g_counting.store(true);
  f();
  g_counting.store(false);
  return g_allocations.load();
}

Leaf MakeLeaf(int64_t id, size_t payload_size) {
  Leaf leaf;
  leaf.id = id;
  leaf.title = "a leaf title long enough to live on the heap " + std::to_string(id);
  leaf.payload = Bytes(std::string(payload_size, 'p'));
  leaf.path = {Point{1, 2}, Point{3, 4}};
  leaf.labels = Labels{{"label key on the heap, long enough", "label value on the heap, too"}};
  return leaf;
}

AllTypes Populated() {
  AllTypes v;
  v.b = true;
  v.i64v = 1;
  v.s = std::string(100, 's');
  v.bin = Bytes(std::string(8000, 'B'));  // over the slice threshold
  v.ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
  v.tags = {std::string(40, 'a'), std::string(40, 'b')};
  v.codes = {1, 2, 3};
  v.names = {std::string(40, 'n'), std::string(40, 'm')};
  v.counters = {{std::string(40, 'c'), 1}, {std::string(40, 'd'), 2}};
  v.by_id = {{1, MakeLeaf(1, 50)}, {2, MakeLeaf(2, 60)}};
  v.leaves = {MakeLeaf(3, 70), MakeLeaf(4, 80), MakeLeaf(5, 90)};
  v.matrix = {{1, 2}, {3, 4, 5}};
  v.bits = {true, false, true};
  v.typedef_list = {1, 2};
  v.labels = {{std::string(40, 'k'), std::string(40, 'v')}};
  v.note = std::string(40, 'o');
  v.choice.emplace();
  v.choice->mutable_leaf() = MakeLeaf(6, 10);
  v.plain_choice.set_list_value({std::string(40, 'x')});
  v.colors = {Color::RED, Color::BLUE};
  v.by_color = {{Color::GREEN, {std::string(40, 'g')}}};
  v.deque_ints = {1, 2, 3};
  v.hashed = {{std::string(40, 'h'), 1}, {std::string(40, 'i'), 2}};
  v.hashed_set = {7, 8, 9};
  v.region = std::string(40, 'r');
  v.must = 1;
  v.where = Point{5, 6};
  v.id_deque = {4, 5};
  v.bin_keys = {{Bytes(std::string(40, 'z')), 1}};
  v.uuids = {codec::Uuid{}};
  v.oops.reason = std::string(40, 'e');
  v.doubles = {1.5};
  v.nested_maps = {{1, {{2, true}}}};
  v.list_of_sets = {{std::string(40, 'q')}};
  return v;
}

// Encoded copies of `v`, each in one block, made before counting starts.
template <class T>
std::vector<transport::LinkBuffer> Inputs(const T& v, ProtocolId p, int n) {
  std::vector<transport::LinkBuffer> out(static_cast<size_t>(n));
  for (auto& buf : out) {
    codec::Encode(v, p, buf);
    buf.Flush();
  }
  return out;
}

class AllocTest : public ::testing::TestWithParam<ProtocolId> {};

INSTANTIATE_TEST_SUITE_P(Protocols, AllocTest,
                         ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return info.param == ProtocolId::kBinary ? "Binary" : "Compact";
                         });

TEST_P(AllocTest, CountingWorks) {
  EXPECT_GE(Allocations([] { delete new std::string(100, 'x'); }), 1);
}

TEST_P(AllocTest, DecodingIntoAReusedObjectAllocatesNothing) {
  const AllTypes v = Populated();
  constexpr int kWarmUp = 3;
  constexpr int kCounted = 20;
  std::vector<transport::LinkBuffer> inputs = Inputs(v, GetParam(), kWarmUp + kCounted);
  AllTypes reused;
  for (int i = 0; i < kWarmUp; ++i) {
    ASSERT_TRUE(codec::Decode(inputs[static_cast<size_t>(i)], GetParam(), &reused).ok());
  }
  ASSERT_EQ(reused, v);
  ASSERT_TRUE(reused.bin.is_slice());
  bool all_ok = true;
  const int64_t n = Allocations([&] {
    for (int i = kWarmUp; i < kWarmUp + kCounted; ++i) {
      all_ok = codec::Decode(inputs[static_cast<size_t>(i)], GetParam(), &reused).ok() && all_ok;
    }
  });
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(n, 0) << "heap allocations in " << kCounted << " decodes into a reused object";
  EXPECT_EQ(reused, v);
  EXPECT_TRUE(reused.bin.is_slice());
}

TEST_P(AllocTest, DecodingTheBenchmarkStructAllocatesNothing) {
  bench::Complex c;
  c.flag = true;
  c.name = std::string(64, 'n');
  c.blob = Bytes(std::string(64, 'b'));
  c.ids = {1, 2, 3, 4};
  c.tags = {std::string(32, 't'), std::string(32, 'u')};
  c.codes = {1, 2};
  c.counters = {{std::string(32, 'c'), 5}};
  bench::Item item;
  item.id = 1;
  item.title = std::string(32, 'i');
  item.payload = Bytes(std::string(32, 'p'));
  item.path = {bench::Point{1, 2}};
  item.labels = bench::Labels{{std::string(32, 'k'), std::string(32, 'v')}};
  c.items = {item, item};
  c.by_id = {{1, item}, {2, item}};
  c.note = std::string(32, 'o');
  c.value.emplace();
  c.value->set_str_value(std::string(32, 's'));
  c.matrix = {{1, 2}, {3}};
  std::vector<transport::LinkBuffer> inputs = Inputs(c, GetParam(), 13);
  bench::Complex reused;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(codec::Decode(inputs[static_cast<size_t>(i)], GetParam(), &reused).ok());
  }
  bool all_ok = true;
  const int64_t n = Allocations([&] {
    for (size_t i = 3; i < inputs.size(); ++i) {
      all_ok = codec::Decode(inputs[i], GetParam(), &reused).ok() && all_ok;
    }
  });
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(reused, c);
}

TEST_P(AllocTest, EncodingAllocatesNothingOnceTheBufferHasBlocks) {
  const AllTypes v = Populated();
  transport::LinkBuffer buf;
  for (int i = 0; i < 3; ++i) {
    codec::Encode(v, GetParam(), buf);
    buf.Flush();
    ASSERT_TRUE(buf.Skip(buf.Len()).ok());
    buf.Release();
  }
  // Every encode lands in blocks the pool kept from the warm-up.
  const int64_t n = Allocations([&] {
    for (int i = 0; i < 10; ++i) {
      codec::Encode(v, GetParam(), buf);
      buf.Flush();
      (void)buf.Skip(buf.Len());
      buf.Release();
    }
  });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace vireo::codectest
