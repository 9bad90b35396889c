#!/usr/bin/python3
"""Checks that Vireo's IDL front end rejects a bad .thrift file clearly.

The file's first line names the expected message:

    // expect: <substring of the error message>

The check passes when vireo_idl_dump exits non-zero and prints at least one
`file:line:col: error: message` line whose message contains the substring.

When the Apache Thrift compiler is given and installed, the file must also be
rejected by it: the error corpus holds files Apache refuses too. Apache
"refuses" a file when it exits non-zero, crashes, or does not finish within
APACHE_TIMEOUT seconds (0.17 overflows its stack on an include cycle and
loops forever on an unterminated block comment).

A few files hold mistakes Apache 0.17 only warns about but Vireo rejects on
purpose, because no generated code could honour them (a oneway function
returning a value, a missing include file, a field id outside 1..32767).
Such a file says so on a line of its header:

    // apache-accepts: <why Vireo rejects it anyway>

and for it the check requires the opposite: Apache must accept the file, so
that the list of deliberate differences stays true.

Usage:
    check_error.py --dump vireo_idl_dump [--thrift /usr/bin/thrift]
        [-I dir]... file.thrift
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile

ERROR_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*)$")


APACHE_TIMEOUT = 10


def read_header(path):
    """(expected substring, apache-accepts reason or None)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    m = re.match(r"^//\s*expect:\s*(.+?)\s*$", lines[0] if lines else "")
    if not m:
        sys.exit("%s: first line must be `// expect: <message substring>`" % path)
    accepts = None
    for line in lines[1:]:
        if not line.startswith("//"):
            break
        a = re.match(r"^//\s*apache-accepts:\s*(.+?)\s*$", line)
        if a:
            accepts = a.group(1)
    return m.group(1), accepts


def run_apache(thrift, includes, source):
    """Apache's exit status, or a description when it crashed or hung."""
    with tempfile.TemporaryDirectory(prefix="vireo_idl_err_") as out_dir:
        try:
            ref = subprocess.run([thrift, "--gen", "json", "-out", out_dir] + includes +
                                 [source], capture_output=True, text=True,
                                 timeout=APACHE_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "did not finish in %d s" % APACHE_TIMEOUT
    if ref.returncode < 0:
        return "died of signal %d" % -ref.returncode
    return ref.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", required=True)
    parser.add_argument("--thrift")
    parser.add_argument("-I", dest="include_dirs", action="append", default=[])
    parser.add_argument("source")
    args = parser.parse_args()

    want, apache_accepts = read_header(args.source)
    includes = []
    for d in args.include_dirs:
        includes += ["-I", d]
    failed = False

    proc = subprocess.run([args.dump] + includes + [args.source],
                          capture_output=True, text=True)
    errors = [m for m in (ERROR_LINE.match(l) for l in proc.stderr.splitlines()) if m]
    if proc.returncode == 0:
        print("FAIL: vireo_idl_dump accepted %s" % args.source)
        failed = True
    if not errors:
        print("FAIL: no `file:line:col: error: ...` line for %s" % args.source)
        failed = True
    elif not any(want in m.group("msg") for m in errors):
        print("FAIL: no error message contains %r" % want)
        failed = True
    if failed:
        print("--- vireo_idl_dump exit %d, stderr:\n%s" % (proc.returncode, proc.stderr))

    thrift = args.thrift
    if thrift and not thrift.endswith("-NOTFOUND") and shutil.which(thrift):
        status = run_apache(thrift, includes, args.source)
        if apache_accepts is None and status == 0:
            print("FAIL: Apache thrift accepts %s; the error corpus must hold "
                  "files it rejects (or say `// apache-accepts: <why>`)" % args.source)
            failed = True
        elif apache_accepts is not None and status != 0:
            print("FAIL: %s says Apache accepts it, but Apache thrift %s" %
                  (args.source, "exits with %d" % status if isinstance(status, int) else status))
            failed = True
        elif not isinstance(status, int):
            print("note: Apache thrift %s on %s (counted as rejecting it)" % (status, args.source))
    else:
        print("note: the Apache Thrift compiler is not installed; "
              "not checking that it rejects %s" % args.source)

    if failed:
        return 1
    print("%s: rejected as expected: %s" % (args.source, errors[0].group(0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
