// The calling styles of generated clients, on top of Client::Call, and the
// IDL-exception payload of a Status. Included by core/client.h only.
#ifndef VIREO_CORE_INTERNAL_CLIENT_INL_H_
#define VIREO_CORE_INTERNAL_CLIENT_INL_H_

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/task.h"
#include "vireo/transport/internal/object_cache.h"
#include "vireo/transport/link_buffer.h"

namespace vireo {
namespace internal {

// Payloads are keyed by the exception's C++ type, so that IdlException<E>
// finds only an E (the status never leaves the process).
template <class E>
std::string IdlExceptionUrl() {
  return Cat(kIdlExceptionUrl, "/", typeid(E).name());
}

template <class E>
absl::Status IdlExceptionToStatus(std::string_view name, const E& e) {
  absl::Status status = absl::UnknownError(Cat(name, ": ", e.what()));
  transport::LinkBuffer buf;
  codec::Encode(e, codec::ProtocolId::kBinary, buf);
  buf.Flush();
  absl::StatusOr<std::string> bytes = buf.ReadString(buf.Len());
  if (bytes.ok()) status.SetPayload(IdlExceptionUrl<E>(), absl::Cord(*bytes));
  return status;
}

// FailedPrecondition when the calling thread runs an event loop: blocking
// there would stall every connection of that loop, and deadlock when the
// reply is due on that very loop.
absl::Status CheckMayBlock(std::string_view method);

template <class Ret, class Decode>
Ret CallBlocking(Client& client, const MethodInfo& method, Client::EncodeFn encode,
                 const CallOptions& options, Decode decode) {
  if (absl::Status s = CheckMayBlock(method.name); !s.ok()) return s;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Ret> result;
  client.Call(method, encode, options, [&](absl::Status status, ClientReply& reply) {
    Ret r = decode(std::move(status), reply);
    std::lock_guard<std::mutex> lock(mu);
    result.emplace(std::move(r));
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return result.has_value(); });
  return std::move(*result);
}

template <class Ret, class Decode>
void CallAsync(Client& client, const MethodInfo& method, Client::EncodeFn encode,
               const CallOptions& options, Decode decode, absl::AnyInvocable<void(Ret) &&> done) {
  client.Call(method, encode, options,
              transport::internal::Boxed(
                  [decode = std::move(decode), done = std::move(done)](
                      absl::Status status, ClientReply& reply) mutable {
                    std::move(done)(decode(std::move(status), reply));
                  }));
}

// The decode-into form: `decode` reads the reply into *out.
template <class R>
absl::Status CallBlockingInto(Client& client, const MethodInfo& method, Client::EncodeFn encode,
                              const CallOptions& options, R* out,
                              absl::Status (*decode)(R*, absl::Status, ClientReply&)) {
  return CallBlocking<absl::Status>(client, method, encode, options,
                                    [out, decode](absl::Status status, ClientReply& reply) {
                                      return decode(out, std::move(status), reply);
                                    });
}

// The coroutine form. The arguments are encoded now, with the client's
// protocol (as Client::Call would encode them), so the lazy task owns
// bytes, not references to the caller's arguments; and one coroutine serves
// every method of one result type.
template <class Args>
transport::LinkBuffer EncodeNow(const Client& client, const Args& args) {
  transport::LinkBuffer body;
  codec::Encode(args, client.options().protocol, body);
  return body;
}

template <class Ret, class Decode>
Task<Ret> CallCoroutine(Client& client, const MethodInfo& method, transport::LinkBuffer body,
                        CallOptions options, Decode decode) {
  co_return co_await Suspend<Ret>([&](absl::AnyInvocable<void(Ret) &&> resume) {
    client.Call(
        method,
        [&body](codec::ProtocolId /*protocol*/, transport::LinkBuffer& out) {
          out.Append(std::move(body));
        },
        options,
        transport::internal::Boxed([decode = std::move(decode), resume = std::move(resume)](
                                       absl::Status status, ClientReply& reply) mutable {
          std::move(resume)(decode(std::move(status), reply));
        }));
  });
}

}  // namespace internal

template <class E>
std::optional<E> IdlException(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kUnknown) return std::nullopt;
  // absl::optional: not std::optional in every abseil release.
  absl::optional<absl::Cord> payload = status.GetPayload(internal::IdlExceptionUrl<E>());
  if (!payload) return std::nullopt;
  transport::LinkBuffer buf;
  buf.Write(std::string(*payload));
  buf.Flush();
  E e;
  if (!codec::Decode(buf, codec::ProtocolId::kBinary, &e).ok()) return std::nullopt;
  return e;
}

}  // namespace vireo

#endif  // VIREO_CORE_INTERNAL_CLIENT_INL_H_
