# vireo-call against real servers: Apache Thrift's C++ (rpc_apache_server)
# and Python (rpc_python_server.py) servers and a Vireo server, the binary
# run as a child process. Included by tests/interop/CMakeLists.txt; needs
# what rpc.cmake defines (the peers, vireo_interop_rpc) and vireo-call,
# which core/generic builds only when simdjson is found.
if(NOT TARGET vireo-call OR NOT TARGET vireo_interop_rpc OR NOT TARGET vireo_interop_rpc_peer)
  message(STATUS "vireo-call or the RPC interop peers are not built: vireo_call_test is not built")
  return()
endif()

vireo_add_test(NAME vireo_call_test SOURCES vireo_call_test.cc
               LIBS vireo_interop_rpc vireo_interop_rpc_peer vireo_core
               LABELS "interop")
target_compile_definitions(vireo_call_test PRIVATE
  VIREO_CALL="$<TARGET_FILE:vireo-call>"
  VIREO_CALL_IDL="${CMAKE_CURRENT_SOURCE_DIR}/rpc_interop.thrift"
  VIREO_CALL_EXTRA_IDL="${CMAKE_CURRENT_SOURCE_DIR}/rpc_interop_extra.thrift"
  VIREO_CALL_PYTHON_SERVER="${CMAKE_CURRENT_SOURCE_DIR}/rpc_python_server.py")
add_dependencies(vireo_call_test vireo-call)
