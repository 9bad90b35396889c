// Tracer: where a call's span goes when it ends, on the server and on the
// client, so users plug in OpenTelemetry (or their own collector) without
// Vireo depending on an SDK.
//
// A server with a tracer (Server::SetTracer) reports every call it
// answered: from the moment its frame was decoded to the moment its reply
// was queued (oneway: when the handler finished). A client with a tracer
// (Client::SetTracer) reports every call: from Call() to its completion,
// retries and backup requests included. Both report the trace and span
// ids (core/trace_context.h), service, method, peer, status and the bytes
// of the request and reply payloads. LogTracer() writes each span as one
// spdlog line.
//
// Example:
//   class OtelBridge : public vireo::Tracer {
//     void OnFinish(const vireo::Span& span) override { /* export */ }
//   };
//   server.SetTracer(std::make_shared<OtelBridge>());
//   client.SetTracer(vireo::LogTracer());
//
// Thread rules: OnFinish is called from any thread (loop, worker, the
// caller's), concurrently; it must be thread safe and must not block (it
// runs on the call path: queue the span and export it elsewhere).
#ifndef VIREO_CORE_TRACER_H_
#define VIREO_CORE_TRACER_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/core/trace_context.h"
#include "vireo/transport/inet_address.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace vireo {

// One finished call, as a span. Every view is valid during OnFinish only.
struct Span {
  enum class Kind { kServer, kClient };
  Kind kind = Kind::kServer;
  std::string_view service;
  std::string_view method;
  // The client's address (server spans) or the server's (client spans;
  // the last attempt's; unset when no attempt was sent).
  transport::InetAddress peer;
  const TraceContext* trace = nullptr;
  absl::Time start;
  absl::Duration duration;
  // OK, the handler's or middleware's error (server), or the call's
  // outcome (client).
  const absl::Status* status = nullptr;
  // Payload bytes (the Thrift message, without framing headers).
  size_t request_bytes = 0;
  size_t reply_bytes = 0;
};

class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void OnFinish(const Span& span) = 0;
};

// Writes each finished span to `logger` (default: spdlog's default logger)
// at info: "span server EchoService.echo trace=<id> span=<id>
// parent=<id> peer=<addr> OK 123us req=<n>B reply=<n>B".
std::shared_ptr<Tracer> LogTracer(std::shared_ptr<spdlog::logger> logger = nullptr);

}  // namespace vireo

#endif  // VIREO_CORE_TRACER_H_
