#include "vireo/core/discovery/etcd_client.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "vireo/core/discovery/internal/etcd_json.h"
#include "vireo/core/discovery/internal/http_client.h"
#include "vireo/core/discovery/internal/strings.h"

namespace vireo::etcd {

using internal::Cat;
using internal::FindArray;
using internal::FindObject;
using internal::HttpConnection;
using internal::ParseJsonObject;
using internal::ReadBool;
using internal::ReadHeaderRevision;
using internal::ReadInt64;
using internal::ReadKeyValue;
using internal::ReadString;
using nlohmann::json;

struct EtcdClient::Endpoint {
  internal::HttpTarget target;
  std::string name;  // target.ToString()
};

namespace {

constexpr std::string_view kRange = "/v3/kv/range";
constexpr std::string_view kPut = "/v3/kv/put";
constexpr std::string_view kDeleteRange = "/v3/kv/deleterange";
constexpr std::string_view kLeaseGrant = "/v3/lease/grant";
constexpr std::string_view kLeaseKeepAlive = "/v3/lease/keepalive";
constexpr std::string_view kLeaseRevoke = "/v3/lease/revoke";
constexpr std::string_view kWatch = "/v3/watch";

absl::Status ShutDownStatus() { return absl::CancelledError("etcd client shut down"); }

std::string Base64(std::string_view bytes) { return absl::Base64Escape(internal::ToAbsl(bytes)); }

// Keys and values are bytes; show them as C escapes.
std::string QuoteKey(std::string_view key) { return internal::Quote(key, 200); }

// The body of a range request over `key` (to `range_end` when not empty).
std::string RangeRequest(std::string_view key, std::string_view range_end) {
  json request = {{"key", Base64(key)}};
  if (!range_end.empty()) request["range_end"] = Base64(range_end);
  return request.dump();
}

// Every key under `prefix`: [key, range_end) as etcd wants it.
std::pair<std::string, std::string> PrefixRange(std::string_view prefix) {
  std::string key = prefix.empty() ? std::string(1, '\0') : std::string(prefix);
  return {std::move(key), internal::PrefixRangeEnd(prefix)};
}

absl::StatusOr<RangeResult> ParseRange(std::string_view body) {
  absl::StatusOr<json> response = ParseJsonObject(body);
  if (!response.ok()) return response.status();
  RangeResult result;
  if (absl::Status s = ReadHeaderRevision(*response, "", &result.revision); !s.ok()) return s;
  absl::StatusOr<const json*> kvs = FindArray(*response, "", "kvs");
  if (!kvs.ok()) return kvs.status();
  if (*kvs != nullptr) {
    result.kvs.resize((*kvs)->size());
    for (size_t i = 0; i < result.kvs.size(); ++i) {
      if (absl::Status s = ReadKeyValue((**kvs)[i], Cat("kvs[", i, "]"), &result.kvs[i]); !s.ok()) {
        return s;
      }
    }
  }
  return result;
}

// `status` with the endpoint and request in front of its message.
absl::Status InResponse(std::string_view endpoint, std::string_view path,
                        const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), Cat("etcd ", endpoint, " ", path, ": ", status.message()));
}

// The TTL in a keep-alive response: a stream of one message per request,
// {"result":{"ID":"N","TTL":"N"}} (no TTL once the lease is gone) or
// {"error":{...}}.
absl::StatusOr<int64_t> ParseKeepAlive(std::string body, size_t max_bytes) {
  internal::JsonObjectSplitter splitter(max_bytes);
  *splitter.buffer() = std::move(body);
  std::string text;
  absl::StatusOr<bool> got = splitter.Next(&text);
  if (!got.ok()) return got.status();
  if (!*got) return absl::DataLossError("response without a complete JSON object");
  absl::StatusOr<json> message = ParseJsonObject(text);
  if (!message.ok()) return message.status();
  if (const auto error = message->find("error"); error != message->end()) {
    return internal::StatusFromStreamError(*error);
  }
  absl::StatusOr<const json*> result = FindObject(*message, "", "result");
  if (!result.ok()) return result.status();
  if (*result == nullptr) return absl::DataLossError("response has neither 'result' nor 'error'");
  int64_t ttl = 0;
  if (absl::Status s = ReadInt64(**result, "result", "TTL", &ttl); !s.ok()) return s;
  return ttl;
}

// A unary response we only need to be well formed.
absl::Status CheckResponse(std::string_view body) {
  absl::StatusOr<json> response = ParseJsonObject(body);
  if (!response.ok()) return response.status();
  int64_t revision = 0;
  return ReadHeaderRevision(*response, "", &revision);
}

// One streamed watch response. OK to go on reading; any other status ends
// the watch.
absl::Status HandleWatchMessage(std::string_view text, std::string_view prefix,
                                int64_t start_revision,
                                absl::FunctionRef<void(const WatchBatch&)> on_batch) {
  absl::StatusOr<json> message = ParseJsonObject(text);
  if (!message.ok()) return message.status();
  if (const auto error = message->find("error"); error != message->end()) {
    return internal::StatusFromStreamError(*error);
  }
  absl::StatusOr<const json*> result_or = FindObject(*message, "", "result");
  if (!result_or.ok()) return result_or.status();
  if (*result_or == nullptr) {
    return absl::DataLossError("watch message has neither 'result' nor 'error'");
  }
  const json& result = **result_or;
  bool canceled = false;
  int64_t compact_revision = 0;
  if (absl::Status s = ReadBool(result, "result", "canceled", &canceled); !s.ok()) return s;
  if (absl::Status s = ReadInt64(result, "result", "compact_revision", &compact_revision);
      !s.ok()) {
    return s;
  }
  if (compact_revision > 0) {
    return absl::OutOfRangeError(
        Cat("watch of prefix ", QuoteKey(prefix), " from revision ", start_revision,
            ": revision compacted, etcd's compact revision is ", compact_revision));
  }
  if (canceled) {
    std::string reason;
    if (absl::Status s = ReadString(result, "result", "cancel_reason", &reason); !s.ok()) return s;
    return absl::AbortedError(
        Cat("etcd canceled the watch: ", reason.empty() ? "(no reason given)" : reason));
  }
  WatchBatch batch;
  if (absl::Status s = ReadHeaderRevision(result, "result", &batch.revision); !s.ok()) return s;
  absl::StatusOr<const json*> events = FindArray(result, "result", "events");
  if (!events.ok()) return events.status();
  // The "created" response and progress notifications carry no events.
  if (*events == nullptr || (*events)->empty()) return absl::OkStatus();
  batch.events.resize((*events)->size());
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const json& event = (**events)[i];
    const std::string where = Cat("result.events[", i, "]");
    if (!event.is_object()) {
      return absl::DataLossError(
          Cat("response field '", where, "': expected an object, got ", event.type_name()));
    }
    std::string type;
    if (absl::Status s = ReadString(event, where, "type", &type); !s.ok()) return s;
    if (type.empty() || type == "PUT") {
      batch.events[i].type = WatchEvent::Type::kPut;
    } else if (type == "DELETE") {
      batch.events[i].type = WatchEvent::Type::kDelete;
    } else {
      return absl::DataLossError(
          Cat("response field '", where, ".type': unknown event type '", type, "'"));
    }
    absl::StatusOr<const json*> kv = FindObject(event, where, "kv");
    if (!kv.ok()) return kv.status();
    if (*kv == nullptr) {
      return absl::DataLossError(Cat("response field '", where, "': event without kv"));
    }
    if (absl::Status s = ReadKeyValue(**kv, Cat(where, ".kv"), &batch.events[i].kv); !s.ok()) {
      return s;
    }
  }
  on_batch(batch);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdClient>> EtcdClient::Create(EtcdClientOptions options) {
  if (options.endpoints.empty()) {
    return absl::InvalidArgumentError("EtcdClientOptions.endpoints: at least one is needed");
  }
  std::vector<Endpoint> endpoints;
  for (const std::string& endpoint : options.endpoints) {
    absl::StatusOr<internal::HttpTarget> target = internal::ParseHttpTarget(endpoint);
    if (!target.ok()) return target.status();
    std::string name = target->ToString();
    endpoints.push_back(Endpoint{*std::move(target), std::move(name)});
  }
  auto positive = [](absl::Duration d) { return d > absl::ZeroDuration(); };
  if (!positive(options.connect_timeout) || !positive(options.request_timeout)) {
    return absl::InvalidArgumentError(
        "EtcdClientOptions: connect_timeout and request_timeout must be positive");
  }
  if (options.max_header_bytes == 0 || options.max_response_bytes == 0 ||
      options.max_watch_message_bytes == 0) {
    return absl::InvalidArgumentError(
        "EtcdClientOptions: max_header_bytes, max_response_bytes and max_watch_message_bytes "
        "must be positive");
  }
  const int cancel_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cancel_fd < 0) {
    return absl::InternalError(Cat("eventfd: ", std::strerror(errno)));
  }
  return std::unique_ptr<EtcdClient>(
      new EtcdClient(std::move(options), std::move(endpoints), cancel_fd));
}

EtcdClient::EtcdClient(EtcdClientOptions options, std::vector<Endpoint> endpoints, int cancel_fd)
    : options_(std::move(options)), endpoints_(std::move(endpoints)), cancel_fd_(cancel_fd) {}

EtcdClient::~EtcdClient() { ::close(cancel_fd_); }

void EtcdClient::Shutdown() {
  if (shut_down_.exchange(true, std::memory_order_acq_rel)) return;
  // The eventfd stays readable from now on: every wait, running or to
  // come, sees it.
  const uint64_t one = 1;
  while (::write(cancel_fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

absl::StatusOr<std::unique_ptr<HttpConnection>> EtcdClient::ConnectAny(std::string* endpoint) {
  size_t first = 0;
  {
    transport::MutexLock lock(mu_);
    first = preferred_endpoint_;
  }
  std::vector<std::string> failures;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    const size_t index = (first + i) % endpoints_.size();
    const Endpoint& candidate = endpoints_[index];
    absl::StatusOr<std::unique_ptr<HttpConnection>> conn = HttpConnection::Connect(
        candidate.target, cancel_fd_, absl::Now() + options_.connect_timeout);
    if (conn.ok()) {
      if (index != first) {
        transport::MutexLock lock(mu_);
        preferred_endpoint_ = index;
      }
      *endpoint = candidate.name;
      return conn;
    }
    if (absl::IsCancelled(conn.status()) || is_shut_down()) return ShutDownStatus();
    std::string cause(conn.status().message());
    if (absl::IsDeadlineExceeded(conn.status())) {
      cause += Cat(" (connect_timeout ", absl::FormatDuration(options_.connect_timeout), ")");
    }
    failures.push_back(Cat(candidate.name, ": ", cause));
  }
  return absl::UnavailableError(Cat("etcd: no endpoint answered: ", absl::StrJoin(failures, "; ")));
}

absl::Status EtcdClient::Failed(std::string_view endpoint, std::string_view path,
                                const absl::Status& status) const {
  // Only Shutdown makes a call return Cancelled: etcd's own code 1 (sent
  // to open watches when it stops) arrives here as Unavailable.
  if (is_shut_down()) return ShutDownStatus();
  absl::Status annotated = InResponse(endpoint, path, status);
  if (!absl::IsDeadlineExceeded(status)) return annotated;
  return absl::DeadlineExceededError(Cat(annotated.message(), " (request_timeout ",
                                         absl::FormatDuration(options_.request_timeout), ")"));
}

absl::StatusOr<std::string> EtcdClient::Post(std::string_view path, const std::string& body,
                                             std::string* endpoint) {
  if (is_shut_down()) return ShutDownStatus();
  absl::StatusOr<std::unique_ptr<HttpConnection>> conn = ConnectAny(endpoint);
  if (!conn.ok()) return conn.status();
  auto fail = [&](const absl::Status& s) { return Failed(*endpoint, path, s); };
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  if (absl::Status s = (*conn)->WriteRequest(path, body, deadline); !s.ok()) return fail(s);
  absl::StatusOr<int> status = (*conn)->ReadHead(options_.max_header_bytes, deadline);
  if (!status.ok()) return fail(status.status());
  absl::StatusOr<std::string> response = (*conn)->ReadBody(options_.max_response_bytes, deadline);
  if (!response.ok()) return fail(response.status());
  if (*status != 200) return fail(internal::StatusFromHttpError(*status, *response));
  return response;
}

absl::StatusOr<RangeResult> EtcdClient::RangePrefix(std::string_view prefix) {
  const auto [key, range_end] = PrefixRange(prefix);
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kRange, RangeRequest(key, range_end), &endpoint);
  if (!body.ok()) return body.status();
  absl::StatusOr<RangeResult> result = ParseRange(*body);
  if (!result.ok()) return InResponse(endpoint, kRange, result.status());
  return result;
}

absl::StatusOr<RangeResult> EtcdClient::Get(std::string_view key) {
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kRange, RangeRequest(key, ""), &endpoint);
  if (!body.ok()) return body.status();
  absl::StatusOr<RangeResult> result = ParseRange(*body);
  if (!result.ok()) return InResponse(endpoint, kRange, result.status());
  return result;
}

absl::Status EtcdClient::Put(std::string_view key, std::string_view value, int64_t lease) {
  json request = {{"key", Base64(key)}, {"value", Base64(value)}};
  if (lease != 0) request["lease"] = Cat(lease);
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kPut, request.dump(), &endpoint);
  if (!body.ok()) return body.status();
  return InResponse(endpoint, kPut, CheckResponse(*body));
}

absl::Status EtcdClient::Delete(std::string_view key) {
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kDeleteRange, RangeRequest(key, ""), &endpoint);
  if (!body.ok()) return body.status();
  return InResponse(endpoint, kDeleteRange, CheckResponse(*body));
}

absl::StatusOr<int64_t> EtcdClient::LeaseGrant(absl::Duration ttl) {
  if (ttl == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("etcd LeaseGrant: the TTL must be finite");
  }
  const int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(ttl, absl::Seconds(1))));
  const json request = {{"TTL", Cat(seconds)}};
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kLeaseGrant, request.dump(), &endpoint);
  if (!body.ok()) return body.status();
  absl::StatusOr<json> response = ParseJsonObject(*body);
  if (!response.ok()) return InResponse(endpoint, kLeaseGrant, response.status());
  int64_t id = 0;
  std::string error;
  if (absl::Status s = ReadInt64(*response, "", "ID", &id); !s.ok()) {
    return InResponse(endpoint, kLeaseGrant, s);
  }
  if (absl::Status s = ReadString(*response, "", "error", &error); !s.ok()) {
    return InResponse(endpoint, kLeaseGrant, s);
  }
  if (!error.empty()) {
    return InResponse(endpoint, kLeaseGrant, absl::UnknownError(Cat("etcd error: ", error)));
  }
  if (id == 0) {
    return InResponse(endpoint, kLeaseGrant, absl::DataLossError("response without a lease ID"));
  }
  return id;
}

absl::StatusOr<int64_t> EtcdClient::LeaseKeepAlive(int64_t lease_id) {
  const json request = {{"ID", Cat(lease_id)}};
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kLeaseKeepAlive, request.dump(), &endpoint);
  if (!body.ok()) return body.status();
  absl::StatusOr<int64_t> ttl = ParseKeepAlive(*std::move(body), options_.max_response_bytes);
  if (!ttl.ok()) return InResponse(endpoint, kLeaseKeepAlive, ttl.status());
  if (*ttl <= 0) {
    return InResponse(
        endpoint, kLeaseKeepAlive,
        absl::NotFoundError(Cat("lease ", lease_id, " not found (expired or revoked)")));
  }
  return ttl;
}

absl::Status EtcdClient::LeaseRevoke(int64_t lease_id) {
  const json request = {{"ID", Cat(lease_id)}};
  std::string endpoint;
  absl::StatusOr<std::string> body = Post(kLeaseRevoke, request.dump(), &endpoint);
  if (!body.ok()) return body.status();
  return InResponse(endpoint, kLeaseRevoke, CheckResponse(*body));
}

absl::Status EtcdClient::WatchPrefix(std::string_view prefix, int64_t start_revision,
                                     absl::FunctionRef<void(const WatchBatch&)> on_batch) {
  if (is_shut_down()) return ShutDownStatus();
  std::string endpoint;
  absl::StatusOr<std::unique_ptr<HttpConnection>> conn = ConnectAny(&endpoint);
  if (!conn.ok()) return conn.status();
  auto fail = [&](const absl::Status& s) { return Failed(endpoint, kWatch, s); };
  (*conn)->EnableKeepAlive();
  const auto [key, range_end] = PrefixRange(prefix);
  json create = {{"key", Base64(key)}, {"range_end", Base64(range_end)}};
  if (start_revision > 0) create["start_revision"] = Cat(start_revision);
  const json request = {{"create_request", std::move(create)}};
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  if (absl::Status s = (*conn)->WriteRequest(kWatch, request.dump(), deadline); !s.ok()) {
    return fail(s);
  }
  absl::StatusOr<int> status = (*conn)->ReadHead(options_.max_header_bytes, deadline);
  if (!status.ok()) return fail(status.status());
  if (*status != 200) {
    absl::StatusOr<std::string> body =
        (*conn)->ReadBody(options_.max_watch_message_bytes, deadline);
    if (!body.ok()) return fail(body.status());
    return fail(internal::StatusFromHttpError(*status, *body));
  }
  internal::JsonObjectSplitter splitter(options_.max_watch_message_bytes);
  std::string message;
  for (;;) {
    for (;;) {
      absl::StatusOr<bool> got = splitter.Next(&message);
      if (!got.ok()) {
        if (absl::IsResourceExhausted(got.status())) {
          return fail(
              absl::ResourceExhaustedError(Cat("watch message exceeds max_watch_message_bytes (",
                                               options_.max_watch_message_bytes, " bytes)")));
        }
        return fail(got.status());
      }
      if (!*got) break;
      if (absl::Status s = HandleWatchMessage(message, prefix, start_revision, on_batch); !s.ok()) {
        return fail(s);
      }
    }
    // The stream has no deadline: it lasts until etcd closes it, the
    // connection fails (TCP keep-alive notices a vanished peer) or Shutdown.
    absl::StatusOr<bool> more = (*conn)->ReadBodySome(splitter.buffer(), absl::InfiniteFuture());
    if (!more.ok()) {
      return fail(
          absl::Status(more.status().code(), Cat("watch stream broke: ", more.status().message())));
    }
    if (!*more) {
      return fail(absl::UnavailableError(splitter.HasPartial() ? "watch stream ended mid-message"
                                                               : "watch stream ended"));
    }
  }
}

}  // namespace vireo::etcd
