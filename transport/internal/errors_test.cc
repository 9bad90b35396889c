#include "vireo/transport/internal/errors.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace vireo::transport::internal {
namespace {

TEST(ErrnoStatus, MapsNetworkErrorsToCodesAndSaysWhere) {
  EXPECT_EQ(ErrnoStatus(ECONNREFUSED, "connect to 1.2.3.4:5").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(ENETUNREACH, "connect").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(EHOSTUNREACH, "connect").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(ECONNRESET, "read").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(EPIPE, "write").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(ETIMEDOUT, "connect").code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ErrnoStatus(EMFILE, "accept").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EINVAL, "bind").code(), absl::StatusCode::kInternal);
  const absl::Status s = ErrnoStatus(ECONNREFUSED, "connect to 1.2.3.4:5");
  EXPECT_EQ(s.message(), "connect to 1.2.3.4:5: Connection refused");
}

}  // namespace
}  // namespace vireo::transport::internal
