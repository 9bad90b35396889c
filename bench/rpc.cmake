# vireo_rpc_bench_server / vireo_rpc_bench_client: Vireo's echo pair for the
# side-by-side RPC benchmarks (bench/run.sh), over echo.thrift.
if(NOT COMMAND vireo_add_thrift OR NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "vireo-gen is not built: the Vireo RPC benchmarks are not built")
  return()
endif()
vireo_add_thrift(TARGET vireo_rpc_bench_idl FILES ${VIREO_BENCH_IDL_DIR}/echo.thrift)

add_executable(vireo_rpc_bench_server rpc_bench_server.cc)
target_link_libraries(vireo_rpc_bench_server PRIVATE
  vireo_rpc_bench_idl vireo_core absl::flags_parse vireo_bench_alloc_count)
vireo_target_defaults(vireo_rpc_bench_server)

add_executable(vireo_rpc_bench_client rpc_bench_client.cc)
target_link_libraries(vireo_rpc_bench_client PRIVATE
  vireo_rpc_bench_idl vireo_core vireo_bench_load absl::flags_parse)
vireo_target_defaults(vireo_rpc_bench_client)

# etcd:// in --registry and --targets (core/discovery/).
if(TARGET vireo_etcd)
  target_link_libraries(vireo_rpc_bench_server PRIVATE vireo_etcd)
  target_link_libraries(vireo_rpc_bench_client PRIVATE vireo_etcd)
endif()

# Heap allocations per call with metrics off and on.
add_executable(vireo_call_allocs_bench call_allocs_bench.cc)
target_link_libraries(vireo_call_allocs_bench PRIVATE
  vireo_rpc_bench_idl vireo_core absl::flags_parse)
vireo_target_defaults(vireo_call_allocs_bench)
