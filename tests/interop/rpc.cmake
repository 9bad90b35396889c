# RPC interoperability: whole calls between Vireo and Apache Thrift 0.17's
# C++ and Python libraries, over Framed, Buffered and THeader framings with
# Binary and Compact, with TMultiplexedProtocol names. Included by
# tests/interop/CMakeLists.txt once libthrift was found.
#
# Apache's generated code and Vireo's never share a binary: the Apache peers
# are programs of their own (rpc_apache_client, rpc_apache_server, and the
# Python client), which the GoogleTest binaries start as child processes.
#   rpc_peer_test     the peers against each other (Apache client and
#                     Python client -> Apache servers): proves the peers.
#   rpc_interop_test  the peers against Vireo's server and client.
find_program(THRIFT_COMPILER thrift)
if(NOT THRIFT_COMPILER)
  message(STATUS "thrift compiler not found: RPC interop tests are not built")
  return()
endif()
# libthriftnb.so does not name libevent, which it needs.
pkg_check_modules(APACHE_THRIFT_NB IMPORTED_TARGET thrift-nb libevent)
if(NOT APACHE_THRIFT_NB_FOUND)
  message(STATUS "libthrift's nonblocking server (thrift-nb) not found: RPC interop tests are not built")
  return()
endif()

set(_rpc_idl ${CMAKE_CURRENT_SOURCE_DIR}/rpc_interop.thrift)
set(_rpc_extra_idl ${CMAKE_CURRENT_SOURCE_DIR}/rpc_interop_extra.thrift)

# ---- Apache Thrift C++: generated code and the two peer programs ----
set(_rpc_apache_dir ${CMAKE_CURRENT_BINARY_DIR}/apache_rpc_gen)
set(_rpc_apache_sources
  ${_rpc_apache_dir}/rpc_interop_types.cpp
  ${_rpc_apache_dir}/Store.cpp
  ${_rpc_apache_dir}/Counter.cpp
  ${_rpc_apache_dir}/StoreExtra.cpp)
add_custom_command(
  OUTPUT ${_rpc_apache_sources}
         ${_rpc_apache_dir}/rpc_interop_types.h
         ${_rpc_apache_dir}/Store.h
         ${_rpc_apache_dir}/Counter.h
         ${_rpc_apache_dir}/StoreExtra.h
         ${_rpc_apache_dir}/rpc_interop_extra_types.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_rpc_apache_dir}
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_rpc_apache_dir} ${_rpc_idl}
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_rpc_apache_dir} ${_rpc_extra_idl}
  DEPENDS ${_rpc_idl} ${_rpc_extra_idl} ${THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift C++ code for rpc_interop.thrift"
  VERBATIM)

# As Apache's generator wrote it (no Vireo warning flags).
add_library(vireo_interop_apache_rpc_gen STATIC ${_rpc_apache_sources})
target_include_directories(vireo_interop_apache_rpc_gen SYSTEM PUBLIC ${_rpc_apache_dir})
target_link_libraries(vireo_interop_apache_rpc_gen PUBLIC PkgConfig::APACHE_THRIFT)

add_executable(rpc_apache_client rpc_apache_client.cc)
target_link_libraries(rpc_apache_client PRIVATE vireo_interop_apache_rpc_gen)
vireo_target_defaults(rpc_apache_client)

add_executable(rpc_apache_server rpc_apache_server.cc)
target_link_libraries(rpc_apache_server PRIVATE vireo_interop_apache_rpc_gen
                      PkgConfig::APACHE_THRIFT_NB)
vireo_target_defaults(rpc_apache_server)

# The peers are the reference, not the code under test: they run without
# the sanitizers of a sanitized build (under ThreadSanitizer the
# uninstrumented libthrift would report races that are not there, and
# fail the peer).
if(VIREO_SANITIZE)
  foreach(_t vireo_interop_apache_rpc_gen rpc_apache_client rpc_apache_server)
    target_compile_options(${_t} PRIVATE -fno-sanitize=all)
    target_link_options(${_t} PRIVATE -fno-sanitize=all)
  endforeach()
endif()

# ---- Apache Thrift Python: generated code for rpc_python_client.py ----
set(_rpc_python_dir ${CMAKE_CURRENT_BINARY_DIR}/python_rpc_gen)
add_custom_command(
  OUTPUT ${_rpc_python_dir}/interop/Store.py ${_rpc_python_dir}/interop_extra/StoreExtra.py
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_rpc_python_dir}
  COMMAND ${THRIFT_COMPILER} --gen py -out ${_rpc_python_dir} ${_rpc_idl}
  COMMAND ${THRIFT_COMPILER} --gen py -out ${_rpc_python_dir} ${_rpc_extra_idl}
  DEPENDS ${_rpc_idl} ${_rpc_extra_idl} ${THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift Python code for rpc_interop.thrift"
  VERBATIM)
add_custom_target(vireo_interop_python_rpc_gen
  DEPENDS ${_rpc_python_dir}/interop/Store.py ${_rpc_python_dir}/interop_extra/StoreExtra.py)

# Python tests run only where Debian's interpreter sees python3-thrift.
set(_rpc_python /usr/bin/python3)
set(_rpc_python_ok 0)
if(EXISTS ${_rpc_python})
  execute_process(COMMAND ${_rpc_python} -c "import thrift.protocol.THeaderProtocol"
                  RESULT_VARIABLE _rpc_python_rc OUTPUT_QUIET ERROR_QUIET)
  if(_rpc_python_rc EQUAL 0)
    set(_rpc_python_ok 1)
  endif()
endif()
if(NOT _rpc_python_ok)
  message(STATUS "/usr/bin/python3 with python3-thrift not found: the Python RPC interop tests skip")
endif()

# ---- The process helper and what every test binary is told ----
add_library(vireo_interop_rpc_peer STATIC rpc_peer_process.cc)
target_include_directories(vireo_interop_rpc_peer PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(vireo_interop_rpc_peer PUBLIC absl::status absl::statusor absl::strings
                      absl::time)
target_compile_definitions(vireo_interop_rpc_peer PUBLIC
  RPC_APACHE_CLIENT="$<TARGET_FILE:rpc_apache_client>"
  RPC_APACHE_SERVER="$<TARGET_FILE:rpc_apache_server>"
  RPC_PYTHON="${_rpc_python}"
  RPC_PYTHON_OK=${_rpc_python_ok}
  RPC_PYTHON_CLIENT="${CMAKE_CURRENT_SOURCE_DIR}/rpc_python_client.py"
  RPC_PYTHON_PATH="${_rpc_python_dir}")
vireo_target_defaults(vireo_interop_rpc_peer)
add_dependencies(vireo_interop_rpc_peer rpc_apache_client rpc_apache_server
                 vireo_interop_python_rpc_gen)

vireo_add_test(NAME rpc_peer_test SOURCES rpc_peer_test.cc
               LIBS vireo_interop_rpc_peer LABELS "interop")

# ---- Vireo's side: needs the server and the generated RPC stubs ----
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/core/server.h)
  message(STATUS "core/server.h not found: rpc_interop_test is not built")
  return()
endif()
if(NOT COMMAND vireo_add_thrift OR NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "vireo-gen is not built: rpc_interop_test is not built")
  return()
endif()
vireo_add_thrift(TARGET vireo_interop_rpc FILES ${_rpc_idl} ${_rpc_extra_idl})
vireo_add_test(NAME rpc_interop_test SOURCES rpc_interop_test.cc
               LIBS vireo_interop_rpc vireo_interop_rpc_peer vireo_core
               LABELS "interop")
