# Soak and connection-scale tests (label hardening).
#
# soak_test: many mux calls with random deadlines, late replies and clients
# destroyed with calls in flight, against an in-process server; checks that
# nothing leaks. VIREO_SOAK_CALLS=<n> raises the call count (default
# 50,000; the long run uses 1,000,000 and is not part of CI).
#
# scale_test: 10,000 connections open at once to scale_server, a separate
# process (one process cannot hold both ends under a 20,000 fd limit).
vireo_add_thrift(TARGET soak_service_idl FILES soak_service.thrift)
vireo_add_thrift(TARGET scale_service_idl FILES scale_service.thrift)

vireo_add_test(NAME soak_test SOURCES soak_test.cc LIBS soak_service_idl vireo_core
               LABELS hardening)

add_executable(scale_server scale_server.cc)
target_link_libraries(scale_server PRIVATE scale_service_idl vireo_core vireo_example_common)
vireo_target_defaults(scale_server)

vireo_add_test(NAME scale_test SOURCES scale_test.cc LIBS scale_service_idl vireo_core
               LABELS hardening)
target_compile_definitions(scale_test PRIVATE VIREO_SCALE_SERVER="$<TARGET_FILE:scale_server>")
add_dependencies(scale_test scale_server)
