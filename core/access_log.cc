#include "vireo/core/access_log.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace vireo {

namespace {

Task<absl::Status> LogCall(spdlog::logger* logger, CallContext& ctx, ServerNext next) {
  const absl::Time start = absl::Now();
  absl::Status status = co_await next();
  const int64_t micros = absl::ToInt64Microseconds(absl::Now() - start);
  spdlog::logger* out = logger != nullptr ? logger : spdlog::default_logger_raw();
  const std::string code = absl::StatusCodeToString(status.code());
  const std::string_view message(status.message().data(), status.message().size());
  // A call that names no service of ours logs its method name alone.
  out->info("{} {}{}{} seq={} {} \"{}\" {}us trace={}", ctx.peer().ToString(), ctx.service(),
            ctx.service().empty() ? "" : ".", ctx.method(), ctx.seq_id(), code, message, micros,
            ctx.trace().TraceIdHex());
  co_return status;
}

}  // namespace

ServerMiddleware AccessLogMiddleware(std::shared_ptr<spdlog::logger> logger) {
  return [logger = std::move(logger)](CallContext& ctx, ServerNext next) {
    return LogCall(logger.get(), ctx, next);
  };
}

}  // namespace vireo
