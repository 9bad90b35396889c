#include "examples/common/server_main.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vireo::examples {

absl::Status WritePortFile(const std::string& path, uint16_t port) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::UnavailableError("open " + tmp + ": " + std::strerror(errno));
  }
  const bool written = std::fprintf(f, "%u\n", static_cast<unsigned>(port)) > 0;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(tmp.c_str());
    return absl::UnavailableError("write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError("rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
  return absl::OkStatus();
}

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  if (int err = pthread_sigmask(SIG_BLOCK, &set_, nullptr); err != 0) {
    std::fprintf(stderr, "pthread_sigmask: %s\n", std::strerror(err));
    std::exit(1);
  }
}

const char* StopSignals::Wait() {
  int signal_number = 0;
  while (sigwait(&set_, &signal_number) != 0) {
  }
  return strsignal(signal_number);
}

int ServeUntilStopped(Server& server, const char* name, const std::string& port_file,
                      StopSignals& stop) {
  if (absl::Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, s.ToString().c_str());
    return 1;
  }
  std::printf("%s listening on port %u\n", name, static_cast<unsigned>(server.port()));
  if (server.options().admin != ServerOptions::AdminAccess::kOff) {
    // The admin pages answer HTTP GETs on the same port (loopback clients
    // by default; docs/observability.md).
    std::printf("%s admin pages: http://127.0.0.1:%u/ (/metrics /health /status /connections "
                "/config)\n",
                name, static_cast<unsigned>(server.port()));
  }
  std::fflush(stdout);
  if (!port_file.empty()) {
    if (absl::Status s = WritePortFile(port_file, server.port()); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, s.ToString().c_str());
      return 1;
    }
  }
  std::printf("%s: %s, stopping\n", name, stop.Wait());
  std::fflush(stdout);
  server.Stop();
  return 0;
}

}  // namespace vireo::examples
