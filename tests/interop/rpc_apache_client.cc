// rpc_apache_client: calls every method of rpc_interop.thrift's Store (and,
// multiplexed, Counter) through Apache Thrift 0.17's C++ library, for a
// Vireo server to answer.
//
//   rpc_apache_client --port N --transport framed|buffered|header
//                     --protocol binary|compact [--multiplexed]
//
// Checks every reply against what rpc_interop.thrift describes: struct echo,
// the declared exception, a void call, a oneway call seen by a later call,
// a call with many parameters of mixed types, an unknown method (a
// TApplicationException UNKNOWN_METHOD naming it, after which the
// connection still serves calls) and, multiplexed, a second service.
// Prints each failed check to stderr; exits 0 only when all succeeded
// (1: a check failed, 2: bad arguments).
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/protocol/THeaderProtocol.h>
#include <thrift/protocol/TMultiplexedProtocol.h>
#include <thrift/protocol/TProtocolTypes.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "Counter.h"
#include "Store.h"
#include "StoreExtra.h"
#include "rpc_apache_options.h"

namespace interop {
namespace {

namespace ap = apache::thrift::protocol;
namespace at = apache::thrift::transport;
using apache::thrift::TApplicationException;

// A oneway call's effect shows in a later call's reply; a server that runs
// frames of one connection concurrently may answer that call first, so the
// client asks again for up to this long.
constexpr std::chrono::seconds kOnewayWait{10};

class Checker {
 public:
  // Runs `check`; an exception it throws fails the check with its text.
  void Run(const std::string& name, const std::function<void()>& check) {
    try {
      check();
    } catch (const std::exception& e) {
      Fail(name, std::string("threw: ") + e.what());
    }
    ++checks_;
  }
  void Expect(bool ok, const std::string& name, const std::string& detail) {
    if (!ok) Fail(name, detail);
  }
  void Fail(const std::string& name, const std::string& detail) {
    std::fprintf(stderr, "FAILED %s: %s\n", name.c_str(), detail.c_str());
    ++failures_;
  }
  int checks() const { return checks_; }
  int failures() const { return failures_; }

 private:
  int checks_ = 0;
  int failures_ = 0;
};

template <class T>
std::string Show(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string Show(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const std::string& v : values) out += "\"" + v + "\" ";
  return out + "]";
}

Item FullItem() {
  Item item;
  item.__set_id(-(int64_t{1} << 40));
  item.__set_name("interop \xc3\xa9t\xc3\xa9");
  item.__set_tags({"a", "", "c with spaces"});
  item.__set_counts({{"x", 1}, {"y", -2}, {"", 0}});
  item.__set_score(2.25);
  item.__set_blob(std::string("\x00\x01\xff\x80 bytes", 10));
  Point p1;
  p1.__set_x(1);
  p1.__set_y(-1);
  Point p2;
  p2.__set_x(1 << 30);
  p2.__set_y(0);
  item.__set_path({p1, p2});
  item.__set_flags({-3, 0, 7});
  item.__set_color(Color::BLUE);
  return item;
}

std::shared_ptr<ap::TProtocol> MakeProtocol(const PeerOptions& options,
                                            const std::shared_ptr<at::TSocket>& socket) {
  const bool compact = options.protocol == "compact";
  if (options.transport == "header") {
    // THeaderProtocol frames by itself over the socket; its default
    // protocol inside the header is Compact, so name the one meant.
    return std::make_shared<ap::THeaderProtocol>(
        socket, compact ? ap::T_COMPACT_PROTOCOL : ap::T_BINARY_PROTOCOL);
  }
  std::shared_ptr<at::TTransport> transport;
  if (options.transport == "framed") {
    transport = std::make_shared<at::TFramedTransport>(socket);
  } else {
    transport = std::make_shared<at::TBufferedTransport>(socket);
  }
  if (compact) return std::make_shared<ap::TCompactProtocol>(transport);
  return std::make_shared<ap::TBinaryProtocol>(transport);
}

int Run(const PeerOptions& options) {
  auto socket = std::make_shared<at::TSocket>("127.0.0.1", options.port);
  socket->setConnTimeout(5000);
  socket->setRecvTimeout(10000);
  socket->setSendTimeout(10000);
  std::shared_ptr<ap::TProtocol> protocol = MakeProtocol(options, socket);
  std::shared_ptr<ap::TProtocol> store_protocol = protocol;
  std::shared_ptr<ap::TProtocol> counter_protocol = protocol;
  if (options.multiplexed) {
    store_protocol = std::make_shared<ap::TMultiplexedProtocol>(protocol, "Store");
    counter_protocol = std::make_shared<ap::TMultiplexedProtocol>(protocol, "Counter");
  }
  StoreClient store(store_protocol);
  interop_extra::StoreExtraClient extra(store_protocol);
  CounterClient counter(counter_protocol);

  Checker c;
  try {
    protocol->getTransport()->open();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAILED connect to 127.0.0.1:%d: %s\n", options.port, e.what());
    return 1;
  }

  c.Run("echo full item", [&] {
    const Item sent = FullItem();
    Item got;
    store.echo(got, sent);
    c.Expect(got == sent && got.__isset.score, "echo full item",
             "got " + Show(got) + ", want " + Show(sent));
  });
  c.Run("echo empty item", [&] {
    const Item sent;
    Item got;
    store.echo(got, sent);
    c.Expect(got == sent && !got.__isset.score, "echo empty item",
             "got " + Show(got) + ", want " + Show(sent));
  });
  c.Run("find", [&] {
    Item got;
    store.find(got, 7);
    c.Expect(got.id == 7 && got.name == "item-7" && got.tags.empty() && !got.__isset.score, "find",
             "got " + Show(got));
  });
  c.Run("find throws NotFound", [&] {
    try {
      Item got;
      store.find(got, -3);
      c.Fail("find throws NotFound", "returned " + Show(got));
    } catch (const NotFound& e) {
      c.Expect(e.reason == "no item -3" && e.code == 404, "find throws NotFound", "got " + Show(e));
    }
  });
  c.Run("ping", [&] { store.ping(); });
  c.Run("oneway record, then recorded", [&] {
    const std::string first = "apache-cpp-" + std::to_string(getpid()) + "-1";
    const std::string second = "apache-cpp-" + std::to_string(getpid()) + "-2";
    store.record(first);
    store.record(second);
    std::vector<std::string> got;
    const auto deadline = std::chrono::steady_clock::now() + kOnewayWait;
    for (;;) {
      store.recorded(got);
      const auto at_first = std::find(got.begin(), got.end(), first);
      const auto at_second = std::find(got.begin(), got.end(), second);
      if (at_first != got.end() && at_second != got.end()) {
        c.Expect(at_first < at_second, "oneway record, then recorded",
                 "out of order: " + Show(got));
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        c.Fail("oneway record, then recorded", "not recorded: " + Show(got));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  c.Run("mixed", [&] {
    Point point;
    point.__set_x(-5);
    point.__set_y(6);
    std::string got;
    store.mixed(got, true, -7, 300, 70000, 5000000000LL, 2.5, "h\xc3\xa9llo", {1, -2, 3},
                Color::GREEN, point);
    const std::string want =
        "flag=1 b=-7 s=300 i=70000 l=5000000000 d=2.500 str=h\xc3\xa9llo nums=1,-2,3 color=2 "
        "point=-5,6";
    c.Expect(got == want, "mixed", "got \"" + got + "\", want \"" + want + "\"");
  });
  c.Run("unknown method", [&] {
    try {
      std::string got;
      extra.missing(got, "x");
      c.Fail("unknown method", "returned \"" + got + "\"");
    } catch (const TApplicationException& e) {
      c.Expect(e.getType() == TApplicationException::UNKNOWN_METHOD &&
                   std::string(e.what()).find("missing") != std::string::npos,
               "unknown method",
               "type " + std::to_string(e.getType()) + ": " + std::string(e.what()));
    }
  });
  c.Run("ping after unknown method", [&] { store.ping(); });
  if (options.multiplexed) {
    c.Run("second service", [&] {
      const int64_t first = counter.add(5);
      const int64_t second = counter.add(7);
      c.Expect(second == first + 7 && first >= 5, "second service",
               "add(5) = " + std::to_string(first) + ", then add(7) = " + std::to_string(second));
    });
  }
  protocol->getTransport()->close();

  std::printf("rpc_apache_client: %d checks, %d failed (%s %s%s, port %d)\n", c.checks(),
              c.failures(), options.transport.c_str(), options.protocol.c_str(),
              options.multiplexed ? " multiplexed" : "", options.port);
  return c.failures() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace interop

int main(int argc, char** argv) {
  interop::PeerOptions options;
  std::string error;
  if (!interop::ParsePeerOptions(argc, argv, &options, &error)) {
    std::fprintf(stderr, "rpc_apache_client: %s\n", error.c_str());
    return 2;
  }
  return interop::Run(options);
}
