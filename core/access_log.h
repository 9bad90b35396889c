// AccessLogMiddleware: one log line per call a server serves.
//
// The line, at info level, after the call finishes:
//   127.0.0.1:53412 EchoService.echo seq=7 OK "" 153us
// peer, service and method, sequence id, status code and message, and the
// time from the start of the chain to its end in microseconds.
//
// Example:
//   server.Use(vireo::AccessLogMiddleware());                    // spdlog's default logger
//   server.Use(vireo::AccessLogMiddleware(spdlog::get("access")));
//
// Thread rules: the middleware is thread safe (spdlog loggers are).
#ifndef VIREO_CORE_ACCESS_LOG_H_
#define VIREO_CORE_ACCESS_LOG_H_

#include <memory>

#include "vireo/core/server_middleware.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace vireo {

// Logs through `logger`, or spdlog's default logger (looked up per call,
// so a later spdlog::set_default_logger applies) when it is null.
ServerMiddleware AccessLogMiddleware(std::shared_ptr<spdlog::logger> logger = nullptr);

}  // namespace vireo

#endif  // VIREO_CORE_ACCESS_LOG_H_
