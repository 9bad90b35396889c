#include "vireo/transport/internal/errors.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace vireo::transport::internal {

absl::Status ErrnoStatus(int err, std::string_view what) {
  std::string message = absl::StrCat(absl::string_view(what.data(), what.size()), ": ", std::strerror(err));
  switch (err) {
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
      return absl::UnavailableError(std::move(message));
    case ETIMEDOUT:
      return absl::DeadlineExceededError(std::move(message));
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return absl::ResourceExhaustedError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

}  // namespace vireo::transport::internal
