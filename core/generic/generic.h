// Generic calls: call or serve any Thrift service from its IDL, read at run
// time, with JSON for the arguments and the reply (as Kitex's generic JSON
// calls; docs/generic.md has the mapping).
//
// GenericClient sits on a Client (core/client.h), so every framing,
// protocol, connection mode, resolver, balancer, retry policy, breaker and
// middleware of the typed client applies. GenericService is a Service
// (core/service.h) whose handler takes and returns JSON: for mocks,
// gateways and test doubles.
//
// Example (client):
//   auto schema = generic::Schema::Load({"echo.thrift"});
//   ClientOptions options;
//   options.service = "EchoService";
//   options.targets = {"127.0.0.1:8888"};
//   generic::GenericClient client(*schema, std::make_shared<Client>(options));
//   absl::StatusOr<generic::GenericReply> r =
//       client.Call("echo", R"({"req": {"msg": "hi"}})");
//   if (r.ok()) std::cout << r->json << "\n";   // {"msg":"hi"}
//
// Example (server):
//   auto service = generic::GenericService::Create(*schema, "EchoService",
//       [](CallContext& ctx, const generic::MethodSchema& m, std::string_view args)
//           -> absl::StatusOr<generic::GenericReply> {
//         return generic::GenericReply{R"({"msg": "pong"})", ""};
//       });
//   server.AddService(std::move(*service));
//
// Errors: a call whose JSON does not fit the IDL fails with InvalidArgument
// naming the path, before anything is sent; an unknown method is NotFound.
// Transport and server errors are the typed client's (core/client.h). A
// declared IDL exception is not an error: the call succeeds with
// GenericReply::exception set to its type name and `json` its value (the
// Status the typed client would give is ExceptionStatus(reply)).
//
// Thread rules: GenericClient and GenericService are thread safe, as Client
// and Service are. A handler runs on several loops or workers at once.
#ifndef VIREO_CORE_GENERIC_GENERIC_H_
#define VIREO_CORE_GENERIC_GENERIC_H_

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/core/call_context.h"
#include "vireo/core/client.h"
#include "vireo/core/generic/json_codec.h"
#include "vireo/core/generic/schema.h"
#include "vireo/core/service.h"
#include "vireo/core/task.h"

namespace vireo::generic {

class GenericClient {
 public:
  // Calls the service client->options().service (with an empty name, the
  // only service of the schema).
  GenericClient(std::shared_ptr<const Schema> schema, std::shared_ptr<Client> client,
                JsonOptions json = JsonOptions());

  // `method`: a method of the client's service, or "Service.method".
  // `json_args`: the arguments as one JSON object keyed by the IDL argument
  // names (`{"req": {...}}`); "" is taken as `{}`. Blocking: not on a loop
  // thread of the client.
  absl::StatusOr<GenericReply> Call(std::string_view method, std::string_view json_args,
                                    const CallOptions& options = CallOptions());
  // Callback form: `done` runs once, on a loop thread of the client; but a
  // call that fails before anything is sent (unknown method, JSON that does
  // not fit the IDL) runs it at once, on the calling thread.
  void Call(std::string_view method, std::string_view json_args, const CallOptions& options,
            absl::AnyInvocable<void(absl::StatusOr<GenericReply>) &&> done);
  // Coroutine form.
  Task<absl::StatusOr<GenericReply>> CoCall(std::string method, std::string json_args,
                                            CallOptions options = CallOptions());

  // The method `method` names, or NotFound.
  absl::StatusOr<const MethodSchema*> Resolve(std::string_view method) const;

  Client& client() { return *client_; }
  const Schema& schema() const { return *schema_; }

 private:
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<Client> client_;
  JsonOptions json_;
};

// The Status the typed client gives for the declared exception in `reply`:
// kUnknown "<Type>: <message>" (the exception's "message" field, else its
// JSON). OK when `reply` carries no exception.
absl::Status ExceptionStatus(const GenericReply& reply);

// A JSON handler: the call's context, the method, its arguments as one JSON
// object (keys are the IDL argument names). Returns the reply (a value, or
// a declared exception by its type name) or an error. The server answers an
// error as it answers an exception a typed handler throws: a
// TApplicationException INTERNAL_ERROR "<CODE>: <message>", which a Vireo
// client turns back into the code; a biz status (BizStatusToStatus,
// core/biz_status.h) travels as a biz status. A reply that does not fit the
// IDL is answered INTERNAL_ERROR "INTERNAL: ... does not fit the IDL: ...".
// A JSON argument that does not decode is answered PROTOCOL_ERROR.
using JsonHandler = std::function<absl::StatusOr<GenericReply>(
    CallContext& ctx, const MethodSchema& method, std::string_view json_args)>;
// The coroutine form, for handlers that call other services.
using CoJsonHandler = std::function<Task<absl::StatusOr<GenericReply>>(
    CallContext& ctx, const MethodSchema& method, std::string json_args)>;

class GenericService : public Service {
 public:
  // Serves `service` of `schema` (every method, its bases' included).
  // NotFound when the schema has no such service.
  static absl::StatusOr<std::unique_ptr<GenericService>> Create(
      std::shared_ptr<const Schema> schema, std::string_view service, JsonHandler handler,
      JsonOptions json = JsonOptions());
  static absl::StatusOr<std::unique_ptr<GenericService>> Create(
      std::shared_ptr<const Schema> schema, std::string_view service, CoJsonHandler handler,
      JsonOptions json = JsonOptions());

  std::string_view ServiceName() const override { return service_->name; }
  std::span<const MethodDescriptor> Methods() const override { return descriptors_; }

 private:
  GenericService(std::shared_ptr<const Schema> schema, const ServiceSchema* service,
                 JsonHandler handler, CoJsonHandler co_handler, JsonOptions json);
  static Task<absl::Status> Invoke(Service& service, ServerCall& call);

  std::shared_ptr<const Schema> schema_;
  const ServiceSchema* service_;
  JsonHandler handler_;
  CoJsonHandler co_handler_;
  JsonOptions json_;
  std::vector<MethodDescriptor> descriptors_;
};

}  // namespace vireo::generic

#endif  // VIREO_CORE_GENERIC_GENERIC_H_
