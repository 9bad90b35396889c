#include "vireo/core/generic/generic.h"

#include <simdjson.h>

#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/core/biz_status.h"
#include "vireo/core/internal/client_inl.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::generic {

using internal::Cat;
namespace {

MethodInfo InfoOf(const MethodSchema& m) {
  MethodInfo info;
  info.name = m.name;
  info.oneway = m.oneway;
  info.idempotent = m.idempotent;
  return info;
}

// Decodes a reply for `m`; keeps the schema alive while calls are in flight.
// User-declared constructor: GCC 12 destroys an aggregate temporary made
// inside a co_await operand twice.
struct ReplyDecoder {
  ReplyDecoder(std::shared_ptr<const Schema> s, const MethodSchema* m, const JsonOptions& j)
      : schema(std::move(s)), method(m), json(j) {}

  std::shared_ptr<const Schema> schema;
  const MethodSchema* method;
  JsonOptions json;

  absl::StatusOr<GenericReply> operator()(absl::Status status, ClientReply& reply) const {
    if (!status.ok()) return status;
    GenericReply out;
    if (method->oneway) {
      out.json = "null";
      return out;
    }
    if (absl::Status s = DecodeResult(*method, reply.body, reply.protocol, &out, json); !s.ok()) {
      return absl::Status(s.code(),
                          Cat(method->service, ".", method->name, ": bad reply: ", s.message()));
    }
    return out;
  }
};

// Fails the call being served as a typed handler's exception does: the
// server answers INTERNAL_ERROR "<CODE>: <message>", which a Vireo client
// turns back into the code. (An invoker's own returned error means "the
// arguments did not decode", answered PROTOCOL_ERROR.)
[[noreturn]] void FailCall(const absl::Status& status) {
  throw std::runtime_error(Cat(absl::StatusCodeToString(status.code()), ": ", status.message()));
}

}  // namespace

GenericClient::GenericClient(std::shared_ptr<const Schema> schema, std::shared_ptr<Client> client,
                             JsonOptions json)
    : schema_(std::move(schema)), client_(std::move(client)), json_(std::move(json)) {}

absl::StatusOr<const MethodSchema*> GenericClient::Resolve(std::string_view method) const {
  std::string_view service = client_->options().service;
  const size_t dot = method.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string_view named = method.substr(0, dot);
    const ServiceSchema* svc = schema_->FindService(named);
    if (svc != nullptr && !service.empty() && svc != schema_->FindService(service)) {
      return absl::InvalidArgumentError(
          Cat("method ", method, " is not of service ", service, ", which this client calls"));
    }
    service = named;
    method = method.substr(dot + 1);
  }
  const MethodSchema* m = schema_->FindMethod(service, method);
  if (m == nullptr) {
    if (service.empty() && schema_->services().size() != 1) {
      return absl::NotFoundError(Cat("method ", method, ": no service named (the IDL has ",
                                     schema_->services().size(), " services)"));
    }
    if (!service.empty() && schema_->FindService(service) == nullptr) {
      return absl::NotFoundError(Cat("service ", service, " is not in the IDL"));
    }
    return absl::NotFoundError(
        Cat("method ", method, " is not in service ",
            service.empty() ? schema_->services().front().name : std::string(service)));
  }
  return m;
}

absl::StatusOr<GenericReply> GenericClient::Call(std::string_view method,
                                                 std::string_view json_args,
                                                 const CallOptions& options) {
  absl::StatusOr<const MethodSchema*> m = Resolve(method);
  if (!m.ok()) return m.status();
  transport::LinkBuffer body;
  if (absl::Status s =
          JsonToThrift(*(*m)->args, json_args, client_->options().protocol, body, json_);
      !s.ok()) {
    return s;
  }
  return internal::CallBlocking<absl::StatusOr<GenericReply>>(
      *client_, InfoOf(**m),
      [&body](codec::ProtocolId, transport::LinkBuffer& out) { out.Append(std::move(body)); },
      options, ReplyDecoder(schema_, *m, json_));
}

void GenericClient::Call(std::string_view method, std::string_view json_args,
                         const CallOptions& options,
                         absl::AnyInvocable<void(absl::StatusOr<GenericReply>) &&> done) {
  absl::StatusOr<const MethodSchema*> m = Resolve(method);
  transport::LinkBuffer body;
  absl::Status s = m.status();
  if (s.ok()) s = JsonToThrift(*(*m)->args, json_args, client_->options().protocol, body, json_);
  if (!s.ok()) {
    std::move(done)(std::move(s));
    return;
  }
  internal::CallAsync<absl::StatusOr<GenericReply>>(
      *client_, InfoOf(**m),
      [&body](codec::ProtocolId, transport::LinkBuffer& out) { out.Append(std::move(body)); },
      options, ReplyDecoder(schema_, *m, json_), std::move(done));
}

Task<absl::StatusOr<GenericReply>> GenericClient::CoCall(std::string method, std::string json_args,
                                                         CallOptions options) {
  absl::StatusOr<const MethodSchema*> m = Resolve(method);
  if (!m.ok()) co_return m.status();
  transport::LinkBuffer body;
  if (absl::Status s =
          JsonToThrift(*(*m)->args, json_args, client_->options().protocol, body, json_);
      !s.ok()) {
    co_return s;
  }
  ReplyDecoder decoder(schema_, *m, json_);
  co_return co_await internal::CallCoroutine<absl::StatusOr<GenericReply>>(
      *client_, InfoOf(**m), std::move(body), std::move(options), std::move(decoder));
}

absl::Status ExceptionStatus(const GenericReply& reply) {
  if (reply.exception.empty()) return absl::OkStatus();
  std::string what = reply.json;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(reply.json).get(root) == simdjson::SUCCESS) {
    std::string_view message;
    if (root["message"].get(message) == simdjson::SUCCESS) what = std::string(message);
  }
  return absl::UnknownError(Cat(reply.exception, ": ", what));
}

// ---- GenericService ---------------------------------------------------------

GenericService::GenericService(std::shared_ptr<const Schema> schema, const ServiceSchema* service,
                               JsonHandler handler, CoJsonHandler co_handler, JsonOptions json)
    : schema_(std::move(schema)),
      service_(service),
      handler_(std::move(handler)),
      co_handler_(std::move(co_handler)),
      json_(std::move(json)) {
  for (const MethodSchema* m : service_->methods) {
    descriptors_.push_back(MethodDescriptor{m->name, m->oneway, &GenericService::Invoke});
  }
}

absl::StatusOr<std::unique_ptr<GenericService>> GenericService::Create(
    std::shared_ptr<const Schema> schema, std::string_view service, JsonHandler handler,
    JsonOptions json) {
  const ServiceSchema* svc = schema->FindService(service);
  if (svc == nullptr) return absl::NotFoundError(Cat("service ", service, " is not in the IDL"));
  if (!handler) return absl::InvalidArgumentError("GenericService needs a handler");
  return std::unique_ptr<GenericService>(
      new GenericService(std::move(schema), svc, std::move(handler), nullptr, std::move(json)));
}

absl::StatusOr<std::unique_ptr<GenericService>> GenericService::Create(
    std::shared_ptr<const Schema> schema, std::string_view service, CoJsonHandler handler,
    JsonOptions json) {
  const ServiceSchema* svc = schema->FindService(service);
  if (svc == nullptr) return absl::NotFoundError(Cat("service ", service, " is not in the IDL"));
  if (!handler) return absl::InvalidArgumentError("GenericService needs a handler");
  return std::unique_ptr<GenericService>(
      new GenericService(std::move(schema), svc, nullptr, std::move(handler), std::move(json)));
}

Task<absl::Status> GenericService::Invoke(Service& service, ServerCall& call) {
  auto& self = static_cast<GenericService&>(service);
  const MethodSchema* m = self.service_->FindMethod(call.context().method());
  if (m == nullptr) {
    co_return absl::UnimplementedError(
        Cat("method ", call.context().method(), " is not in the IDL"));
  }
  std::string args;
  absl::Status s = ThriftToJson(*m->args, call.request(), call.protocol(), &args, self.json_);
  call.request().Release();
  call.request().TrimIfEmpty();
  if (!s.ok()) co_return s;

  // Not a conditional expression: GCC 12 miscompiles a co_await inside one
  // (the result is destroyed twice).
  absl::StatusOr<GenericReply> reply = absl::UnknownError("no handler ran");
  if (self.co_handler_) {
    reply = co_await self.co_handler_(call.context(), *m, std::move(args));
  } else {
    reply = self.handler_(call.context(), *m, args);
  }
  if (!reply.ok()) {
    if (GetBizStatus(reply.status()).has_value()) co_return reply.status();
    FailCall(reply.status());
  }
  if (m->oneway) co_return absl::OkStatus();
  transport::LinkBuffer result;  // a failed encoding leaves no partial reply
  if (s = EncodeResult(*m, *reply, call.protocol(), result, self.json_); !s.ok()) {
    FailCall(absl::InternalError(Cat("the handler's reply to ", m->service, ".", m->name,
                                     " does not fit the IDL: ", s.message())));
  }
  call.reply_body().Append(std::move(result));
  call.MarkReplied();
  if (!reply->exception.empty()) {
    absl::Status e = ExceptionStatus(*reply);
    const absl::string_view what = e.message().substr(reply->exception.size() + 2);
    co_return IdlExceptionStatus(reply->exception, std::string_view(what.data(), what.size()));
  }
  co_return absl::OkStatus();
}

}  // namespace vireo::generic
