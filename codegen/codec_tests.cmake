# The generated codec's tests, included at the end of codegen/CMakeLists.txt:
# codec_test.thrift (and the fixed benchmark IDL complex.thrift) through
# vireo-gen, then round trips, exact bytes, block edges, truncation, limits
# and an allocation count.
if(VIREO_BUILD_TESTS AND COMMAND vireo_add_thrift)
  vireo_add_thrift(TARGET vireo_codegen_codec_test_idl
    FILES testdata/codec_test.thrift ${VIREO_BENCH_IDL_DIR}/complex.thrift)
  vireo_add_test(NAME codegen_codec_test SOURCES codec_test.cc
                 LIBS vireo_codegen_codec_test_idl LABELS codegen)
  # Replaces the global operator new/delete to count allocations: its own
  # binary, so no other test runs under the counting allocator.
  vireo_add_test(NAME codegen_alloc_test SOURCES alloc_test.cc
                 LIBS vireo_codegen_codec_test_idl LABELS codegen)
  # Its operator delete frees what its operator new mallocs; once GCC
  # inlines both into gtest's code (at -O1) it sees free() on a new'ed
  # pointer and warns, although the pair matches.
  target_compile_options(codegen_alloc_test PRIVATE -Wno-mismatched-new-delete)
endif()
