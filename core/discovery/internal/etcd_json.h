// Reading etcd's JSON gateway responses without trusting them.
//
// The gateway writes proto3 JSON: bytes as base64 strings, int64 as
// decimal strings, fields at their default value omitted (no "kvs" in an
// empty range, no "type" in a PUT event, no "lease" for 0). Every reader
// here takes an absent field as its default and any other type as
// DataLoss naming the field, so a malformed response is an error value,
// never an exception or a crash. Parsing never throws (nlohmann::json in
// its no-exception mode) and refuses nesting deeper than kMaxJsonDepth.
//
// Example:
//   absl::StatusOr<nlohmann::json> response = ParseJsonObject(body);
//   int64_t revision = 0;
//   absl::Status s = ReadHeaderRevision(*response, "", &revision);
//   absl::StatusOr<const nlohmann::json*> kvs = FindArray(*response, "", "kvs");
//
// Thread rules: free functions are thread safe; a JsonObjectSplitter is
// used by one thread.
#ifndef VIREO_CORE_DISCOVERY_INTERNAL_ETCD_JSON_H_
#define VIREO_CORE_DISCOVERY_INTERNAL_ETCD_JSON_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/core/discovery/etcd_client.h"

namespace vireo::etcd::internal {

// Deepest nesting of objects and arrays accepted (etcd's responses use 5).
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON object. DataLoss otherwise.
absl::StatusOr<nlohmann::json> ParseJsonObject(std::string_view text);

// Field readers. `where` names `object` in error messages ("" for the
// top level, else e.g. "result.events[2].kv"); an absent field leaves the
// default.
//
// An int64: a decimal string (as etcd writes it) or a JSON integer. Default 0.
absl::Status ReadInt64(const nlohmann::json& object, std::string_view where, std::string_view field,
                       int64_t* out);
// A bool. Default false.
absl::Status ReadBool(const nlohmann::json& object, std::string_view where, std::string_view field,
                      bool* out);
// Bytes: a base64 string. Default empty.
absl::Status ReadBytes(const nlohmann::json& object, std::string_view where, std::string_view field,
                       std::string* out);
// A string. Default empty.
absl::Status ReadString(const nlohmann::json& object, std::string_view where,
                        std::string_view field, std::string* out);
// The field if it is an object, nullptr when absent.
absl::StatusOr<const nlohmann::json*> FindObject(const nlohmann::json& object,
                                                 std::string_view where, std::string_view field);
// The field if it is an array, nullptr when absent.
absl::StatusOr<const nlohmann::json*> FindArray(const nlohmann::json& object,
                                                std::string_view where, std::string_view field);

// header.revision of a response object.
absl::Status ReadHeaderRevision(const nlohmann::json& response, std::string_view where,
                                int64_t* revision);
// A mvccpb.KeyValue object.
absl::Status ReadKeyValue(const nlohmann::json& kv, std::string_view where, KeyValue* out);

// The status for an HTTP error response: the code and message of etcd's
// error body ({"error":"...","code":N,"message":"..."}, or a streamed
// {"error":{"grpc_code":N,"message":"..."}}), else one derived from the
// HTTP status with the start of the body. etcd's code 1 (CANCELLED: the
// server gave the request up, as it does to open watches when it stops)
// becomes Unavailable; Cancelled is the client's own Shutdown.
absl::Status StatusFromHttpError(int http_status, std::string_view body);
// The status for the "error" member of a streamed message:
// {"grpc_code":14,"http_code":503,"message":"...","http_status":"..."}.
// Code 1 becomes Unavailable, as above.
absl::Status StatusFromStreamError(const nlohmann::json& error);

// The range_end that makes [prefix, range_end) every key starting with
// `prefix` (clientv3's GetPrefixRangeEnd): the prefix with its last byte
// below 0xff incremented and what follows dropped; "\0" (no end) when
// there is none.
std::string PrefixRangeEnd(std::string_view prefix);

// Cuts a byte stream of concatenated JSON objects (whitespace between
// them, as the gateway streams watch and keep-alive responses) into one
// text per object, without parsing it; an object may arrive in any number
// of pieces.
class JsonObjectSplitter {
 public:
  // An object (complete or not) larger than `max_message_bytes` is an error.
  explicit JsonObjectSplitter(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Where to append the bytes received.
  std::string* buffer() { return &buf_; }

  // The next complete object into `*message`: true; false when none is
  // complete yet. DataLoss when the stream holds something other than
  // objects (or nests too deep); ResourceExhausted when an object exceeds
  // max_message_bytes.
  absl::StatusOr<bool> Next(std::string* message);

  // True when the bytes of an incomplete object are buffered.
  bool HasPartial() const { return started_; }

 private:
  const size_t max_message_bytes_;
  std::string buf_;
  size_t start_ = 0;  // where the current object begins
  size_t scan_ = 0;   // bytes of buf_ looked at
  int depth_ = 0;
  bool started_ = false;
  bool in_string_ = false;
  bool escape_ = false;
};

}  // namespace vireo::etcd::internal

#endif  // VIREO_CORE_DISCOVERY_INTERNAL_ETCD_JSON_H_
