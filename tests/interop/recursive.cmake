# Recursive types (references) between Vireo's generated code and Apache
# Thrift's, for Binary and Compact: each side reads the other's bytes
# (recursive_interop_test.cc). As in codegen.cmake, Apache's code lives in
# its own library with its namespace renamed by a macro.
find_program(THRIFT_COMPILER thrift)
if(NOT THRIFT_COMPILER OR NOT COMMAND vireo_add_thrift OR
   NOT (TARGET vireo-gen OR TARGET vireo::vireo-gen))
  message(STATUS "thrift or vireo-gen missing: recursive_interop_test is not built")
  return()
endif()

set(_vireo_apache_rec_dir ${CMAKE_CURRENT_BINARY_DIR}/apache_recursive_gen)
set(_vireo_rec_idl ${CMAKE_CURRENT_SOURCE_DIR}/recursive_interop.thrift)
add_custom_command(
  OUTPUT ${_vireo_apache_rec_dir}/recursive_interop_types.h
         ${_vireo_apache_rec_dir}/recursive_interop_types.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_vireo_apache_rec_dir}
  COMMAND ${THRIFT_COMPILER} --gen cpp:no_skeleton -out ${_vireo_apache_rec_dir} ${_vireo_rec_idl}
  DEPENDS ${_vireo_rec_idl} ${THRIFT_COMPILER}
  COMMENT "Generating Apache Thrift C++ code for recursive_interop.thrift"
  VERBATIM)

add_library(vireo_interop_apache_recursive STATIC
  recursive_fixtures_apache.cc
  ${_vireo_apache_rec_dir}/recursive_interop_types.cpp)
target_include_directories(vireo_interop_apache_recursive SYSTEM PRIVATE ${_vireo_apache_rec_dir})
target_include_directories(vireo_interop_apache_recursive PUBLIC ${PROJECT_SOURCE_DIR})
target_compile_definitions(vireo_interop_apache_recursive PRIVATE recinterop=apache_recinterop)
target_link_libraries(vireo_interop_apache_recursive
  PUBLIC absl::status absl::statusor
  PRIVATE PkgConfig::APACHE_THRIFT)

vireo_add_thrift(TARGET vireo_interop_recursive FILES recursive_interop.thrift)

vireo_add_test(NAME recursive_interop_test SOURCES recursive_interop_test.cc
               LIBS vireo_interop_recursive vireo_interop_apache_recursive vireo_codec
               LABELS "codegen;interop")
