# vireo_codegen_bench: Vireo's generated code against Apache Thrift's
# (thrift --gen cpp, libthrift 0.17) for complex.thrift's Complex and
# echo.thrift's Request: encode and decode, ns/op and allocs/op (Google
# Benchmark). bench/run_codegen_bench.sh runs it and checks the targets.
#
# Both generators emit `namespace bench`. Apache's code is compiled in its own
# library with that namespace renamed by a macro (bench -> apache_bench), so
# its symbols cannot collide with Vireo's at link time; the two sides live in
# separate translation units (codegen_bench.cc, codegen_bench_apache.cc).
if(NOT VIREO_BENCH_THRIFT_FOUND)
  return()  # codec.cmake said why
endif()
find_program(THRIFT_COMPILER thrift)
if(NOT THRIFT_COMPILER)
  message(STATUS "thrift compiler not found: vireo_codegen_bench is not built")
  return()
endif()
if(NOT COMMAND vireo_add_thrift OR NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "vireo-gen is not built: vireo_codegen_bench is not built")
  return()
endif()

set(_vireo_bench_apache_dir ${CMAKE_CURRENT_BINARY_DIR}/apache_bench_gen)
add_custom_command(
  OUTPUT ${_vireo_bench_apache_dir}/complex_types.h
         ${_vireo_bench_apache_dir}/complex_types.cpp
         ${_vireo_bench_apache_dir}/complex_constants.h
         ${_vireo_bench_apache_dir}/complex_constants.cpp
         ${_vireo_bench_apache_dir}/echo_types.h
         ${_vireo_bench_apache_dir}/echo_types.cpp
  BYPRODUCTS ${_vireo_bench_apache_dir}/ComplexService.h
             ${_vireo_bench_apache_dir}/ComplexService.cpp
             ${_vireo_bench_apache_dir}/EchoService.h
             ${_vireo_bench_apache_dir}/EchoService.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_vireo_bench_apache_dir}
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_vireo_bench_apache_dir}
          ${VIREO_BENCH_IDL_DIR}/complex.thrift
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_vireo_bench_apache_dir}
          ${VIREO_BENCH_IDL_DIR}/echo.thrift
  DEPENDS ${VIREO_BENCH_IDL_DIR}/complex.thrift ${VIREO_BENCH_IDL_DIR}/echo.thrift
          ${THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift C++ code for complex.thrift and echo.thrift"
  VERBATIM)

# Apache's generated code, as its generator wrote it (no Vireo warning flags).
add_library(vireo_codegen_bench_apache_gen STATIC
  ${_vireo_bench_apache_dir}/complex_types.cpp
  ${_vireo_bench_apache_dir}/complex_constants.cpp
  ${_vireo_bench_apache_dir}/echo_types.cpp)
target_include_directories(vireo_codegen_bench_apache_gen SYSTEM PUBLIC ${_vireo_bench_apache_dir})
target_compile_definitions(vireo_codegen_bench_apache_gen PUBLIC bench=apache_bench)
target_link_libraries(vireo_codegen_bench_apache_gen PUBLIC PkgConfig::VIREO_BENCH_THRIFT)

# The Apache benchmarks; their interface (codegen_bench.h) holds no Apache type.
add_library(vireo_codegen_bench_apache STATIC codegen_bench_apache.cc)
target_include_directories(vireo_codegen_bench_apache PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(vireo_codegen_bench_apache
  PUBLIC benchmark::benchmark
  PRIVATE vireo_codegen_bench_apache_gen)
vireo_target_defaults(vireo_codegen_bench_apache)

# Vireo's generated code for the same IDLs.
vireo_add_thrift(TARGET vireo_codegen_bench_idl
  FILES ${VIREO_BENCH_IDL_DIR}/complex.thrift ${VIREO_BENCH_IDL_DIR}/echo.thrift)

add_executable(vireo_codegen_bench codegen_bench.cc)
target_link_libraries(vireo_codegen_bench PRIVATE
  vireo_codegen_bench_idl vireo_codegen_bench_apache vireo_codec vireo_transport
  benchmark::benchmark)
vireo_target_defaults(vireo_codegen_bench)
