// The service of the soak test (soak_test.cc): an echo whose handler can
// be told to answer late, so that calls outlive their deadlines.
namespace cpp soaktest

service SoakService {
  // Waits `delay_ms` milliseconds on a timer (not on the server's loop),
  // then returns `payload`.
  binary echo(1: i32 delay_ms, 2: binary payload),
}
