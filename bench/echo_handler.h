// EchoHandler: the echo of bench/idl/echo.thrift that the RPC benchmark
// programs serve: the reply carries the request's action and message back.
//
// Example:
//   bench::EchoHandler handler;
//   server.AddService(&handler);
//
// Thread rules: stateless; any number of calls at once.
#ifndef VIREO_BENCH_ECHO_HANDLER_H_
#define VIREO_BENCH_ECHO_HANDLER_H_

#include "echo_rpc.h"

namespace bench {

class EchoHandler : public EchoServiceHandler {
 public:
  Response echo(vireo::CallContext&, const Request& req) override {
    Response resp;
    resp.action = req.action;
    resp.msg = req.msg;
    return resp;
  }
};

}  // namespace bench

#endif  // VIREO_BENCH_ECHO_HANDLER_H_
