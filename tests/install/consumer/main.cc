// Uses only the installed headers, libraries and generator: writes "hello"
// into a LinkBuffer and reads it back, encodes a struct generated from
// hello.thrift and decodes it again in both protocols, and calls the
// generated Greeter service through a vireo::Server and vireo::Client.
// Exits 0 iff all of it works. The project has its own core/ and
// transport/ folders, first on its include path: Vireo's headers and the
// generated ones must not pick them up.

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/client.h"
#include "hello_rpc.h"
#include "hello_types.h"
#include "transport/link_buffer.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/transport/link_buffer.h"

namespace {

bool BufferRoundTrip() {
  vireo::transport::LinkBuffer buf;
  char* p = buf.Malloc(5);
  std::memcpy(p, "hello", 5);
  buf.Flush();
  absl::StatusOr<std::string_view> v = buf.Next(5);
  if (!v.ok()) {
    std::fprintf(stderr, "consumer: Next(5) failed: %s\n", v.status().ToString().c_str());
    return false;
  }
  if (*v != "hello") {
    std::fprintf(stderr, "consumer: read back '%.*s', want 'hello'\n", static_cast<int>(v->size()),
                 v->data());
    return false;
  }
  return true;
}

bool StructRoundTrip(vireo::codec::ProtocolId protocol) {
  hello::Greeting in;
  in.text = "hi";
  in.mood = hello::Mood::HAPPY;
  in.names = {"ann", "bo"};
  vireo::transport::LinkBuffer buf;
  vireo::codec::Encode(in, protocol, buf);
  buf.Flush();
  if (buf.Len() != vireo::codec::EncodedSize(in, protocol)) {
    std::fprintf(stderr, "consumer: encoded %zu bytes, EncodedSize said %zu\n", buf.Len(),
                 vireo::codec::EncodedSize(in, protocol));
    return false;
  }
  hello::Greeting out;
  absl::Status s = vireo::codec::Decode(buf, protocol, &out);
  if (!s.ok()) {
    std::fprintf(stderr, "consumer: Decode failed: %s\n", s.ToString().c_str());
    return false;
  }
  if (!(out == in) || out.times != 3) {
    std::fprintf(stderr, "consumer: decoded %s, want %s\n", out.DebugString().c_str(),
                 in.DebugString().c_str());
    return false;
  }
  return true;
}

class Greeter : public hello::GreeterHandler {
 public:
  hello::Greeting greet(vireo::CallContext&, const hello::Greeting& g) override {
    hello::Greeting out = g;
    out.text += ", back";
    return out;
  }
};

bool RpcRoundTrip() {
  vireo::ServerOptions server_options;
  server_options.address = "127.0.0.1:0";
  server_options.num_loops = 1;
  Greeter greeter;
  vireo::Server server(server_options);
  server.AddService(&greeter);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "consumer: server: %s\n", s.ToString().c_str());
    return false;
  }
  vireo::ClientOptions client_options;
  client_options.service = "Greeter";
  client_options.targets = {"127.0.0.1:" + std::to_string(server.port())};
  vireo::Client transport(client_options);
  hello::GreeterClient client(&transport);
  hello::Greeting in;
  in.text = "hi";
  absl::StatusOr<hello::Greeting> out = client.greet(in);
  if (!out.ok() || out->text != "hi, back") {
    std::fprintf(stderr, "consumer: greet: %s\n",
                 out.ok() ? out->text.c_str() : out.status().ToString().c_str());
    return false;
  }
  return true;
}

}  // namespace

int main() {
  if (!BufferRoundTrip()) return 1;
  if (!StructRoundTrip(vireo::codec::ProtocolId::kBinary)) return 1;
  if (!StructRoundTrip(vireo::codec::ProtocolId::kCompact)) return 1;
  if (!RpcRoundTrip()) return 1;
  std::printf("consumer: ok (beside %s and %s)\n", consumer::kOwnCoreClient,
              consumer::kOwnLinkBuffer);
  return 0;
}
