// Uses only the installed headers, libraries and generator: writes "hello"
// into a LinkBuffer and reads it back, then encodes a struct generated from
// hello.thrift and decodes it again, in both protocols. Exits 0 iff both
// round-trip.

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "codec/serialize.h"
#include "hello_types.h"
#include "transport/link_buffer.h"

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

}  // namespace

int main() {
  if (!BufferRoundTrip()) return 1;
  if (!StructRoundTrip(vireo::codec::ProtocolId::kBinary)) return 1;
  if (!StructRoundTrip(vireo::codec::ProtocolId::kCompact)) return 1;
  std::puts("consumer: ok");
  return 0;
}
