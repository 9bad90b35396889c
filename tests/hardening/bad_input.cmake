# bad_input_test: a battery of bad inputs (truncated and oversized frames,
# wrong magic, bad varints, container and nesting bombs, a zlib bomb, other
# protocols, garbage, slow and half-open peers, a client that never reads)
# against an in-process vireo::Server; each must close its connection with a
# logged reason while the server keeps serving and its memory stays bounded.
find_package(ZLIB REQUIRED)
vireo_add_thrift(TARGET bad_input_idl FILES bad_input.thrift)

vireo_add_test(NAME bad_input_test SOURCES bad_input_test.cc
               LIBS bad_input_idl vireo_core spdlog::spdlog ZLIB::ZLIB
               LABELS hardening)
