// Writes "hello" into a LinkBuffer and reads it back, using only the
// installed headers and library. Exits 0 iff the bytes round-trip.

#include <cstdio>
#include <cstring>
#include <string_view>

#include "absl/status/statusor.h"
#include "transport/link_buffer.h"

int main() {
  vireo::transport::LinkBuffer buf;
  char* p = buf.Malloc(5);
  std::memcpy(p, "hello", 5);
  buf.Flush();
  absl::StatusOr<std::string_view> v = buf.Next(5);
  if (!v.ok()) {
    std::fprintf(stderr, "consumer: Next(5) failed: %s\n", v.status().ToString().c_str());
    return 1;
  }
  if (*v != "hello") {
    std::fprintf(stderr, "consumer: read back '%.*s', want 'hello'\n",
                 static_cast<int>(v->size()), v->data());
    return 1;
  }
  std::puts("consumer: ok");
  return 0;
}
