#include "vireo/core/trace_context.h"

#include <random>
#include <thread>

namespace vireo {

namespace {

constexpr char kHex[] = "0123456789abcdef";

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& bytes) {
  std::string out(2 * N, '0');
  for (size_t i = 0; i < N; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xF];
  }
  return out;
}

template <size_t N>
bool IsZero(const std::array<uint8_t, N>& bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// Lower-case hex only, as W3C requires.
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <size_t N>
bool ParseHex(std::string_view text, std::array<uint8_t, N>* out) {
  if (text.size() != 2 * N) return false;
  for (size_t i = 0; i < N; ++i) {
    const int hi = HexDigit(text[2 * i]);
    const int lo = HexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

// splitmix64, seeded per thread: ids need to be unique, not secret.
uint64_t NextRandom() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           std::hash<std::thread::id>()(std::this_thread::get_id());
  }();
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <size_t N>
void FillRandom(std::array<uint8_t, N>* out) {
  do {
    for (size_t i = 0; i < N; i += 8) {
      uint64_t r = NextRandom();
      for (size_t j = i; j < i + 8 && j < N; ++j, r >>= 8) (*out)[j] = static_cast<uint8_t>(r);
    }
  } while (IsZero(*out));
}

}  // namespace

bool TraceContext::valid() const { return !IsZero(trace_id); }

std::string TraceContext::TraceIdHex() const { return valid() ? Hex(trace_id) : std::string(); }
std::string TraceContext::SpanIdHex() const { return Hex(span_id); }
std::string TraceContext::ParentSpanIdHex() const { return Hex(parent_span_id); }

std::string TraceContext::Traceparent() const {
  std::string out = "00-";
  out.reserve(55);
  out += Hex(trace_id);
  out += '-';
  out += Hex(span_id);
  out += '-';
  out += kHex[flags >> 4];
  out += kHex[flags & 0xF];
  return out;
}

std::optional<TraceContext> TraceContext::Parse(std::string_view v) {
  // version "-" trace-id "-" parent-id "-" trace-flags
  if (v.size() < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return std::nullopt;
  std::array<uint8_t, 1> version{};
  if (!ParseHex(v.substr(0, 2), &version) || version[0] == 0xFF) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append
  // "-..." fields, which are ignored.
  if (version[0] == 0 ? v.size() != 55 : (v.size() > 55 && v[55] != '-')) return std::nullopt;
  TraceContext t;
  std::array<uint8_t, 1> flags{};
  if (!ParseHex(v.substr(3, 32), &t.trace_id) || !ParseHex(v.substr(36, 16), &t.parent_span_id) ||
      !ParseHex(v.substr(53, 2), &flags)) {
    return std::nullopt;
  }
  if (IsZero(t.trace_id) || IsZero(t.parent_span_id)) return std::nullopt;
  t.flags = flags[0];
  return t;
}

TraceContext TraceContext::NewRoot() {
  TraceContext t;
  FillRandom(&t.trace_id);
  FillRandom(&t.span_id);
  t.flags = 0x01;
  return t;
}

TraceContext TraceContext::Child() const {
  TraceContext t;
  t.trace_id = trace_id;
  // A parsed context holds the caller's span as its parent and no span of
  // its own: the child's parent is the caller's.
  t.parent_span_id = IsZero(span_id) ? parent_span_id : span_id;
  FillRandom(&t.span_id);
  t.flags = flags;
  t.tracestate = tracestate;
  return t;
}

}  // namespace vireo
