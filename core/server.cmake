# The server: dispatch, per-connection state, middleware, access log,
# options (YAML).
list(APPEND VIREO_CORE_SOURCES
  server.cc server_options.cc access_log.cc
  internal/server_core.cc internal/server_connection.cc internal/server_worker_pool.cc
  internal/server_limits.cc internal/admin.cc registry.cc)
list(APPEND VIREO_CORE_HEADERS server.h server_options.h server_middleware.h access_log.h
  registry.h)

function(vireo_core_server_tests)
  # core/ is configured before the top level includes this; it guards itself.
  include(${PROJECT_SOURCE_DIR}/cmake/VireoThrift.cmake)
  vireo_add_thrift(TARGET vireo_server_test_idl FILES testdata/server_test.thrift)
  vireo_add_test(NAME server_test
                 SOURCES server_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME server_edges_test
                 SOURCES server_edges_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME client_edges_test
                 SOURCES client_edges_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME client_balance_test
                 SOURCES client_balance_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS rpc)
  vireo_add_test(NAME client_governance_test
                 SOURCES client_governance_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS rpc)
  vireo_add_test(NAME server_limits_test
                 SOURCES server_limits_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME biz_status_rpc_test
                 SOURCES biz_status_rpc_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME discovery_core_test
                 SOURCES discovery_core_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME tracing_test
                 SOURCES tracing_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  vireo_add_test(NAME observability_test
                 SOURCES observability_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS server)
  # A real Prometheus server scraping a Vireo server.
  vireo_add_test(NAME prometheus_scrape_test
                 SOURCES prometheus_scrape_test.cc server_test_util.cc
                 LIBS vireo_core vireo_server_test_idl spdlog::spdlog
                 LABELS metrics)
  vireo_add_test(NAME server_options_test SOURCES server_options_test.cc
                 LIBS vireo_core LABELS server)
endfunction()
