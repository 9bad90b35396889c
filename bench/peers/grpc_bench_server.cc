// grpc_bench_server: the gRPC C++ (1.51) echo server of the side-by-side RPC
// benchmarks. Serves bench/peers/echo.proto's EchoService (the gRPC form of
// bench/idl/echo.thrift) over insecure HTTP/2 with the callback API: each
// call gets the default unary reactor, and the handler fills the reply
// (the request's action and msg) and finishes it inline, on the gRPC thread
// that read the request, with no hand-off to a thread pool of our own.
//
// Prints "listening <port>" on stdout once it accepts calls (the real port
// when --port=0), then serves until killed. Diagnostics go to stderr.
//
// Usage:
//   grpc_bench_server [--port=0]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/load/alloc_count.h"
#include "echo.grpc.pb.h"

ABSL_FLAG(int, port, 0, "Port to listen on; 0 picks a free one.");

namespace {

// Largest message either way. gRPC receives at most 4 MiB by default; the
// benchmarks echo up to 1 MiB, and this leaves room for larger runs.
constexpr int kMaxMessageBytes = 64 << 20;

class EchoService final : public ::bench::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const ::bench::Request* request,
                                 ::bench::Response* response) override {
    response->set_action(request->action());
    response->set_msg(request->msg());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "grpc_bench_server: --port must be 0..65535\n");
    return 2;
  }

  EchoService service;
  grpc::ServerBuilder builder;
  // gRPC writes the port it bound here once BuildAndStart() has succeeded;
  // it stays 0 if binding failed.
  int selected_port = 0;
  builder.AddListeningPort("0.0.0.0:" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &selected_port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected_port == 0) {
    std::fprintf(stderr, "grpc_bench_server: cannot listen on port %d\n", port);
    return 1;
  }
  vireo::bench::InstallAllocationReport();  // SIGUSR1: "allocations N" (bench/rpc_bench.py)
  std::printf("listening %d\n", selected_port);
  std::fflush(stdout);
  server->Wait();
  return 0;
}
