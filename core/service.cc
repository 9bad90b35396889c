#include "vireo/core/service.h"

#include "vireo/core/internal/str_cat.h"

namespace vireo {

absl::Status IdlExceptionStatus(std::string_view exception_name, std::string_view what) {
  return absl::UnknownError(internal::Cat(exception_name, ": ", what));
}

}  // namespace vireo
