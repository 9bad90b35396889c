// TraceContext: the W3C Trace Context of a call (trace id, span id, flags,
// tracestate), carried in THeader and TTHeader string headers so that one
// request can be followed across services.
//
// On the wire (https://www.w3.org/TR/trace-context/):
//   traceparent: 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>
//   tracestate:  vendor key=value list, passed on untouched
// THeader carries them under "traceparent" / "tracestate", as OpenTelemetry
// propagators name them. Kitex's OpenTelemetry suite passes them as
// metainfo transient values, which TTHeader carries as
// "RPC_TRANSIT_traceparent" / "RPC_TRANSIT_tracestate"; a Vireo client
// sends that form on TTHeader and a Vireo server reads both forms on
// either framing. Framed and Buffered calls carry no headers: their server
// starts a new trace.
//
// The server gives each call a span: a child of the caller's span when a
// valid traceparent came, else the root of a new trace. A client call made
// while serving one (CurrentCallContext()) is a child of that span and
// sends its own span id as the parent; the trace id thus stays the same
// down a chain A -> B -> C.
//
// Example:
//   std::optional<TraceContext> in = TraceContext::Parse(header_value);
//   TraceContext mine = in ? in->Child() : TraceContext::NewRoot();
//   std::string out = mine.Traceparent();   // "00-4bf9...-00f0...-01"
//
// Thread rules: a plain value. NewRoot and Child draw ids from a per-thread
// generator; any thread.
#ifndef VIREO_CORE_TRACE_CONTEXT_H_
#define VIREO_CORE_TRACE_CONTEXT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vireo {

inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr std::string_view kTracestateHeader = "tracestate";
// Kitex metainfo's transient form of the same (TTHeader).
inline constexpr std::string_view kKitexTraceparentHeader = "RPC_TRANSIT_traceparent";
inline constexpr std::string_view kKitexTracestateHeader = "RPC_TRANSIT_tracestate";

// Longest tracestate passed on; a longer one is dropped (W3C: at most 32
// list members, which fits; 512 is what the spec asks every vendor to
// propagate at least).
inline constexpr size_t kMaxTracestateSize = 512;

struct TraceContext {
  // All zero: no trace.
  std::array<uint8_t, 16> trace_id{};
  // This span.
  std::array<uint8_t, 8> span_id{};
  // The caller's span (zero for a root).
  std::array<uint8_t, 8> parent_span_id{};
  // W3C trace-flags; bit 0 = sampled.
  uint8_t flags = 0;
  std::string tracestate;

  // Whether there is a trace (a non-zero trace id).
  bool valid() const;
  // Lower-case hex, as in traceparent; "" for no trace.
  std::string TraceIdHex() const;
  std::string SpanIdHex() const;
  std::string ParentSpanIdHex() const;
  // "00-<trace id>-<span id>-<flags>", naming this span as the parent of
  // the next hop.
  std::string Traceparent() const;

  // A traceparent value taken apart: its span id becomes parent_span_id
  // and span_id stays zero (call Child). nullopt for anything the W3C rules
  // reject: not 55 characters for version 00, upper-case or non-hex
  // digits, version ff, an all-zero trace or span id, missing dashes.
  static std::optional<TraceContext> Parse(std::string_view traceparent);
  // A new trace: random trace and span ids, sampled.
  static TraceContext NewRoot();
  // A span of the same trace whose parent is this one (for a parsed
  // context: whose parent is the caller's span).
  TraceContext Child() const;
};

}  // namespace vireo

#endif  // VIREO_CORE_TRACE_CONTEXT_H_
