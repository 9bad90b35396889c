# vireo_generic_codec_bench: the JSON codec of generic calls
# (core/generic/json_codec.h) against the generated code, on complex.thrift's
# Complex and echo.thrift's Request, Binary and Compact: JSON encode, decode
# and both, in MB/s of JSON, ns/op and allocs/op (Google Benchmark).
# bench/run_generic_bench.sh runs it and the generic echo RPC pairs.
# Included from bench/CMakeLists.txt only when vireo_generic is built.
# --generic=IDL_PATH of vireo_rpc_bench_client and vireo_rpc_bench_server
# (bench/rpc.cmake): generic echo calls, and a generic echo service.
foreach(_t vireo_rpc_bench_client vireo_rpc_bench_server)
  if(TARGET ${_t})
    target_link_libraries(${_t} PRIVATE vireo_generic)
    target_compile_definitions(${_t} PRIVATE VIREO_BENCH_GENERIC=1)
  endif()
endforeach()

if(NOT COMMAND vireo_add_thrift OR NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "vireo-gen is not built: vireo_generic_codec_bench is not built")
  return()
endif()

vireo_add_thrift(TARGET vireo_generic_bench_idl
  FILES ${VIREO_BENCH_IDL_DIR}/complex.thrift ${VIREO_BENCH_IDL_DIR}/echo.thrift)

add_executable(vireo_generic_codec_bench generic_codec_bench.cc)
target_link_libraries(vireo_generic_codec_bench PRIVATE
  vireo_generic_bench_idl vireo_generic vireo_codec vireo_transport benchmark::benchmark)
target_include_directories(vireo_generic_codec_bench PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(vireo_generic_codec_bench PRIVATE
  VIREO_BENCH_IDL_DIR="${VIREO_BENCH_IDL_DIR}")
vireo_target_defaults(vireo_generic_codec_bench)
