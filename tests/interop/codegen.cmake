# Round trips of bench/idl/complex.thrift's Complex between Vireo's generated
# code (vireo-gen) and Apache Thrift's (thrift --gen cpp, libthrift 0.17), for
# Binary and Compact: equal bytes, and each side reads the other's.
#
# Both generators emit `namespace bench`. Apache's code is compiled in its own
# library with that namespace renamed by a macro (bench -> apache_bench), so
# its symbols (operator<<, ~Complex, ...) cannot collide with Vireo's at link
# time; the test itself sees only Vireo's types and bytes-only functions.
find_program(THRIFT_COMPILER thrift)
if(NOT THRIFT_COMPILER)
  message(STATUS "thrift compiler not found: codegen_interop_test is not built")
  return()
endif()
if(NOT COMMAND vireo_add_thrift OR NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "vireo-gen is not built: codegen_interop_test is not built")
  return()
endif()

set(_vireo_apache_complex_dir ${CMAKE_CURRENT_BINARY_DIR}/apache_complex_gen)
add_custom_command(
  OUTPUT ${_vireo_apache_complex_dir}/complex_types.h
         ${_vireo_apache_complex_dir}/complex_types.cpp
         ${_vireo_apache_complex_dir}/complex_constants.h
         ${_vireo_apache_complex_dir}/complex_constants.cpp
  BYPRODUCTS ${_vireo_apache_complex_dir}/ComplexService.h
             ${_vireo_apache_complex_dir}/ComplexService.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_vireo_apache_complex_dir}
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_vireo_apache_complex_dir}
          ${VIREO_BENCH_IDL_DIR}/complex.thrift
  DEPENDS ${VIREO_BENCH_IDL_DIR}/complex.thrift ${THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift C++ code for complex.thrift"
  VERBATIM)

# Apache's generated code, as its generator wrote it (no Vireo warning flags).
add_library(vireo_interop_apache_complex_gen STATIC
  ${_vireo_apache_complex_dir}/complex_types.cpp
  ${_vireo_apache_complex_dir}/complex_constants.cpp)
target_include_directories(vireo_interop_apache_complex_gen SYSTEM PUBLIC
  ${_vireo_apache_complex_dir})
target_compile_definitions(vireo_interop_apache_complex_gen PUBLIC bench=apache_bench)
target_link_libraries(vireo_interop_apache_complex_gen PUBLIC PkgConfig::APACHE_THRIFT)

# The Apache side of the fixtures; its interface holds no Apache type.
add_library(vireo_interop_apache_complex STATIC complex_fixtures_apache.cc)
target_include_directories(vireo_interop_apache_complex PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(vireo_interop_apache_complex
  PUBLIC absl::status
  PRIVATE vireo_interop_apache_complex_gen)
vireo_target_defaults(vireo_interop_apache_complex)

# Vireo's generated code for the same IDL.
vireo_add_thrift(TARGET vireo_interop_complex FILES ${VIREO_BENCH_IDL_DIR}/complex.thrift)

vireo_add_test(NAME codegen_interop_test SOURCES codegen_interop_test.cc
               LIBS vireo_interop_complex vireo_interop_apache_complex vireo_codec
               LABELS "codegen;interop")
