# codegen_cli_test: runs the vireo-gen binary the way a build does and checks
# its exit status, its messages and the files it writes.
#
# Run with cmake -P and GEN (the vireo-gen binary), TESTDATA (codegen/testdata)
# and WORK_DIR (scratch, removed first).
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# gen(<want exit> <out var> <args...>): runs vireo-gen, fails the test when
# the exit status is not <want exit>; sets <out var> to stdout + stderr.
function(gen want out)
  execute_process(COMMAND ${GEN} ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT result EQUAL want)
    message(FATAL_ERROR "vireo-gen ${ARGN}: exit ${result}, want ${want}\n${stdout}${stderr}")
  endif()
  set(${out} "${stdout}${stderr}" PARENT_SCOPE)
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: output does not match '${regex}':\n${text}")
  endif()
endfunction()

gen(0 out --version)
expect_match("${out}" "^vireo-gen [0-9]+\\.[0-9]+\\.[0-9]+\n$" "--version")
gen(0 out --help)
expect_match("${out}" "usage: vireo-gen" "--help")
gen(1 out)
expect_match("${out}" "no input file" "no arguments")
gen(1 out --bogus x.thrift)
expect_match("${out}" "unknown option '--bogus'" "unknown option")
gen(1 out ${WORK_DIR}/missing.thrift)
expect_match("${out}" "missing.thrift" "missing file")

# A front-end error: reported with file:line:col and nothing written.
gen(1 out -o ${WORK_DIR}/bad ${TESTDATA}/bad.thrift)
expect_match("${out}" "bad.thrift:3:[0-9]+: error: " "unknown type")
if(EXISTS ${WORK_DIR}/bad/bad_types.h)
  message(FATAL_ERROR "bad.thrift: a header was written despite the error")
endif()

# Structs containing each other by value: the field that closes the cycle
# is boxed, with a warning, and the files are written.
gen(0 out -o ${WORK_DIR}/cycle ${TESTDATA}/cycle.thrift)
expect_match("${out}" "cycle.thrift:8:3: warning: field \"B\\.a\" closes a by-value cycle \\(A\\.b -> B\\.a -> A\\)"
  "by-value cycle")
if(NOT EXISTS ${WORK_DIR}/cycle/cycle_types.h)
  message(FATAL_ERROR "cycle.thrift: no header was written")
endif()

# A generator error: two included files define one name in one C++
# namespace. Named with both places; nothing written.
gen(1 out -o ${WORK_DIR}/clash ${TESTDATA}/clash_top.thrift)
expect_match("${out}" "two\\.thrift:4:8: error: Point is defined in C\\+\\+ namespace ::clash by both this file and [^ ]*one\\.thrift:5:8, and clash_top\\.thrift includes both"
  "namespace clash")
if(EXISTS ${WORK_DIR}/clash/clash_top_types.h)
  message(FATAL_ERROR "clash_top.thrift: a header was written despite the error")
endif()

# Success: both files, created output dir, a depfile naming the include.
gen(0 out -I ${TESTDATA} -o ${WORK_DIR}/out/nested --depfile ${WORK_DIR}/out/t.d
  ${TESTDATA}/types_test.thrift)
foreach(f types_test_types.h types_test_types.cc types_test_rpc.h types_test_rpc.cc)
  if(NOT EXISTS ${WORK_DIR}/out/nested/${f})
    message(FATAL_ERROR "vireo-gen did not write ${f}")
  endif()
endforeach()
if(EXISTS ${WORK_DIR}/out/nested/types_shared_types.h)
  message(FATAL_ERROR "vireo-gen generated an included file; each file is generated on its own")
endif()
file(READ ${WORK_DIR}/out/t.d depfile)
expect_match("${depfile}" "types_test_types\\.h:" "depfile target")
expect_match("${depfile}" "testdata/types_shared\\.thrift" "depfile lists the include")
expect_match("${depfile}" "testdata/types_test\\.thrift" "depfile lists the input")

# A service error: a generated name that a definition of the file takes;
# nothing written.
file(WRITE ${WORK_DIR}/taken.thrift "struct EchoClient {}\nservice Echo {}\n")
gen(1 out -o ${WORK_DIR}/taken ${WORK_DIR}/taken.thrift)
expect_match("${out}" "taken.thrift:2:[0-9]+: error: service Echo needs the C\\+\\+ name EchoClient"
  "generated name taken")
if(EXISTS ${WORK_DIR}/taken/taken_types.h OR EXISTS ${WORK_DIR}/taken/taken_rpc.h)
  message(FATAL_ERROR "taken.thrift: files were written despite the error")
endif()

# -Idir (joined) works as -I dir does.
gen(0 out -I${TESTDATA} -o ${WORK_DIR}/joined ${TESTDATA}/types_test.thrift)
file(READ ${WORK_DIR}/out/nested/types_test_types.h first)
file(READ ${WORK_DIR}/joined/types_test_types.h second)
if(NOT first STREQUAL second)
  message(FATAL_ERROR "two runs on the same IDL wrote different headers")
endif()
message(STATUS "codegen_cli_test: ok")
