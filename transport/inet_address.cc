#include "vireo/transport/inet_address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vireo::transport {

InetAddress::InetAddress() : len_(sizeof(sockaddr_in)) {
  std::memset(&addr_, 0, sizeof(addr_));
  addr_.ss_family = AF_INET;
}

InetAddress::InetAddress(const struct sockaddr* addr, socklen_t len) : InetAddress() {
  len_ = std::min<socklen_t>(len, sizeof(addr_));
  std::memcpy(&addr_, addr, len_);
}

InetAddress InetAddress::Loopback(uint16_t port) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return InetAddress(reinterpret_cast<const struct sockaddr*>(&in), sizeof(in));
}

absl::StatusOr<InetAddress> InetAddress::Parse(std::string_view host_port) {
  std::string_view host;
  std::string_view port_text = host_port;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos || close + 1 >= host_port.size() ||
        host_port[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat("bad address '", std::string(host_port), "'"));
    }
    host = host_port.substr(1, close - 1);
    port_text = host_port.substr(close + 2);
  } else if (const size_t colon = host_port.rfind(':'); colon != std::string_view::npos) {
    host = host_port.substr(0, colon);
    port_text = host_port.substr(colon + 1);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(absl::string_view(port_text.data(), port_text.size()), &port) || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port in address '", std::string(host_port), "'"));
  }
  const std::string h(host.empty() ? "0.0.0.0" : host);
  sockaddr_in in{};
  if (inet_pton(AF_INET, h.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    in.sin_port = htons(static_cast<uint16_t>(port));
    return InetAddress(reinterpret_cast<const struct sockaddr*>(&in), sizeof(in));
  }
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET6, h.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(static_cast<uint16_t>(port));
    return InetAddress(reinterpret_cast<const struct sockaddr*>(&in6), sizeof(in6));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("bad address '", std::string(host_port), "': host is not a numeric IP"));
}

absl::StatusOr<InetAddress> InetAddress::Resolve(const std::string& host, uint16_t port) {
  absl::StatusOr<std::vector<InetAddress>> all = ResolveAll(host, port);
  if (!all.ok()) return all.status();
  return all->front();
}

absl::Status InetAddress::SplitHostPort(std::string_view host_port, std::string* host,
                                       uint16_t* port) {
  const size_t colon = host_port.rfind(':');
  uint32_t p = 0;
  std::string_view h = colon == std::string_view::npos ? host_port : host_port.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (colon == std::string_view::npos || h.empty() ||
      !absl::SimpleAtoi(absl::string_view(host_port.data() + colon + 1, host_port.size() - colon - 1),
                        &p) ||
      p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(host_port), "' is not host:port"));
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(p);
  return absl::OkStatus();
}

absl::StatusOr<InetAddress> InetAddress::ParseOrResolve(std::string_view host_port) {
  absl::StatusOr<InetAddress> a = Parse(host_port);
  if (a.ok()) return a;
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitHostPort(host_port, &host, &port); !s.ok()) return s;
  return Resolve(host, port);
}

absl::StatusOr<std::vector<InetAddress>> InetAddress::ResolveAll(const std::string& host,
                                                                 uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0 || result == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve '", host, "': ", gai_strerror(rc)));
  }
  std::vector<InetAddress> out;
  for (const addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    InetAddress a(ai->ai_addr, ai->ai_addrlen);
    a.SetPort(port);
    bool seen = false;
    for (const InetAddress& b : out) seen |= (a == b);
    if (!seen) out.push_back(a);
  }
  freeaddrinfo(result);
  if (out.empty()) {
    return absl::UnavailableError(absl::StrCat("cannot resolve '", host, "': no address"));
  }
  return out;
}

absl::StatusOr<InetAddress> InetAddress::FirstNonLoopbackIPv4(uint16_t port) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::NotFoundError(absl::StrCat("getifaddrs: ", std::strerror(errno)));
  }
  absl::StatusOr<InetAddress> out =
      absl::NotFoundError("no interface that is up has a non-loopback IPv4 address");
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    InetAddress a(i->ifa_addr, sizeof(sockaddr_in));
    a.SetPort(port);
    out = a;
    break;
  }
  freeifaddrs(list);
  return out;
}

bool InetAddress::IsWildcard() const {
  if (addr_.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&a);
  }
  return reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr.s_addr == htonl(INADDR_ANY);
}

bool InetAddress::IsLoopback() const {
  if (addr_.ss_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
  }
  if (addr_.ss_family != AF_INET) return false;
  return (ntohl(reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr.s_addr) >> 24) == 127;
}

bool operator==(const InetAddress& a, const InetAddress& b) {
  if (a.family() != b.family() || a.port() != b.port()) return false;
  if (a.family() == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&a.addr_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&b.addr_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return reinterpret_cast<const sockaddr_in*>(&a.addr_)->sin_addr.s_addr ==
         reinterpret_cast<const sockaddr_in*>(&b.addr_)->sin_addr.s_addr;
}

void InetAddress::SetPort(uint16_t port) {
  if (addr_.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&addr_)->sin6_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in*>(&addr_)->sin_port = htons(port);
  }
}

uint16_t InetAddress::port() const {
  if (addr_.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr_)->sin_port);
}

std::string InetAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr_.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr, text,
              sizeof(text));
    return absl::StrCat("[", text, "]:", port());
  }
  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr, text, sizeof(text));
  return absl::StrCat(text, ":", port());
}

}  // namespace vireo::transport
