# vireo_codec_bench: Vireo's Binary and Compact protocols against Apache
# Thrift's TBinaryProtocol and TCompactProtocol (Google Benchmark). Built
# only when libthrift-dev is found with pkg-config.
find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(VIREO_BENCH_THRIFT IMPORTED_TARGET thrift)
endif()
if(VIREO_BENCH_THRIFT_FOUND)
  add_executable(vireo_codec_bench codec_bench.cc)
  target_link_libraries(vireo_codec_bench PRIVATE
    vireo_codec benchmark::benchmark PkgConfig::VIREO_BENCH_THRIFT)
  vireo_target_defaults(vireo_codec_bench)
else()
  message(STATUS "libthrift-dev not found: vireo_codec_bench is not built")
endif()
