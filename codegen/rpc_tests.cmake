# The server interfaces' and client stubs' tests, included at the end of
# codegen/CMakeLists.txt: the generated text (rpc_gen_test), and the code
# generated from testdata/rpc_test.thrift compiled with -Werror and driven
# in process, with no network (rpc_test).
if(VIREO_BUILD_TESTS AND COMMAND vireo_add_thrift)
  vireo_add_test(NAME codegen_rpc_gen_test SOURCES rpc_gen_test.cc
                 LIBS vireo_codegen LABELS codegen)
  target_compile_definitions(codegen_rpc_gen_test PRIVATE
    VIREO_BENCH_IDL_DIR="${VIREO_BENCH_IDL_DIR}"
    VIREO_CODEGEN_TESTDATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/testdata")

  vireo_add_thrift(TARGET vireo_codegen_rpc_test_idl
    FILES testdata/rpc_base.thrift testdata/rpc_test.thrift
    INCLUDE_DIRS testdata)
  vireo_add_test(NAME codegen_rpc_test SOURCES rpc_test.cc
                 LIBS vireo_codegen_rpc_test_idl LABELS codegen)
endif()
