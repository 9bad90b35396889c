# Binary and Compact against Apache Thrift's TBinaryProtocol and
# TCompactProtocol: the same bytes written, each side reads the other's.
vireo_add_test(NAME protocol_interop_test SOURCES protocol_interop_test.cc
               LIBS vireo_codec PkgConfig::APACHE_THRIFT LABELS "codec;interop")
