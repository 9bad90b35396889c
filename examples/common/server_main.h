// What every example server's main() needs besides its service: the bound
// port written to a file for scripts, and a clean stop on SIGINT/SIGTERM.
//
// Example:
//   vireo::examples::StopSignals stop;          // before any thread starts
//   ... start the server ...
//   if (absl::Status s = vireo::examples::WritePortFile(path, port); !s.ok()) ...
//   stop.Wait();                                // returns on SIGINT or SIGTERM
//
//   // Or, for a vireo::Server, all of it in one call:
//   return vireo::examples::ServeUntilStopped(server, "echo_server", port_file, stop);
//
// Thread rules: construct StopSignals on the main thread before starting
// any other thread; Wait() on the main thread.
#ifndef VIREO_EXAMPLES_COMMON_SERVER_MAIN_H_
#define VIREO_EXAMPLES_COMMON_SERVER_MAIN_H_

#include <signal.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "vireo/core/server.h"

namespace vireo::examples {

// Writes `port` and a newline to `path` through a temporary file in the
// same directory and a rename, so a reader sees either no file (or the old
// one) or the whole number, never part of it.
absl::Status WritePortFile(const std::string& path, uint16_t port);

// Blocks SIGINT and SIGTERM in this thread (and so in every thread started
// after it), so that only Wait() receives them.
class StopSignals {
 public:
  StopSignals();
  // Waits for SIGINT or SIGTERM; returns its name.
  const char* Wait();

 private:
  sigset_t set_;
};

// Starts `server`, says on stdout which port it listens on (and where its
// admin pages are), writes that
// port to `port_file` when it is not empty, waits for SIGINT or SIGTERM and
// stops the server gracefully. Returns main()'s exit code: 0, or 1 (with
// the reason on stderr) when the server cannot start or the file cannot be
// written. `name` prefixes every line it prints.
int ServeUntilStopped(Server& server, const char* name, const std::string& port_file,
                      StopSignals& stop);

}  // namespace vireo::examples

#endif  // VIREO_EXAMPLES_COMMON_SERVER_MAIN_H_
