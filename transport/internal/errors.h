// Turning errno values into absl::Status with a word on where they arose.
#ifndef VIREO_TRANSPORT_INTERNAL_ERRORS_H_
#define VIREO_TRANSPORT_INTERNAL_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"

namespace vireo::transport::internal {

// ECONNREFUSED, ECONNRESET, EPIPE, ENETUNREACH, EHOSTUNREACH -> Unavailable;
// ETIMEDOUT -> DeadlineExceeded; EMFILE, ENFILE, ENOBUFS, ENOMEM ->
// ResourceExhausted; others -> Internal. The message is
// "<what>: <strerror>".
absl::Status ErrnoStatus(int err, std::string_view what);

}  // namespace vireo::transport::internal

#endif  // VIREO_TRANSPORT_INTERNAL_ERRORS_H_
