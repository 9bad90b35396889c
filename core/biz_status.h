// Biz status: a business outcome (code, message, extra key/values) that a
// handler fails a call with without declaring an IDL exception, and that
// the client receives as a typed error.
//
// On the wire it is Kitex's: a REPLY message whose result struct is empty,
// with the string header keys `biz-status` (decimal int32), `biz-message`
// and `biz-extra` (a JSON object of strings), on TTHeader and THeader
// alike, so Kitex clients and servers understand ours. Framed and Buffered
// carry no headers: there the server answers TApplicationException
// INTERNAL_ERROR "biz status <code>: <message>" and the client sees
// INTERNAL with that text.
//
// Example (a handler):
//   Response get(vireo::CallContext& ctx, const Request& req) override {
//     if (!allowed) throw vireo::BizError(1003, "quota used up", {{"retry_after", "30"}});
//     ...
//   }
// and on the client:
//   absl::StatusOr<Response> r = client.get(req);
//   if (std::optional<vireo::BizStatus> biz = vireo::GetBizStatus(r.status())) {
//     biz->code, biz->message, biz->extra ...
//   }
//
// A middleware may return BizStatusToStatus(...) instead of throwing.
//
// Thread rules: values; every function is thread safe.
#ifndef VIREO_CORE_BIZ_STATUS_H_
#define VIREO_CORE_BIZ_STATUS_H_

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/codec/frame.h"

namespace vireo {

// Kitex's header keys.
inline constexpr std::string_view kBizStatusKey = "biz-status";
inline constexpr std::string_view kBizMessageKey = "biz-message";
inline constexpr std::string_view kBizExtraKey = "biz-extra";

struct BizStatus {
  // Nonzero: 0 means "no business error" on the wire and is never sent.
  int32_t code = 0;
  std::string message;
  std::map<std::string, std::string> extra;
  bool operator==(const BizStatus&) const = default;
};

// Thrown by a handler to fail its call with a biz status. Code 0 cannot
// travel in headers: the server answers it as INTERNAL_ERROR
// "biz status 0: <message>" on every framing.
class BizError : public std::exception {
 public:
  BizError(int32_t code, std::string message, std::map<std::string, std::string> extra = {});
  explicit BizError(BizStatus status) : status_(std::move(status)) {}
  const BizStatus& status() const { return status_; }
  const char* what() const noexcept override { return status_.message.c_str(); }

 private:
  BizStatus status_;
};

// The Status a biz status travels in on either side: code kUnknown,
// message "biz status <code>: <message>", and the BizStatus attached as a
// payload.
absl::Status BizStatusToStatus(const BizStatus& biz);
// The biz status `status` carries, if it carries one.
std::optional<BizStatus> GetBizStatus(const absl::Status& status);

namespace internal {
// The three header values for `biz`, in the order above (biz-extra left
// out when extra is empty).
codec::StringHeaders BizStatusHeaders(const BizStatus& biz);
// Reads a reply's string headers: nullopt when there is no `biz-status`
// key or it is "0"; else the Status of BizStatusToStatus, its message
// prefixed with `prefix` (peer and method). A `biz-status` that is not a
// decimal int32 (an optional '-' then digits: no '+', no spaces), or a
// `biz-extra` that is not a JSON object of strings, gives INTERNAL naming
// the key and what is wrong. An empty `biz-extra` is no extra; of a
// repeated key the first counts.
std::optional<absl::Status> BizStatusFromHeaders(
    const codec::StringHeaders& headers, std::string_view prefix);
// A JSON object whose values are strings, written compactly with every
// needed escape (and \u00XX for control bytes); bytes are passed through
// otherwise.
std::string EncodeJsonStringMap(const std::map<std::string, std::string>& map);
// Parses what EncodeJsonStringMap writes (and any JSON object of strings,
// with whitespace and \uXXXX escapes, surrogate pairs included).
// InvalidArgument "JSON at offset <n>: <problem>" otherwise: anything but
// one flat object of strings, trailing bytes, a raw control byte or a
// lone surrogate in a string, a duplicate key, or more than `max_entries`
// entries. Bytes >= 0x80 pass through unchecked, as the encoder writes
// them. No recursion; work and memory bounded by the input.
absl::StatusOr<std::map<std::string, std::string>> DecodeJsonStringMap(std::string_view json,
                                                                       size_t max_entries = 1024);
}  // namespace internal

}  // namespace vireo

#endif  // VIREO_CORE_BIZ_STATUS_H_
