// LatencyHistogram: a log-linear histogram of durations in nanoseconds, in
// the manner of HdrHistogram.
//
// Values below 128 ns get a bucket each; above that every power of two is
// split into 64 equal buckets, so a bucket is at most 1/64 (1.6%) of its
// values wide and a quantile read at the bucket's midpoint is within 0.8%.
// Recording is an index computation and an increment: cheap enough to run
// once per request on the thread that measured it. Each thread keeps its own
// histogram and they are merged at the end.
//
// Example:
//   LatencyHistogram h;
//   h.Record(12345);                  // ns
//   double p99 = h.Quantile(0.99);    // ns
//
// Thread rules: not thread safe; one writer, merge after it has stopped.
#ifndef VIREO_BENCH_LATENCY_HISTOGRAM_H_
#define VIREO_BENCH_LATENCY_HISTOGRAM_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vireo::bench {

class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  // Counts one value; negative values count as 0.
  void Record(int64_t ns) {
    ++counts_[IndexOf(ns < 0 ? 0 : static_cast<uint64_t>(ns))];
    ++total_;
  }

  // Adds every value counted by `other`.
  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
  }

  uint64_t count() const { return total_; }

  // The smallest recorded value v such that a fraction `q` (0 < q <= 1) of
  // the values are <= v, reported as the midpoint of v's bucket, in ns.
  // 0 when nothing was recorded.
  double Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_) + 0.5);
    if (rank < 1) rank = 1;
    if (rank > total_) rank = total_;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        return static_cast<double>(LowerBound(i)) + static_cast<double>(Width(i) - 1) / 2.0;
      }
    }
    return 0;
  }

 private:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  // Indexes run to (64 - kSubBits - 1) * kSub + 2 * kSub - 1.
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * kSub;

  // Below 2 * kSub: the value itself. Above: with shift = the value's bit
  // width - kSubBits - 1, its top kSubBits + 1 bits (kSub..2 * kSub - 1)
  // offset by shift * kSub, which makes the ranges of successive shifts
  // adjacent.
  static size_t IndexOf(uint64_t v) {
    if (v < 2 * kSub) return static_cast<size_t>(v);
    const int shift = std::bit_width(v) - kSubBits - 1;
    return static_cast<size_t>(static_cast<uint64_t>(shift) * kSub + (v >> shift));
  }
  static int ShiftOf(size_t index) {
    return index < 2 * kSub ? 0 : static_cast<int>(index / kSub) - 1;
  }
  static uint64_t LowerBound(size_t index) {
    const int shift = ShiftOf(index);
    return (index - static_cast<uint64_t>(shift) * kSub) << shift;
  }
  static uint64_t Width(size_t index) { return uint64_t{1} << ShiftOf(index); }

  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace vireo::bench

#endif  // VIREO_BENCH_LATENCY_HISTOGRAM_H_
