// Dialer: non-blocking TCP connect with a timeout.
//
// Example:
//   Dialer::Dial(loop, *InetAddress::Parse("127.0.0.1:9090"), absl::Seconds(1), {},
//       [](absl::StatusOr<std::shared_ptr<Connection>> c) {
//         if (!c.ok()) { /* Unavailable, DeadlineExceeded, ... */ return; }
//         (*c)->SetMessageCallback(...);
//         (*c)->Start();
//       });
//
// Errors: Unavailable for refused, reset and unreachable ("connect to
// 127.0.0.1:1: Connection refused"), DeadlineExceeded when the timeout runs
// out first, ResourceExhausted when out of descriptors or ports.
//
// Thread rules: Dial is thread safe and its callback runs once in the loop
// thread. DialSync blocks the calling thread and must not run on a loop
// thread (FailedPrecondition).
#ifndef VIREO_TRANSPORT_DIALER_H_
#define VIREO_TRANSPORT_DIALER_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/inet_address.h"

namespace vireo::transport {

class Dialer {
 public:
  // Receives the connected (not yet started) connection, or the error.
  using Callback = absl::AnyInvocable<void(absl::StatusOr<std::shared_ptr<Connection>>) &&>;

  // Connects from `loop`; a timeout of zero or less means no timeout.
  static void Dial(EventLoop* loop, const InetAddress& address, absl::Duration timeout,
                   const Connection::Options& options, Callback callback);

  // Dial, waiting for the result.
  static absl::StatusOr<std::shared_ptr<Connection>> DialSync(EventLoop* loop,
                                                              const InetAddress& address,
                                                              absl::Duration timeout,
                                                              const Connection::Options& options);
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_DIALER_H_
