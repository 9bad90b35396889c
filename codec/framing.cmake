# The framing half of vireo_codec: Framed, THeader and TTHeader frames, the
# Buffered message scanner, the zlib transform and protocol detection.
# Included by codec/CMakeLists.txt before the library is declared.
find_package(ZLIB REQUIRED)

list(APPEND VIREO_CODEC_SOURCES
  detect.cc
  frame.cc
  message_scanner.cc
  theader.cc
  ttheader.cc
  zlib_transform.cc)
list(APPEND VIREO_CODEC_HEADERS
  detect.h
  frame.h
  message_scanner.h
  theader.h
  ttheader.h
  zlib_transform.h)
list(APPEND VIREO_CODEC_LIBS ZLIB::ZLIB)

function(vireo_codec_framing_tests)
  vireo_add_test(NAME codec_frame_test SOURCES frame_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_message_scanner_test SOURCES message_scanner_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_zlib_transform_test SOURCES zlib_transform_test.cc
                 LIBS vireo_codec LABELS codec)
  vireo_add_test(NAME codec_detect_test SOURCES detect_test.cc
                 LIBS vireo_codec LABELS codec)
endfunction()
