// Server middleware: code that wraps every call a vireo::Server serves.
//
// A middleware receives the call's context and `next`, which runs the rest
// of the chain (the next middleware, and at the end the method's invoker).
// It may read and change the context (request metadata; after next(), the
// response metadata), await `next()` at most once, and return its own
// status. Returning an error without awaiting next() rejects the call: the
// handler never runs and the caller receives a TApplicationException
// INTERNAL_ERROR whose message is "<CODE>: <message>" of that status.
// Middleware registered first is outermost.
//
// The status a middleware sees from next(): OK when the handler replied,
// IdlExceptionStatus(...) when it replied with a declared IDL exception,
// the decode error when the arguments could not be read,
// Unimplemented("unknown method <m>") (or "unknown service <s>") when the
// call names nothing this server serves (the caller then receives
// UNKNOWN_METHOD, whatever the middleware returns), and
// Internal("<what>") when the handler threw (the caller then receives
// INTERNAL_ERROR with what()), and BizStatusToStatus(...) when it threw a
// vireo::BizError (biz_status.h). A middleware may return a biz status of
// its own (BizStatusToStatus) and the caller receives that one. A reply
// the handler made is sent whatever status the middleware returns
// afterwards.
//
// Example:
//   server.Use([](vireo::CallContext& ctx, vireo::ServerNext next)
//                  -> vireo::Task<absl::Status> {
//     if (ctx.request_metadata().Find("token") == nullptr) {
//       co_return absl::PermissionDeniedError("no token");
//     }
//     co_return co_await next();
//   });
//
// Thread rules: a middleware runs on the thread that starts the call (the
// loop thread, or a worker) and, after a suspension, on whichever thread
// resumes it; it runs for many calls at once, so it must be thread safe.
#ifndef VIREO_CORE_SERVER_MIDDLEWARE_H_
#define VIREO_CORE_SERVER_MIDDLEWARE_H_

#include <functional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "vireo/core/call_context.h"
#include "vireo/core/task.h"

namespace vireo {

// Runs the rest of the chain. Valid until the middleware's task finishes.
using ServerNext = absl::FunctionRef<Task<absl::Status>()>;
using ServerMiddleware = std::function<Task<absl::Status>(CallContext& ctx, ServerNext next)>;

}  // namespace vireo

#endif  // VIREO_CORE_SERVER_MIDDLEWARE_H_
