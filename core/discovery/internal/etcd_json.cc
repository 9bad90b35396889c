#include "vireo/core/discovery/internal/etcd_json.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "vireo/core/discovery/internal/strings.h"

namespace vireo::etcd::internal {
namespace {

using nlohmann::json;

std::string Excerpt(std::string_view bytes) { return Quote(bytes, 200); }

std::string FieldName(std::string_view where, std::string_view field) {
  if (where.empty()) return std::string(field);
  return Cat(where, ".", field);
}

absl::Status WrongType(std::string_view where, std::string_view field, std::string_view expected,
                       const json& got) {
  return absl::DataLossError(Cat("response field '", FieldName(where, field), "': expected ",
                                 expected, ", got ", got.type_name()));
}

// True when `text` nests objects and arrays at most `max_depth` deep
// (nlohmann's parser and destructor recurse per level).
bool NestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escape = false;
  for (const char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// gRPC's codes 1..16 are absl::StatusCode's.
bool IsGrpcErrorCode(int64_t code) { return code >= 1 && code <= 16; }

// The status code for etcd's gRPC code `code` (a valid one). etcd's
// CANCELLED means the server gave up the request, as its gRPC gateway does
// for every open watch when etcd stops ("the client connection is
// closing"): to the caller that is a lost server, Unavailable. Cancelled is
// kept for the client's own Shutdown, which callers (the resolver) take
// as "stop".
absl::StatusCode CodeFromGrpc(int64_t code) {
  if (code == static_cast<int64_t>(absl::StatusCode::kCancelled)) {
    return absl::StatusCode::kUnavailable;
  }
  return static_cast<absl::StatusCode>(code);
}

absl::StatusCode CodeFromHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAborted;
    case 412:
      return absl::StatusCode::kFailedPrecondition;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 499:
      return absl::StatusCode::kCancelled;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 502:
    case 503:
      return absl::StatusCode::kUnavailable;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return http_status >= 500 ? absl::StatusCode::kInternal : absl::StatusCode::kUnknown;
  }
}

}  // namespace

absl::StatusOr<json> ParseJsonObject(std::string_view text) {
  if (!NestingWithin(text, kMaxJsonDepth)) {
    return absl::DataLossError(Cat("response JSON nests deeper than ", kMaxJsonDepth, " levels"));
  }
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::DataLossError(Cat("response is not valid JSON: ", Excerpt(text)));
  }
  if (!parsed.is_object()) {
    return absl::DataLossError(
        Cat("response is JSON ", parsed.type_name(), ", not an object: ", Excerpt(text)));
  }
  return parsed;
}

absl::Status ReadInt64(const json& object, std::string_view where, std::string_view field,
                       int64_t* out) {
  const auto it = object.find(field);
  if (it == object.end()) return absl::OkStatus();
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    if (!absl::SimpleAtoi(ToAbsl(text), out) || text.empty() ||
        !(absl::ascii_isdigit(text[0]) || text[0] == '-')) {
      return absl::DataLossError(
          Cat("response field '", FieldName(where, field), "': not an int64: ", Excerpt(text)));
    }
    return absl::OkStatus();
  }
  if (it->is_number_integer() && !it->is_number_unsigned()) {
    *out = it->get<int64_t>();
    return absl::OkStatus();
  }
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v <= static_cast<uint64_t>(INT64_MAX)) {
      *out = static_cast<int64_t>(v);
      return absl::OkStatus();
    }
  }
  return WrongType(where, field, "an int64 string", *it);
}

absl::Status ReadBool(const json& object, std::string_view where, std::string_view field,
                      bool* out) {
  const auto it = object.find(field);
  if (it == object.end()) return absl::OkStatus();
  if (!it->is_boolean()) return WrongType(where, field, "a bool", *it);
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status ReadBytes(const json& object, std::string_view where, std::string_view field,
                       std::string* out) {
  const auto it = object.find(field);
  if (it == object.end()) return absl::OkStatus();
  if (!it->is_string()) return WrongType(where, field, "a base64 string", *it);
  const std::string& text = it->get_ref<const std::string&>();
  if (!absl::Base64Unescape(ToAbsl(text), out)) {
    return absl::DataLossError(
        Cat("response field '", FieldName(where, field), "': not base64: ", Excerpt(text)));
  }
  return absl::OkStatus();
}

absl::Status ReadString(const json& object, std::string_view where, std::string_view field,
                        std::string* out) {
  const auto it = object.find(field);
  if (it == object.end()) return absl::OkStatus();
  if (!it->is_string()) return WrongType(where, field, "a string", *it);
  *out = it->get_ref<const std::string&>();
  return absl::OkStatus();
}

absl::StatusOr<const json*> FindObject(const json& object, std::string_view where,
                                       std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end()) return nullptr;
  if (!it->is_object()) return WrongType(where, field, "an object", *it);
  return &*it;
}

absl::StatusOr<const json*> FindArray(const json& object, std::string_view where,
                                      std::string_view field) {
  const auto it = object.find(field);
  if (it == object.end()) return nullptr;
  if (!it->is_array()) return WrongType(where, field, "an array", *it);
  return &*it;
}

absl::Status ReadHeaderRevision(const json& response, std::string_view where, int64_t* revision) {
  absl::StatusOr<const json*> header = FindObject(response, where, "header");
  if (!header.ok()) return header.status();
  if (*header == nullptr) return absl::OkStatus();
  return ReadInt64(**header, FieldName(where, "header"), "revision", revision);
}

absl::Status ReadKeyValue(const json& kv, std::string_view where, KeyValue* out) {
  if (!kv.is_object()) {
    return absl::DataLossError(
        Cat("response field '", where, "': expected an object, got ", kv.type_name()));
  }
  if (absl::Status s = ReadBytes(kv, where, "key", &out->key); !s.ok()) return s;
  if (absl::Status s = ReadBytes(kv, where, "value", &out->value); !s.ok()) return s;
  if (absl::Status s = ReadInt64(kv, where, "mod_revision", &out->mod_revision); !s.ok()) return s;
  return ReadInt64(kv, where, "lease", &out->lease);
}

absl::Status StatusFromStreamError(const json& error) {
  std::string message;
  int64_t code = 0;
  if (error.is_object()) {
    // Best effort: a field of the wrong type leaves its default.
    (void)ReadString(error, "error", "message", &message);
    (void)ReadInt64(error, "error", "grpc_code", &code);
  } else if (error.is_string()) {
    message = error.get_ref<const std::string&>();
  }
  if (message.empty()) message = "(no message)";
  const absl::StatusCode status_code =
      IsGrpcErrorCode(code) ? CodeFromGrpc(code) : absl::StatusCode::kUnknown;
  return absl::Status(status_code, Cat("etcd error: ", message));
}

absl::Status StatusFromHttpError(int http_status, std::string_view body) {
  const std::string http = Cat("HTTP ", http_status);
  absl::StatusOr<json> parsed = ParseJsonObject(body);
  if (parsed.ok()) {
    const auto error = parsed->find("error");
    if (error != parsed->end() && error->is_object()) {
      const absl::Status s = StatusFromStreamError(*error);
      const absl::StatusCode code =
          s.code() == absl::StatusCode::kUnknown ? CodeFromHttpStatus(http_status) : s.code();
      return absl::Status(code, Cat(http, ": ", s.message()));
    }
    std::string message;
    int64_t code = 0;
    (void)ReadString(*parsed, "", "message", &message);
    if (message.empty()) (void)ReadString(*parsed, "", "error", &message);
    (void)ReadInt64(*parsed, "", "code", &code);
    if (!message.empty() || IsGrpcErrorCode(code)) {
      const absl::StatusCode status_code =
          IsGrpcErrorCode(code) ? CodeFromGrpc(code) : CodeFromHttpStatus(http_status);
      return absl::Status(status_code,
                          Cat(http, ": etcd error: ", message.empty() ? "(no message)" : message));
    }
  }
  return absl::Status(CodeFromHttpStatus(http_status), Cat(http, ", body ", Excerpt(body)));
}

std::string PrefixRangeEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    const unsigned char last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

absl::StatusOr<bool> JsonObjectSplitter::Next(std::string* message) {
  while (scan_ < buf_.size()) {
    const char c = buf_[scan_];
    if (!started_) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++scan_;
        continue;
      }
      if (c != '{') {
        return absl::DataLossError(Cat("stream holds something other than JSON objects: ",
                                       Excerpt(std::string_view(buf_).substr(scan_))));
      }
      started_ = true;
      start_ = scan_;
      depth_ = 0;
    }
    ++scan_;
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      if (++depth_ > kMaxJsonDepth) {
        return absl::DataLossError(
            Cat("stream message nests deeper than ", kMaxJsonDepth, " levels"));
      }
    } else if ((c == '}' || c == ']') && --depth_ == 0) {
      const size_t size = scan_ - start_;
      if (size > max_message_bytes_) break;
      message->assign(buf_, start_, size);
      buf_.erase(0, scan_);
      scan_ = start_ = 0;
      started_ = false;
      return true;
    }
  }
  if (!started_) {
    // Only whitespace so far.
    buf_.clear();
    scan_ = 0;
  } else if (scan_ - start_ > max_message_bytes_) {
    return absl::ResourceExhaustedError(
        Cat("stream message exceeds ", max_message_bytes_, " bytes"));
  }
  return false;
}

}  // namespace vireo::etcd::internal
