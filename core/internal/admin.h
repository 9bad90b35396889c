// Admin pages: what a server answers to an HTTP/1.x GET on its port (or on
// ServerOptions::admin_address).
//
// One request per connection: the server reads the request line and
// headers (at most ServerOptions::admin_max_request_bytes), answers, and
// closes after the response is written. A request line or header that is
// not HTTP/1.x gets 400, one over the bound 431; other methods than GET
// and HEAD get 405, other paths 404. A request body is never read.
//
// Pages (docs/observability.md shows each): /metrics (Prometheus text
// format 0.0.4), /health (200 "serving", 503 "stopping"), /status,
// /connections, /config (the options in effect, as YAML); plain text, or
// JSON with ?format=json. "/" lists them.
//
// Example (what a server connection does):
//   absl::StatusOr<std::optional<HttpRequest>> r = ParseHttpRequest(head, max);
//   if (!r.ok()) send(HttpErrorResponse(r.status())), close;
//   else if (*r) send(AdminResponse(core, **r)), close;
//
// Thread rules: AdminResponse from a loop thread; it takes the core's
// connection-list lock briefly and never waits on another loop.
#ifndef VIREO_CORE_INTERNAL_ADMIN_H_
#define VIREO_CORE_INTERNAL_ADMIN_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vireo::internal {

class ServerCore;

struct HttpRequest {
  std::string method;  // "GET"
  std::string path;    // "/metrics"
  std::string query;   // "format=json", without the '?'
};

// The request line and headers at the start of `bytes`:
// - the request, once the blank line ending the headers has arrived;
// - nullopt while it has not and `bytes` is within `max_bytes`;
// - InvalidArgument (400) for a malformed request line or header line;
// - ResourceExhausted (431) when `max_bytes` pass without the blank line.
absl::StatusOr<std::optional<HttpRequest>> ParseHttpRequest(std::string_view bytes,
                                                            size_t max_bytes);

// A whole response (status line, headers, body) for `request`.
std::string AdminResponse(const ServerCore& core, const HttpRequest& request);
// 400 or 431 (by the error's code), with the error's message as the body.
std::string HttpErrorResponse(const absl::Status& error);

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_ADMIN_H_
