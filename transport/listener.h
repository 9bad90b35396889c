// Listener: a listening TCP socket served by one EventLoop.
//
// A server runs one Listener per loop on the same port with SO_REUSEPORT,
// so the kernel spreads new connections over the loops and no loop hands
// accepted sockets to another. Accepted sockets are non-blocking, close-on-
// exec, with TCP_NODELAY.
//
// Running out of file descriptors (EMFILE/ENFILE) does not spin the loop:
// the listener closes a spare descriptor it keeps for this, accepts and
// closes the pending connection (so the client sees a close rather than a
// hang), and reopens the spare. Other resource errors pause accepting for
// `pause_on_error`.
//
// Example:
//   auto l = Listener::Create(loop, *InetAddress::Parse("127.0.0.1:0"), {},
//       [](int fd, const InetAddress& peer) { ... });
//   (*l)->Start();
//
// Thread rules: Create binds and listens (any thread); Start and Stop post
// to the loop; the accept callback runs in the loop thread. Destroy only
// after Stop() has run in the loop (or the loop has stopped).
#ifndef VIREO_TRANSPORT_LISTENER_H_
#define VIREO_TRANSPORT_LISTENER_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/inet_address.h"

namespace vireo::transport {

class Listener : public EventHandler {
 public:
  struct Options {
    // listen() backlog. Default: 1024.
    int backlog = 1024;
    // Share the port with other listeners (one per loop). Default: true.
    bool reuse_port = true;
    // How long to stop accepting after an error other than EMFILE/ENFILE
    // (ENOBUFS, ENOMEM). Default: 100 ms.
    absl::Duration pause_on_error = absl::Milliseconds(100);
  };
  // Receives each accepted socket (owned by the callee from then on).
  using AcceptCallback = absl::AnyInvocable<void(int fd, const InetAddress& peer)>;

  // Binds and listens. Any thread.
  static absl::StatusOr<std::unique_ptr<Listener>> Create(EventLoop* loop,
                                                         const InetAddress& address,
                                                         const Options& options,
                                                         AcceptCallback on_accept);
  ~Listener() override;

  // Begins accepting. Any thread; posts to the loop.
  void Start();
  // Stops accepting and closes the socket. Any thread; posts to the loop.
  void Stop();

  // The bound address (with the port the kernel chose for port 0).
  const InetAddress& address() const { return address_; }
  // Connections dropped because the process was out of descriptors.
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  // Loop thread only.
  void HandleEvents(uint32_t events) override;

 private:
  Listener(EventLoop* loop, int fd, const InetAddress& address, const Options& options,
           AcceptCallback on_accept);
  void DropOne();
  void Pause();

  EventLoop* const loop_;
  int fd_;
  int spare_fd_;
  const InetAddress address_;
  const Options options_;
  AcceptCallback on_accept_;
  bool registered_ = false;
  EventLoop::TimerId resume_timer_ = 0;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_LISTENER_H_
