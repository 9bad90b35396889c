# The Apache Thrift C++ peer of the RPC benchmarks (Debian's libthrift 0.17):
#   apache_bench_server  echo.thrift's EchoService on TNonblockingServer or
#                        TThreadedServer (framed + binary).
#   apache_bench_client  the load generator: one synchronous client per
#                        connection, driven by vireo_bench_load.
# Built only when libthrift-dev (pkg-config thrift, thrift-nb), libevent-dev
# and thrift-compiler are installed.
find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(VIREO_APACHE_THRIFT QUIET IMPORTED_TARGET thrift)
  pkg_check_modules(VIREO_APACHE_THRIFT_NB QUIET IMPORTED_TARGET thrift-nb)
  # libthriftnb does not link libevent itself, and TNonblockingServer.h
  # includes event.h.
  pkg_check_modules(VIREO_APACHE_LIBEVENT QUIET IMPORTED_TARGET libevent)
endif()
if(NOT VIREO_APACHE_THRIFT_FOUND OR NOT VIREO_APACHE_THRIFT_NB_FOUND)
  message(STATUS "libthrift-dev (pkg-config thrift, thrift-nb) not found: "
                 "apache_bench_server and apache_bench_client are not built")
  return()
endif()
if(NOT VIREO_APACHE_LIBEVENT_FOUND)
  message(STATUS "libevent-dev not found: "
                 "apache_bench_server and apache_bench_client are not built")
  return()
endif()
find_program(VIREO_APACHE_THRIFT_COMPILER thrift)
if(NOT VIREO_APACHE_THRIFT_COMPILER)
  message(STATUS "thrift compiler not found: "
                 "apache_bench_server and apache_bench_client are not built")
  return()
endif()

# Apache's generated code keeps its `namespace bench`: these executables hold
# no Vireo generated code for it to collide with.
set(_apache_echo_gen_dir ${CMAKE_CURRENT_BINARY_DIR}/apache_echo_gen)
add_custom_command(
  OUTPUT ${_apache_echo_gen_dir}/echo_types.h
         ${_apache_echo_gen_dir}/echo_types.cpp
         ${_apache_echo_gen_dir}/EchoService.h
         ${_apache_echo_gen_dir}/EchoService.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_apache_echo_gen_dir}
  COMMAND ${VIREO_APACHE_THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_apache_echo_gen_dir}
          ${VIREO_BENCH_IDL_DIR}/echo.thrift
  DEPENDS ${VIREO_BENCH_IDL_DIR}/echo.thrift ${VIREO_APACHE_THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift C++ code for echo.thrift (RPC benchmarks)"
  VERBATIM)

# Apache's generated code, as its generator wrote it (no Vireo warning flags).
add_library(vireo_bench_apache_echo_gen STATIC
  ${_apache_echo_gen_dir}/echo_types.cpp
  ${_apache_echo_gen_dir}/EchoService.cpp)
target_include_directories(vireo_bench_apache_echo_gen SYSTEM PUBLIC ${_apache_echo_gen_dir})
target_link_libraries(vireo_bench_apache_echo_gen PUBLIC PkgConfig::VIREO_APACHE_THRIFT)

add_executable(apache_bench_server apache_bench_server.cc)
target_link_libraries(apache_bench_server PRIVATE
  vireo_bench_apache_echo_gen PkgConfig::VIREO_APACHE_THRIFT_NB PkgConfig::VIREO_APACHE_LIBEVENT
  absl::flags absl::flags_parse Threads::Threads vireo_bench_alloc_count)
vireo_target_defaults(apache_bench_server)

add_executable(apache_bench_client apache_bench_client.cc)
target_link_libraries(apache_bench_client PRIVATE
  vireo_bench_apache_echo_gen vireo_bench_load absl::flags absl::flags_parse Threads::Threads)
vireo_target_defaults(apache_bench_client)
