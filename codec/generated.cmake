# The runtime of vireo-gen's generated codec (Bytes, the decoders and
# helpers generated code calls, the Encode/Decode entry points), included by
# codec/CMakeLists.txt before vireo_codec is declared.
list(APPEND VIREO_CODEC_SOURCES bytes.cc generated.cc)
list(APPEND VIREO_CODEC_HEADERS box.h bytes.h generated.h serialize.h)

# Called by codec/CMakeLists.txt once vireo_codec exists.
function(vireo_codec_generated_tests)
  vireo_add_test(NAME codec_bytes_test SOURCES bytes_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_box_test SOURCES box_test.cc
                 LIBS vireo_codec LABELS codec)
endfunction()
