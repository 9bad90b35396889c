// The service of the connection-scale test (scale_test.cc, scale_server.cc).
namespace cpp scaletest

// The server's own counters (vireo::ServerStats), read by a call.
struct ServerCounts {
  1: i64 open_connections,
  2: i64 connections_accepted,
  3: i64 connections_rejected,
  4: i64 in_flight_calls,
}

service ScaleService {
  // Returns `payload`.
  binary echo(1: binary payload),
  // The server's counters as the call runs.
  ServerCounts counts(),
}
