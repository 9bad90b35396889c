# Installs a Vireo build tree into a scratch prefix, then configures, builds
# and runs tests/install/consumer against it.
#
# Run with cmake -P and these variables:
#   BUILD_DIR   the Vireo build tree to install
#   SOURCE_DIR  the Vireo source tree
#   WORK_DIR    scratch directory (removed first)
#   GENERATOR   CMake generator for the consumer
#   CXX         C++ compiler for the consumer
#   SANITIZE    sanitizers Vireo was built with ("address,undefined"), or empty
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_install_test.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)

# run(<step> <command...>): runs one step, fails with its output if it fails.
function(run step)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    COMMAND_ECHO STDOUT)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install test: ${step} failed (${result}):\n${output}")
  endif()
  message(STATUS "install test: ${step} ok")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run("install into ${prefix}"
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

set(configure_args
  -S ${SOURCE_DIR}/tests/install/consumer
  -B ${consumer_build}
  -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX}
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
  -DCMAKE_PREFIX_PATH=${prefix})
if(NOT "${SANITIZE}" STREQUAL "")
  list(APPEND configure_args
    -DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE})
endif()
run("configure consumer" ${CMAKE_COMMAND} ${configure_args})
run("build consumer" ${CMAKE_COMMAND} --build ${consumer_build})

find_program(consumer_exe consumer PATHS ${consumer_build} NO_DEFAULT_PATH REQUIRED)
run("run consumer" ${consumer_exe})
