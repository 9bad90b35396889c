# Framing interoperability: THeader frames between Vireo and Apache Thrift's
# THeaderTransport (libthriftz), plus Framed frames and Buffered messages
# written by Apache's protocols. Included by tests/interop/CMakeLists.txt
# once libthrift was found (PkgConfig::APACHE_THRIFT).
vireo_add_test(NAME theader_interop_test SOURCES theader_interop_test.cc
               LIBS vireo_codec PkgConfig::APACHE_THRIFT LABELS "codec;interop")
