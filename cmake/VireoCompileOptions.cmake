# Warning and sanitizer flags shared by every Vireo target.
#
# vireo_target_defaults(target) applies them to one target; the sanitizer
# flags are also applied globally so that tests and examples link the same
# runtime as the libraries.

set(VIREO_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
# Clang checks the lock annotations (ABSL_GUARDED_BY and friends, see
# transport/mutex.h); with VIREO_WERROR a violation fails the build.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND VIREO_WARNING_FLAGS -Wthread-safety)
endif()
if(VIREO_WERROR)
  list(APPEND VIREO_WARNING_FLAGS -Werror)
endif()

if(VIREO_SANITIZE)
  string(REPLACE "," ";" _vireo_sanitizers "${VIREO_SANITIZE}")
  foreach(_s IN LISTS _vireo_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "VIREO_SANITIZE: unknown sanitizer '${_s}'")
    endif()
  endforeach()
  if("thread" IN_LIST _vireo_sanitizers AND "address" IN_LIST _vireo_sanitizers)
    message(FATAL_ERROR "VIREO_SANITIZE: thread and address cannot be combined")
  endif()
  set(_vireo_san_flags -fsanitize=${VIREO_SANITIZE} -fno-omit-frame-pointer)
  if("undefined" IN_LIST _vireo_sanitizers)
    # The vptr check probes memory through a pipe(); in a process that is out
    # of file descriptors -- a state the listener must survive, and a test
    # puts it in -- every virtual call then reports a bogus type error.
    # AddressSanitizer still catches calls on freed objects.
    list(APPEND _vireo_san_flags -fno-sanitize-recover=undefined -fno-sanitize=vptr)
  endif()
  add_compile_options(${_vireo_san_flags})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's maybe-uninitialized analysis misfires on sanitizer-instrumented
    # code (std::optional, std::variant and std::map members of generated
    # structs); the normal build keeps the warning, and the sanitizers check
    # the real thing at run time. (Clang has no such option.)
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(${_vireo_san_flags})
  add_compile_definitions(VIREO_SANITIZED=1)
endif()

# VIREO_BUILD_FUZZERS (clang only, checked at the top level): every target
# gets libFuzzer's coverage instrumentation, so that a fuzz target sees the
# branches it reaches inside the libraries; the fuzz executables themselves
# link libFuzzer with -fsanitize=fuzzer (fuzz/CMakeLists.txt). Linking with
# -fsanitize=fuzzer-no-link gives the other executables (vireo-gen, the seed
# writer) a runtime for the coverage hooks even when no sanitizer is on.
if(VIREO_BUILD_FUZZERS)
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()

function(vireo_target_defaults target)
  target_compile_options(${target} PRIVATE ${VIREO_WARNING_FLAGS})
endfunction()

# VIREO_TEST_CODE_OPTIONS: compile options for test code and generated code
# (vireo_add_test, everything under tests/, vireo_add_thrift's libraries).
# In the sanitizer builds that is -O0: these large sources (GoogleTest
# suites, template-heavy generated codecs) build in about half the time
# unoptimised, because GCC's optimisation passes over sanitizer-instrumented
# code cost two to three times what they cost over plain code; the
# sanitizers check the same accesses either way. The libraries keep the
# build's own level. Fuzz builds keep it everywhere: there, speed of the
# generated codec is what finds bugs.
set(VIREO_TEST_CODE_OPTIONS "")
if(VIREO_SANITIZE AND NOT VIREO_BUILD_FUZZERS)
  set(VIREO_TEST_CODE_OPTIONS -O0)
endif()

# vireo_add_test(NAME name SOURCES a.cc ... LIBS lib ... LABELS l ...)
# Builds one GoogleTest binary and registers each of its tests with ctest.
function(vireo_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  vireo_target_defaults(${ARG_NAME})
  target_compile_options(${ARG_NAME} PRIVATE ${VIREO_TEST_CODE_OPTIONS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME}
    PROPERTIES TIMEOUT 300
    DISCOVERY_TIMEOUT 60)
  # Labels go on after discovery: a list of them would not survive
  # gtest_discover_tests' PROPERTIES.
  set(_labels_script "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake")
  file(WRITE "${_labels_script}"
    "if(${ARG_NAME}_TESTS)\n"
    "  set_tests_properties(\${${ARG_NAME}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${_labels_script}")
  # vireo_tests_<label>: builds every test binary of one label, so a stage
  # that runs only some labels (the TSan stage) builds only what it runs.
  foreach(_label IN LISTS ARG_LABELS)
    if(NOT TARGET vireo_tests_${_label})
      add_custom_target(vireo_tests_${_label})
    endif()
    add_dependencies(vireo_tests_${_label} ${ARG_NAME})
  endforeach()
endfunction()

# vireo_install_headers(layer h1.h h2.h ...): installs a layer's public
# headers under include/vireo/<layer>/.
function(vireo_install_headers layer)
  install(FILES ${ARGN} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vireo/${layer})
endfunction()
