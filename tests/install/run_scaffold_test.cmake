# Installs a Vireo build tree into a scratch prefix, scaffolds a project with
# the installed `vireo-gen --scaffold` from tests/install/scaffold/multi.thrift
# (two services, one extending the other and a service of an included file),
# builds it against the installed package with find_package(vireo), starts
# its server on a free port, runs its client, and checks:
#
# - the client's call comes back UNIMPLEMENTED (exit 1, the stub's message);
# - the server stops gracefully, within 15 s, on SIGTERM;
# - a second scaffold into the same directory without --force fails and
#   changes nothing (also when only one of the files exists), and with
#   --force rewrites the files.
#
# Run with cmake -P and these variables:
#   BUILD_DIR     the Vireo build tree to install
#   SOURCE_DIR    the Vireo source tree
#   WORK_DIR      scratch directory (removed first)
#   GENERATOR     CMake generator for the project
#   CXX           C++ compiler for the project
#   SANITIZE      sanitizers Vireo was built with ("address,undefined"), or empty
#   BUILD_TYPE    the project's build type (default: Debug)
#   CXX_FLAGS     extra compile flags (default: none)
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_scaffold_test.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT DEFINED BUILD_TYPE OR "${BUILD_TYPE}" STREQUAL "")
  set(BUILD_TYPE Debug)
endif()

set(prefix ${WORK_DIR}/prefix)
set(app ${WORK_DIR}/app)
set(app_build ${WORK_DIR}/app-build)
set(idl ${SOURCE_DIR}/tests/install/scaffold/multi.thrift)
set(server_pid_file ${WORK_DIR}/server.pid)
set(server_rc_file ${WORK_DIR}/server.rc)
set(server_log ${WORK_DIR}/server.log)
set(server_pid "")

# fail(<message>): stops a server still running, then fails the test.
function(fail message)
  if(NOT "${server_pid}" STREQUAL "")
    execute_process(COMMAND kill -KILL ${server_pid} OUTPUT_QUIET ERROR_QUIET)
  endif()
  message(FATAL_ERROR "scaffold test: ${message}")
endfunction()

# run(<step> <command...>): runs one step, fails with its output if it fails.
function(run step)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    COMMAND_ECHO STDOUT)
  if(NOT result EQUAL 0)
    fail("${step} failed (${result}):\n${output}")
  endif()
  message(STATUS "scaffold test: ${step} ok")
endfunction()

# sleep(): a tenth of a second, between polls.
function(sleep)
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.1)
endfunction()

# hash_files(<out var>): SHA-256 of every file of the project, in one string.
function(hash_files out)
  file(GLOB_RECURSE files RELATIVE ${app} ${app}/*)
  list(SORT files)
  set(text "")
  foreach(f IN LISTS files)
    file(SHA256 ${app}/${f} h)
    string(APPEND text "${f} ${h}\n")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run("install into ${prefix}" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
set(gen ${prefix}/bin/vireo-gen)
if(NOT EXISTS ${gen})
  fail("the install has no bin/vireo-gen")
endif()

run("scaffold" ${gen} --scaffold ${app} ${idl})
foreach(f CMakeLists.txt main.cc handler.h handler.cc client.cc config.yaml README.md
          multi.thrift shared.thrift)
  if(NOT EXISTS ${app}/${f})
    fail("the scaffold did not write ${f}")
  endif()
endforeach()
hash_files(first_hashes)

# ---- Build the project against the installed package ----
set(cxx_flags "${CXX_FLAGS}")
set(configure_args
  -S ${app}
  -B ${app_build}
  -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX}
  -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
  -DCMAKE_PREFIX_PATH=${prefix})
if(NOT "${SANITIZE}" STREQUAL "")
  string(APPEND cxx_flags " -fsanitize=${SANITIZE}")
  list(APPEND configure_args -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE})
endif()
list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${cxx_flags}")
run("configure the project" ${CMAKE_COMMAND} ${configure_args})
run("build the project" ${CMAKE_COMMAND} --build ${app_build})
find_program(server_exe multi_server PATHS ${app_build} NO_DEFAULT_PATH REQUIRED)
find_program(client_exe multi_client PATHS ${app_build} NO_DEFAULT_PATH REQUIRED)

# ---- Run the server on a free port, call it, stop it ----
# The scaffolded config.yaml with port 0; the other keys as written.
file(READ ${app}/config.yaml config)
string(REGEX REPLACE "\naddress: \"[^\"]*\"" "\naddress: \"127.0.0.1:0\"" test_config "${config}")
if(test_config STREQUAL config)
  fail("config.yaml has no `address: \"...\"` line:\n${config}")
endif()
file(WRITE ${WORK_DIR}/test-config.yaml "${test_config}")

# In the background, through a shell that records the server's pid and,
# once it exits, its exit status. Its output goes to a file: a pipe held
# open by the server would keep execute_process waiting.
execute_process(
  COMMAND sh -c "( \"$1\" \"$2\" > \"$3\" 2>&1 & echo $! > \"$4\"; wait $!; echo $? > \"$5\" ) \
> /dev/null 2>&1 &" sh ${server_exe} ${WORK_DIR}/test-config.yaml ${server_log}
          ${server_pid_file} ${server_rc_file}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  fail("cannot start the server (${result})")
endif()
foreach(i RANGE 100)
  if(EXISTS ${server_pid_file})
    file(READ ${server_pid_file} server_pid)
    string(STRIP "${server_pid}" server_pid)
    if(NOT server_pid STREQUAL "")
      break()
    endif()
  endif()
  sleep()
endforeach()
if(server_pid STREQUAL "")
  fail("the server's pid was not recorded")
endif()

# ASan builds start slowly: up to 60 s.
set(address "")
set(log "")
foreach(i RANGE 600)
  if(EXISTS ${server_log})
    file(READ ${server_log} log)
  endif()
  if(log MATCHES "listening on ([0-9.]+:[0-9]+)")
    set(address ${CMAKE_MATCH_1})
    break()
  elseif(EXISTS ${server_rc_file})
    fail("the server exited before listening:\n${log}")
  endif()
  sleep()
endforeach()
if(address STREQUAL "")
  fail("the server printed no `listening on HOST:PORT` within 60 s:\n${log}")
endif()
if(address MATCHES ":0$")
  fail("the server printed port 0, not the port it took: ${address}")
endif()
message(STATUS "scaffold test: server listening on ${address}")

execute_process(COMMAND ${client_exe} ${address}
  RESULT_VARIABLE client_result
  OUTPUT_VARIABLE client_out
  ERROR_VARIABLE client_out
  TIMEOUT 60)
message(STATUS "scaffold test: client (exit ${client_result}): ${client_out}")
if(NOT client_result EQUAL 1)
  fail("the client exited ${client_result}, want 1 (the call fails):\n${client_out}")
endif()
# The handler's FailCall(absl::UnimplementedError(...)) as a Vireo client
# reads it back: the status code and the stub's message.
if(NOT client_out MATCHES "UNIMPLEMENTED: .*Inventory\\.get is not implemented yet")
  fail("the client did not get the UNIMPLEMENTED answer of Inventory.get:\n${client_out}")
endif()

execute_process(COMMAND kill -TERM ${server_pid} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  fail("kill -TERM ${server_pid} failed: the server is gone")
endif()
set(stopped FALSE)
foreach(i RANGE 150)
  if(EXISTS ${server_rc_file})
    set(stopped TRUE)
    break()
  endif()
  sleep()
endforeach()
file(READ ${server_log} log)
if(NOT stopped)
  fail("the server did not stop within 15 s of SIGTERM:\n${log}")
endif()
set(server_pid "")
# The shell creates the file, then writes the status into it.
foreach(i RANGE 20)
  file(READ ${server_rc_file} server_rc)
  string(STRIP "${server_rc}" server_rc)
  if(NOT server_rc STREQUAL "")
    break()
  endif()
  sleep()
endforeach()
if(NOT server_rc STREQUAL "0" OR NOT log MATCHES "stopping")
  fail("the server did not stop cleanly (exit ${server_rc}):\n${log}")
endif()
message(STATUS "scaffold test: server stopped on SIGTERM:\n${log}")

# ---- Refusal to overwrite, and --force ----
file(APPEND ${app}/handler.cc "// edited\n")
hash_files(edited_hashes)
execute_process(COMMAND ${gen} --scaffold ${app} ${idl}
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0)
  fail("a second scaffold into ${app} without --force succeeded:\n${out}${err}")
endif()
if(NOT err MATCHES "nothing written: files exist already \\(--force overwrites\\):.*handler\\.cc")
  fail("the refusal does not name the existing files and --force:\n${err}")
endif()
hash_files(after_refusal)
if(NOT after_refusal STREQUAL edited_hashes)
  fail("the refused scaffold changed files:\nbefore:\n${edited_hashes}after:\n${after_refusal}")
endif()
message(STATUS "scaffold test: refused without --force: ${err}")

# One existing file is enough to refuse, and nothing else is written.
file(MAKE_DIRECTORY ${WORK_DIR}/partial)
file(WRITE ${WORK_DIR}/partial/config.yaml "address: \"127.0.0.1:1\"\n")
execute_process(COMMAND ${gen} --scaffold ${WORK_DIR}/partial ${idl}
  RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
file(GLOB partial_files RELATIVE ${WORK_DIR}/partial ${WORK_DIR}/partial/*)
if(result EQUAL 0 OR NOT partial_files STREQUAL "config.yaml")
  fail("a scaffold over one existing file: exit ${result}, files now: ${partial_files}")
endif()

run("scaffold --force" ${gen} --scaffold ${app} --force ${idl})
hash_files(forced_hashes)
if(NOT forced_hashes STREQUAL first_hashes)
  fail("--force did not rewrite the project as first written:\nfirst:\n${first_hashes}now:\n${forced_hashes}")
endif()
message(STATUS "scaffold test: passed")
