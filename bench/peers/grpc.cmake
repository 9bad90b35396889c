# The gRPC C++ peer of the RPC benchmarks (Debian's gRPC 1.51, protobuf 3.21):
#   grpc_bench_server  echo.proto's EchoService on the callback API.
#   grpc_bench_client  the load generator: callback-API calls over --conns
#                      channels, driven by vireo_bench_load.
# Built only when libgrpc++-dev, libprotobuf-dev (pkg-config grpc++,
# protobuf), protobuf-compiler (protoc) and protobuf-compiler-grpc
# (grpc_cpp_plugin) are installed.
#
# Through pkg-config, not find_package(gRPC): Debian's gRPCConfig.cmake (in
# libgrpc-dev) imports grpc_cpp_plugin and the other plugins from
# protobuf-compiler-grpc and stops the configure with an error when that
# package is missing, instead of reporting gRPC as not found.
find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(VIREO_GRPCXX QUIET IMPORTED_TARGET grpc++)
  pkg_check_modules(VIREO_PROTOBUF QUIET IMPORTED_TARGET protobuf)
endif()
if(NOT VIREO_GRPCXX_FOUND OR NOT VIREO_PROTOBUF_FOUND)
  message(STATUS "libgrpc++-dev or libprotobuf-dev (pkg-config grpc++, protobuf) not found: "
                 "grpc_bench_server and grpc_bench_client are not built")
  return()
endif()
find_program(VIREO_PROTOC protoc)
find_program(VIREO_GRPC_CPP_PLUGIN grpc_cpp_plugin)
if(NOT VIREO_PROTOC OR NOT VIREO_GRPC_CPP_PLUGIN)
  message(STATUS "protoc or grpc_cpp_plugin (protobuf-compiler, protobuf-compiler-grpc) not "
                 "found: grpc_bench_server and grpc_bench_client are not built")
  return()
endif()

set(_grpc_echo_gen_dir ${CMAKE_CURRENT_BINARY_DIR}/grpc_echo_gen)
add_custom_command(
  OUTPUT ${_grpc_echo_gen_dir}/echo.pb.h
         ${_grpc_echo_gen_dir}/echo.pb.cc
         ${_grpc_echo_gen_dir}/echo.grpc.pb.h
         ${_grpc_echo_gen_dir}/echo.grpc.pb.cc
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_grpc_echo_gen_dir}
  COMMAND ${VIREO_PROTOC} -I${CMAKE_CURRENT_SOURCE_DIR}
          --cpp_out=${_grpc_echo_gen_dir} --grpc_out=${_grpc_echo_gen_dir}
          --plugin=protoc-gen-grpc=${VIREO_GRPC_CPP_PLUGIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/echo.proto
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/echo.proto ${VIREO_PROTOC} ${VIREO_GRPC_CPP_PLUGIN}
  COMMENT "Generating gRPC C++ code for echo.proto (RPC benchmarks)"
  VERBATIM)

# The generated code, as protoc wrote it (no Vireo warning flags).
add_library(vireo_bench_grpc_echo_gen STATIC
  ${_grpc_echo_gen_dir}/echo.pb.cc
  ${_grpc_echo_gen_dir}/echo.grpc.pb.cc)
target_include_directories(vireo_bench_grpc_echo_gen SYSTEM PUBLIC ${_grpc_echo_gen_dir})
target_link_libraries(vireo_bench_grpc_echo_gen PUBLIC
  PkgConfig::VIREO_GRPCXX PkgConfig::VIREO_PROTOBUF)

add_executable(grpc_bench_server grpc_bench_server.cc)
target_link_libraries(grpc_bench_server PRIVATE
  vireo_bench_grpc_echo_gen absl::flags absl::flags_parse Threads::Threads
  vireo_bench_alloc_count)
vireo_target_defaults(grpc_bench_server)

add_executable(grpc_bench_client grpc_bench_client.cc)
target_link_libraries(grpc_bench_client PRIVATE
  vireo_bench_grpc_echo_gen vireo_bench_load absl::flags absl::flags_parse Threads::Threads)
vireo_target_defaults(grpc_bench_client)
