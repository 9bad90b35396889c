# The Thrift protocols (Binary, Compact) and TApplicationException, included
# by codec/CMakeLists.txt before vireo_codec is declared.
list(APPEND VIREO_CODEC_SOURCES binary_protocol.cc compact_protocol.cc application_exception.cc)
list(APPEND VIREO_CODEC_HEADERS binary_protocol.h compact_protocol.h application_exception.h
     message.h)

# Called by codec/CMakeLists.txt once vireo_codec exists.
function(vireo_codec_protocol_tests)
  vireo_add_test(NAME codec_binary_protocol_test SOURCES binary_protocol_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_compact_protocol_test SOURCES compact_protocol_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_protocol_conformance_test SOURCES protocol_conformance_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_application_exception_test SOURCES application_exception_test.cc
                 LIBS vireo_codec LABELS codec)
endfunction()
