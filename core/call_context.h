// CallContext: what one RPC knows about itself, on either side.
//
// A server handler receives the context of the call it serves: the method,
// the peer, the sequence id, the deadline the caller sent (TTHeader int key
// 12, or the THeader string key "timeout_ms"), and the request metadata;
// it may add response metadata, which goes back in the reply's header
// (header framings only; Framed and Buffered frames carry none). On the
// client, middleware sees the context of the call it wraps: the request
// metadata it may add to and, once the call is done, the response metadata.
//
// Each call also has a span of a W3C trace (trace(), core/trace_context.h)
// that the server continues from the caller's traceparent header and a
// client call made while serving passes on.
//
// Example (in a handler):
//   if (const std::string* user = ctx.request_metadata().Find("user")) ...
//   spdlog::info("trace {}", ctx.trace().TraceIdHex());
//   ctx.response_metadata().Set("served-by", "eu-1");
//   if (absl::Now() > ctx.deadline()) ...
//
// Thread rules: a context belongs to its call; the thread running the call
// (handler, middleware, continuation) uses it, one at a time.
#ifndef VIREO_CORE_CALL_CONTEXT_H_
#define VIREO_CORE_CALL_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/trace_context.h"
#include "vireo/transport/inet_address.h"

namespace vireo {

// String and integer key/values carried in THeader/TTHeader headers.
// Integer keys are TTHeader's (codec/ttheader.h); THeader carries strings only.
class Metadata {
 public:
  // The value of `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
  const std::string* FindInt(uint16_t key) const;
  // Sets `key` (replacing an existing value).
  void Set(std::string_view key, std::string_view value);
  void SetInt(uint16_t key, std::string_view value);
  bool empty() const { return strings_.empty() && ints_.empty(); }
  void Clear() {
    strings_.clear();
    ints_.clear();
  }

  const codec::StringHeaders& strings() const { return strings_; }
  const codec::IntHeaders& ints() const { return ints_; }
  codec::StringHeaders& mutable_strings() { return strings_; }
  codec::IntHeaders& mutable_ints() { return ints_; }

 private:
  codec::StringHeaders strings_;
  codec::IntHeaders ints_;
};

// The THeader string key that carries a call's timeout in milliseconds
// (TTHeader uses int key kTTHeaderRpcTimeout).
inline constexpr std::string_view kTimeoutHeader = "timeout_ms";

class CallContext {
 public:
  // The IDL service name (empty when the caller named none) and method.
  std::string_view service() const { return service_; }
  std::string_view method() const { return method_; }
  // The other side of the connection.
  const transport::InetAddress& peer() const { return peer_; }
  // The message's sequence id.
  int32_t seq_id() const { return seq_id_; }
  // When the caller stops waiting; absl::InfiniteFuture() when it sent none.
  absl::Time deadline() const { return deadline_; }
  codec::Framing framing() const { return framing_; }
  codec::ProtocolId protocol() const { return protocol_; }
  bool oneway() const { return oneway_; }
  // Client side: the key consistent hashing places the call by
  // (CallOptions::hash_key); empty when the caller gave none.
  std::string_view hash_key() const { return hash_key_; }
  // The call's span in its trace (core/trace_context.h). Server side:
  // always set, continuing the caller's trace when it sent one. Client
  // side: set when the call is made while serving a traced call, or when
  // the client has a tracer; otherwise !trace().valid().
  const TraceContext& trace() const { return trace_; }

  Metadata& request_metadata() { return request_metadata_; }
  const Metadata& request_metadata() const { return request_metadata_; }
  Metadata& response_metadata() { return response_metadata_; }
  const Metadata& response_metadata() const { return response_metadata_; }

  // Filled by the server or client that runs the call.
  void set_service(std::string_view s) { service_ = std::string(s); }
  void set_method(std::string_view m) { method_ = std::string(m); }
  void set_peer(const transport::InetAddress& p) { peer_ = p; }
  void set_seq_id(int32_t s) { seq_id_ = s; }
  void set_deadline(absl::Time d) { deadline_ = d; }
  void set_framing(codec::Framing f) { framing_ = f; }
  void set_protocol(codec::ProtocolId p) { protocol_ = p; }
  void set_oneway(bool o) { oneway_ = o; }
  void set_hash_key(std::string_view k) { hash_key_ = std::string(k); }
  void set_trace(TraceContext t) { trace_ = std::move(t); }

 private:
  std::string service_;
  std::string method_;
  transport::InetAddress peer_;
  int32_t seq_id_ = 0;
  absl::Time deadline_ = absl::InfiniteFuture();
  codec::Framing framing_ = codec::Framing::kFramed;
  codec::ProtocolId protocol_ = codec::ProtocolId::kBinary;
  bool oneway_ = false;
  std::string hash_key_;
  TraceContext trace_;
  Metadata request_metadata_;
  Metadata response_metadata_;
};

// The context of the call the current thread is serving, set by the server
// around a handler's synchronous part; nullptr elsewhere. Lets code deep
// in a handler (and a client call made from it) find the deadline to pass
// on without threading the context through every function.
CallContext* CurrentCallContext();

namespace internal {
// Sets CurrentCallContext() for its lifetime, restoring the previous one.
class ScopedCallContext {
 public:
  explicit ScopedCallContext(CallContext* ctx);
  ~ScopedCallContext();
  ScopedCallContext(const ScopedCallContext&) = delete;
  ScopedCallContext& operator=(const ScopedCallContext&) = delete;

 private:
  CallContext* previous_;
};
}  // namespace internal

}  // namespace vireo

#endif  // VIREO_CORE_CALL_CONTEXT_H_
