// Service: what a server hosts, and ServerCall: one request being served.
//
// vireo-gen writes, per IDL service, a handler class that derives from
// Service: its Methods() table maps each method name to an invoker that
// decodes the arguments from the request, awaits the user's coroutine form
// of the method (whose default calls the blocking form), and encodes the
// result. A user derives from the generated class, overrides the methods
// it implements, and registers the object with Server::AddService.
//
// Example (what generated code does for `Response echo(1: Request req)`):
//   Task<absl::Status> InvokeEcho(Service& s, ServerCall& call) {
//     Echo_echo_args args;
//     if (absl::Status st = call.DecodeArgs(&args); !st.ok()) co_return st;
//     Echo_echo_result result;
//     result.success = co_await static_cast<EchoHandler&>(s).co_echo(call.context(), args.req);
//     call.Reply(result);
//     co_return absl::OkStatus();
//   }
//
// Contract of an invoker:
// - A decode error: return it without replying; the server answers with
//   TApplicationException PROTOCOL_ERROR carrying the message.
// - Success: call Reply(result) once, return OK.
// - An IDL exception the method declares: catch it, set it in the result,
//   Reply(result), and return IdlExceptionStatus(name, what).
// - A vireo::BizError escapes the task; the server answers with its biz
//   status (biz_status.h). So may a status carrying one (BizStatusToStatus),
//   returned without replying.
// - Any other exception escapes the task; the server answers INTERNAL_ERROR
//   with its what().
// - Oneway methods never call Reply.
//
// Thread rules: a Service's invokers run on several loops or workers at
// once, so handler objects must be thread safe. A ServerCall belongs to its
// call.
#ifndef VIREO_CORE_SERVICE_H_
#define VIREO_CORE_SERVICE_H_

#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "vireo/codec/serialize.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/call_context.h"
#include "vireo/core/task.h"
#include "vireo/transport/link_buffer.h"

namespace vireo {

class ServerCall;
class Service;

// Decodes, runs and replies to one call of one method.
using MethodInvoker = Task<absl::Status> (*)(Service& service, ServerCall& call);

struct MethodDescriptor {
  std::string_view name;
  bool oneway = false;
  MethodInvoker invoke = nullptr;
};

class Service {
 public:
  virtual ~Service() = default;
  // The IDL service name, e.g. "EchoService".
  virtual std::string_view ServiceName() const = 0;
  // Every method, including those of the services it extends.
  virtual std::span<const MethodDescriptor> Methods() const = 0;
};

// The status an invoker returns after replying with a declared IDL
// exception: code kUnknown, message "<ExceptionName>: <what>". Middleware and
// the access log see it; the caller receives the exception itself.
absl::Status IdlExceptionStatus(std::string_view exception_name, std::string_view what);

// One request on the server: the decoded message header is in context();
// the arguments struct's bytes wait in request(); the result is encoded
// into the reply body.
class ServerCall {
 public:
  ServerCall() = default;
  ServerCall(const ServerCall&) = delete;
  ServerCall& operator=(const ServerCall&) = delete;

  CallContext& context() { return context_; }
  codec::ProtocolId protocol() const { return context_.protocol(); }

  // Decodes the arguments struct (the message body after its header). The
  // request's blocks are released once read, so a large request's memory
  // is not held while the handler runs. Once per call.
  template <class Args>
  absl::Status DecodeArgs(Args* args) {
    absl::Status status = codec::Decode(request_, protocol(), args, decode_options_);
    request_.Release();
    request_.TrimIfEmpty();
    return status;
  }
  // Encodes the result struct as the reply body. Once per call.
  template <class Result>
  void Reply(const Result& result) {
    codec::Encode(result, protocol(), reply_body_);
    replied_ = true;
  }

  // Marks the call replied after the result struct's bytes were written
  // into reply_body() directly (a generic service encodes from JSON, not
  // from a generated struct). Once per call, instead of Reply.
  void MarkReplied() { replied_ = true; }

  // For the server: the request's bytes, the decode options, the reply.
  transport::LinkBuffer& request() { return request_; }
  codec::DecodeOptions& decode_options() { return decode_options_; }
  transport::LinkBuffer& reply_body() { return reply_body_; }
  bool replied() const { return replied_; }

 private:
  CallContext context_;
  transport::LinkBuffer request_;
  codec::DecodeOptions decode_options_;
  transport::LinkBuffer reply_body_;
  bool replied_ = false;
};

}  // namespace vireo

#endif  // VIREO_CORE_SERVICE_H_
