// The parameter types that keep a generated client's calling forms apart.
//
// A generated client has, per method, a blocking form `m(args..., options)`,
// a decode-into form `m(args..., &out, options)` and a callback form
// `m(args..., done, options)`. With plain `R*` and absl::AnyInvocable
// parameters, `m(req, {})` picked the decode-into form with a null pointer
// (`{}` converts to a pointer more readily than to CallOptions). Out<R> and
// Callback<Ret> cannot be made from `{}` (nor from CallOptions, nor Out
// from nullptr), so every spelling a user is likely to write either means
// what it reads as or does not compile:
//
//   client.echo(req);                   // blocking, default options
//   client.echo(req, {});               // the same
//   client.echo(req, opts);             // blocking
//   client.echo(req, &resp);            // decode into resp
//   client.echo(req, &resp, opts);
//   client.echo(req, [](absl::StatusOr<Response> r) { ... });  // callback
//   client.echo(req, nullptr);          // does not compile
//
// Thread rules: plain values; Callback is moved into the call.
#ifndef VIREO_CORE_CALL_ARGS_H_
#define VIREO_CORE_CALL_ARGS_H_

#include <cstddef>
#include <type_traits>
#include <utility>

#include "absl/functional/any_invocable.h"

namespace vireo {

// Where the decode-into form decodes the reply: a pointer to a caller's
// object, which must outlive the call. Made from `&object` only.
template <class R>
class Out {
 public:
  Out(R* object) : object_(object) {}  // NOLINT: `&resp` converts implicitly
  Out(std::nullptr_t) = delete;        // there is no "nowhere" to decode into

  R* get() const { return object_; }

 private:
  R* object_;
};

// What the callback form runs once with the call's result (on a loop
// thread; see Client::Call): any callable that takes a `Ret`.
template <class Ret>
class Callback {
 public:
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Callback> &&
           std::is_invocable_v<std::remove_cvref_t<F>&&, Ret>) Callback(F&& fn)
      : fn_(std::forward<F>(fn)) {}  // NOLINT: a lambda converts implicitly

  // The callable, moved out.
  absl::AnyInvocable<void(Ret) &&> Take() && { return std::move(fn_); }

 private:
  absl::AnyInvocable<void(Ret) &&> fn_;
};

}  // namespace vireo

#endif  // VIREO_CORE_CALL_ARGS_H_
