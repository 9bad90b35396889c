// Command-line options shared by the Apache Thrift peer programs of the RPC
// interoperability tests (rpc_apache_client, rpc_apache_server).
//
// Example:
//   interop::PeerOptions options;
//   std::string error;
//   if (!interop::ParsePeerOptions(argc, argv, &options, &error)) { ... }
//
// Thread rules: plain functions; any thread.
#ifndef VIREO_TESTS_INTEROP_RPC_APACHE_OPTIONS_H_
#define VIREO_TESTS_INTEROP_RPC_APACHE_OPTIONS_H_

#include <cstdlib>
#include <string>
#include <string_view>

namespace interop {

struct PeerOptions {
  // TCP port on 127.0.0.1. Required.
  int port = 0;
  // threaded | nonblocking (server only). Default: threaded.
  std::string server = "threaded";
  // framed | buffered | header. Default: framed.
  std::string transport = "framed";
  // binary | compact (inside the header too, for `header`). Default: binary.
  std::string protocol = "binary";
  // TMultiplexedProtocol names ("Store:echo") and both services. Default: off.
  bool multiplexed = false;
};

// Fills `options` from argv; on a bad or missing argument returns false
// with `error` saying which.
inline bool ParsePeerOptions(int argc, char** argv, PeerOptions* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--multiplexed") {
      options->multiplexed = true;
      continue;
    }
    if (i + 1 >= argc) {
      *error = "missing value after " + std::string(arg);
      return false;
    }
    const std::string value = argv[++i];
    if (arg == "--port") {
      options->port = std::atoi(value.c_str());
    } else if (arg == "--server") {
      options->server = value;
    } else if (arg == "--transport") {
      options->transport = value;
    } else if (arg == "--protocol") {
      options->protocol = value;
    } else {
      *error = "unknown option " + std::string(arg);
      return false;
    }
  }
  if (options->port <= 0 || options->port > 65535) {
    *error = "--port N (1..65535) is required";
    return false;
  }
  if (options->server != "threaded" && options->server != "nonblocking") {
    *error = "--server must be threaded or nonblocking, not " + options->server;
    return false;
  }
  if (options->transport != "framed" && options->transport != "buffered" &&
      options->transport != "header") {
    *error = "--transport must be framed, buffered or header, not " + options->transport;
    return false;
  }
  if (options->protocol != "binary" && options->protocol != "compact") {
    *error = "--protocol must be binary or compact, not " + options->protocol;
    return false;
  }
  return true;
}

}  // namespace interop

#endif  // VIREO_TESTS_INTEROP_RPC_APACHE_OPTIONS_H_
