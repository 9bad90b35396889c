#!/usr/bin/python3
"""Compares Vireo's reading of a .thrift file with Apache Thrift's.

Runs `thrift --gen json` (the Apache compiler, a test-only dependency) and
`vireo_idl_dump` on the same file with the same -I folders, parses both
documents and compares them field by field. Every difference is printed with
its JSON path, e.g.

    structs[Complex].fields[key=5].typeId: ours "i32" theirs "i64"

Exit status: 0 when the documents agree, 1 on any difference or when a tool
fails, 77 (ctest SKIP_RETURN_CODE) when the Apache compiler is not installed.

Usage:
    compare_json.py --thrift /usr/bin/thrift --dump vireo_idl_dump \
        [-I dir]... file.thrift
    compare_json.py --dump vireo_idl_dump --expected file.json file.thrift

With --expected the reference document is read from a file instead of being
produced by the Apache compiler: for constructs the installed compiler does
not know (see below).

How the documents are compared:
  * Objects: by key; a key on one side only is a difference.
  * Arrays of named things, where the order carries no meaning for a
    reader but the names do: enums, typedefs, structs, constants, services,
    enum members and functions are matched by "name"; fields, arguments and
    exceptions by "key" (the field id). After matching, the order of the
    common items is compared too, since both sides list declarations in
    source order.
  * Every other array (includes, list and set values) in order.
  * Numbers by type and value exactly as json parses them: 1 and 1.0 differ,
    floats are compared with ==. (Both writers print doubles with 15
    significant digits, so equal models give equal text.)

Known quirks of Apache's output, and how they are handled -- no category of
data is dropped from the comparison:
  * Apache 0.17 writes no annotations for enum values and none for base types
    (`i32 (x = "y")`); vireo_idl_dump leaves them out the same way, so those
    annotations are checked by the front end's unit tests, not here.
  * A struct-typed "type" object carries the struct's own annotations
    (Apache reads them from the type); vireo_idl_dump does the same.
  * Apache 0.17 does not know the `uuid` type. Files using it are compared
    with a checked-in expected document (--expected) written by hand in the
    shape newer Apache compilers print ("typeId": "uuid").
  * An integer literal given for a double constant is printed by Apache as
    the integer it read; Vireo's model stores it as a double, so the two
    agree only while the integer is exact in 15 significant digits. The
    corpus keeps to that range.
  * A reference to a double constant that was written as an integer
    (`const double C = 100` then `const double D = C`) reads as 0 in Apache
    0.17; Vireo gives 100. Apache is wrong there, so the corpus does not
    reference such constants (random_idl.py avoids them too).
  * Apache 0.17 resolves no constant or enum value names inside the literal
    of an exception (`const E X = {"code": LIMIT}` with `exception E`), and
    accepts no value at all for an enum field there; Vireo accepts both.
    The corpus and random_idl.py use plain literals inside exception
    literals and leave their enum fields out.
  * A constant map whose keys are structs or containers makes Apache write
    invalid JSON (an object as a key); such files cannot be compared and the
    script says so instead of comparing.
  * Constant map keys that collide after being turned into JSON strings
    (e.g. `{1: "a", E.A: "b"}` with E.A = 1) make duplicate JSON keys; the
    json module keeps the last one on both sides.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77

# Arrays whose items are matched by a key instead of by position.
KEYED_BY_NAME = {"enums", "typedefs", "structs", "constants", "services",
                 "members", "functions"}
KEYED_BY_ID = {"fields", "arguments", "exceptions"}


def show(value):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


def same_scalar(ours, theirs):
    # bool is an int in Python; keep true and 1 apart, and 1 and 1.0.
    return type(ours) is type(theirs) and ours == theirs


def keyed_items(items, key):
    """{key value: item} when every item is an object with a unique `key`,
    else None (the caller then compares in order)."""
    table = {}
    for item in items:
        if not isinstance(item, dict) or key not in item:
            return None
        k = item[key]
        if k in table:
            return None
        table[k] = item
    return table


def item_path(path, key, value):
    if key == "name":
        return "%s[%s]" % (path, value)
    return "%s[%s=%s]" % (path, key, value)


def compare(path, ours, theirs, diffs, field=None):
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for k in theirs:
            sub = "%s.%s" % (path, k) if path else k
            if k not in ours:
                diffs.append("%s: missing in ours, theirs %s" % (sub, show(theirs[k])))
            else:
                compare(sub, ours[k], theirs[k], diffs, k)
        for k in ours:
            if k not in theirs:
                sub = "%s.%s" % (path, k) if path else k
                diffs.append("%s: only in ours %s" % (sub, show(ours[k])))
        return
    if isinstance(ours, list) and isinstance(theirs, list):
        key = "name" if field in KEYED_BY_NAME else "key" if field in KEYED_BY_ID else None
        if key is not None:
            mine = keyed_items(ours, key)
            ref = keyed_items(theirs, key)
            if mine is not None and ref is not None:
                for k, item in ref.items():
                    if k not in mine:
                        diffs.append("%s: missing in ours" % item_path(path, key, k))
                    else:
                        compare(item_path(path, key, k), mine[k], item, diffs)
                for k in mine:
                    if k not in ref:
                        diffs.append("%s: only in ours" % item_path(path, key, k))
                order_ours = [k for k in mine if k in ref]
                order_theirs = [k for k in ref if k in mine]
                if order_ours != order_theirs:
                    diffs.append("%s: order: ours %s theirs %s" %
                                 (path, show(order_ours), show(order_theirs)))
                return
        if len(ours) != len(theirs):
            diffs.append("%s: length: ours %d theirs %d: ours %s theirs %s" %
                         (path, len(ours), len(theirs), show(ours), show(theirs)))
            return
        for i, (a, b) in enumerate(zip(ours, theirs)):
            compare("%s[%d]" % (path, i), a, b, diffs)
        return
    if isinstance(ours, (dict, list)) or isinstance(theirs, (dict, list)) \
            or not same_scalar(ours, theirs):
        diffs.append("%s: ours %s theirs %s" % (path or "<document>", show(ours), show(theirs)))


def run_apache(thrift, include_dirs, source, out_dir):
    cmd = [thrift, "--gen", "json", "-out", out_dir]
    for d in include_dirs:
        cmd += ["-I", d]
    cmd.append(source)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write("Apache thrift rejected %s (exit %d):\n%s%s" %
                         (source, proc.returncode, proc.stdout, proc.stderr))
        return None
    name = os.path.basename(source)
    if name.endswith(".thrift"):
        name = name[:-len(".thrift")]
    with open(os.path.join(out_dir, name + ".json"), encoding="utf-8") as f:
        text = f.read()
    try:
        # Apache copies control characters into strings unescaped.
        return json.loads(text, strict=False)
    except ValueError as e:
        sys.stderr.write("Apache thrift wrote invalid JSON for %s (%s); such a file "
                         "cannot be compared\n" % (source, e))
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thrift", help="the Apache Thrift compiler")
    parser.add_argument("--dump", required=True, help="vireo_idl_dump")
    parser.add_argument("--expected", help="reference JSON instead of running thrift")
    parser.add_argument("-I", dest="include_dirs", action="append", default=[],
                        help="include search folder (repeatable)")
    parser.add_argument("source")
    args = parser.parse_args()

    if args.expected:
        with open(args.expected, encoding="utf-8") as f:
            theirs = json.load(f)
    else:
        thrift = args.thrift
        if not thrift or thrift.endswith("-NOTFOUND") or not shutil.which(thrift):
            print("SKIP: the Apache Thrift compiler (thrift) is not installed; "
                  "conformance of %s not checked" % args.source)
            return SKIP
        with tempfile.TemporaryDirectory(prefix="vireo_idl_conf_") as out_dir:
            theirs = run_apache(thrift, args.include_dirs, args.source, out_dir)
        if theirs is None:
            return 1

    cmd = [args.dump]
    for d in args.include_dirs:
        cmd += ["-I", d]
    cmd.append(args.source)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write("vireo_idl_dump failed on %s (exit %d):\n%s" %
                         (args.source, proc.returncode, proc.stderr))
        return 1
    try:
        ours = json.loads(proc.stdout)
    except ValueError as e:
        sys.stderr.write("vireo_idl_dump wrote invalid JSON: %s\n" % e)
        return 1

    diffs = []
    compare("", ours, theirs, diffs)
    for d in diffs:
        print(d)
    if diffs:
        print("%s: %d difference(s) from %s" %
              (args.source, len(diffs), args.expected or "Apache thrift --gen json"))
        return 1
    print("%s: same as %s" % (args.source, args.expected or "Apache thrift --gen json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
