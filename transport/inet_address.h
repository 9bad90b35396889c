// InetAddress: an IPv4 or IPv6 socket address.
//
// Example:
//   absl::StatusOr<InetAddress> a = InetAddress::Parse("127.0.0.1:8080");
//   absl::StatusOr<InetAddress> b = InetAddress::Parse("[::1]:8080");
//   absl::StatusOr<InetAddress> c = InetAddress::Resolve("localhost", 8080);
//
// Thread rules: a value type; Parse is thread safe; Resolve blocks on DNS
// and must not be called on a loop thread.
#ifndef VIREO_TRANSPORT_INET_ADDRESS_H_
#define VIREO_TRANSPORT_INET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vireo::transport {

class InetAddress {
 public:
  // 0.0.0.0:0.
  InetAddress();
  // Copies `len` bytes of `addr` (AF_INET or AF_INET6).
  InetAddress(const struct sockaddr* addr, socklen_t len);

  // Numeric "a.b.c.d:port", "[v6]:port", or ":port" / "port" (any IPv4
  // address). InvalidArgument on anything else.
  static absl::StatusOr<InetAddress> Parse(std::string_view host_port);
  // A numeric host, or a name looked up with getaddrinfo (first result).
  static absl::StatusOr<InetAddress> Resolve(const std::string& host, uint16_t port);
  // "host:port" or "[v6]:port" taken apart: a non-empty host (brackets
  // removed) and a port from 0 to 65535. InvalidArgument naming the text
  // otherwise.
  static absl::Status SplitHostPort(std::string_view host_port, std::string* host,
                                    uint16_t* port);
  // As Parse for a numeric address, else "name:port" with the name looked
  // up now (Resolve). InvalidArgument for text that is not host:port,
  // Unavailable for a name that does not resolve. Blocks on a name.
  static absl::StatusOr<InetAddress> ParseOrResolve(std::string_view host_port);
  // Every address getaddrinfo gives for `host` (A and AAAA), each once, in
  // its order. Unavailable naming the host when there is none. Blocks.
  static absl::StatusOr<std::vector<InetAddress>> ResolveAll(const std::string& host,
                                                             uint16_t port);
  // The first IPv4 address of an interface that is up and not loopback
  // (what a server listening on 0.0.0.0 tells a registry), with `port`.
  // NotFound when there is none.
  static absl::StatusOr<InetAddress> FirstNonLoopbackIPv4(uint16_t port);
  // 127.0.0.1:port.
  static InetAddress Loopback(uint16_t port);

  int family() const { return addr_.ss_family; }
  uint16_t port() const;
  // 0.0.0.0 or [::].
  bool IsWildcard() const;
  // 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address.
  bool IsLoopback() const;
  const struct sockaddr* sockaddr() const { return reinterpret_cast<const struct sockaddr*>(&addr_); }
  socklen_t length() const { return len_; }
  // "1.2.3.4:80" or "[::1]:80".
  std::string ToString() const;
  void SetPort(uint16_t port);

  friend bool operator==(const InetAddress& a, const InetAddress& b);

 private:
  struct sockaddr_storage addr_;
  socklen_t len_;
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_INET_ADDRESS_H_
