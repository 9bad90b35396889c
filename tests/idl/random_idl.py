#!/usr/bin/python3
"""Differential test: random valid IDL files, read by Vireo and by Apache.

For each seed, writes a pair of .thrift files (a library and a main file that
includes it) mixing every construct of the corpus at random -- enums with
explicit and implicit values, typedef chains, structs, unions, exceptions,
defaults, constants of every type (struct literals, nested containers,
references to constants and enum values, also across the include),
annotations, doc comments, services with extends, oneway and throws -- and
runs compare_json.py on both files. The generator only writes what Apache
Thrift 0.17 accepts; a file Apache rejects is reported as a failure of this
script. Seeds make every run the same.

Usage:
    random_idl.py --thrift /usr/bin/thrift --dump vireo_idl_dump
        [--seeds 1-40] [--keep DIR]
Exit status: 0 when every file agrees, 1 otherwise, 77 without Apache.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77

INT_RANGES = {
    "i8": (-128, 127),
    "byte": (-128, 127),
    "i16": (-32768, 32767),
    "i32": (-2**31, 2**31 - 1),
    "i64": (-2**63, 2**63 - 1),
}
BASE = ["bool", "byte", "i8", "i16", "i32", "i64", "double", "string", "binary"]
KEY_BASE = ["string", "i16", "i32", "i64"]
DOUBLES = ["0.5", "-2.25", "1e10", "6.02E23", "1.5e-7", "-2.5E+3", ".75", "3.141592653589793",
           "0.1", "100", "-7", "0", "1.0", "123456.789", "+1.5", "2e0"]
STRING_PIECES = ["a", "Z", " ", "hello", "\\\\", "\\n", "\\t", "\\r", "/", "#", "//", "é",
                 "✓", "{}", "[]", "x,y", "semi;colon", "'"]


class Gen:
    def __init__(self, rng, prefix, scope=None, lib=None):
        self.rng = rng
        self.p = prefix          # name prefix, unique per file
        self.scope = scope       # how the including file names this one
        self.lib = lib           # the included Gen, for scoped references
        self.out = []
        self.n = 0
        self.enums = []          # (name, [(value_name, value)])
        self.structs = []        # (name, flavor, [(id, fname, type)])
        self.typedefs = []       # (name, type)
        self.consts = []         # (name, type)
        self.services = []       # names
        self.exceptions = []     # names
        self.int_doubles = set()  # double constants written as integers

    def name(self, kind):
        self.n += 1
        return "%s%s%d" % (self.p, kind, self.n)

    def chance(self, p):
        return self.rng.random() < p

    # ---- types: a type is a tuple ----
    #   ("base", b) ("list", t) ("set", t) ("map", k, v) ("enum", gen, name)
    #   ("struct", gen, name) ("typedef", gen, name)
    def visible(self, kind):
        """Definitions of `kind` of this file and of the library."""
        items = [(self, x) for x in getattr(self, kind)]
        if self.lib is not None:
            items += [(self.lib, x) for x in getattr(self.lib, kind)]
        return items

    def ref(self, gen, name):
        return name if gen is self else "%s.%s" % (gen.scope, name)

    def rand_type(self, depth=0, key=False):
        r = self.rng.random()
        if key:
            enums = self.visible("enums")
            if enums and r < 0.3:
                g, e = self.rng.choice(enums)
                return ("enum", g, e[0])
            return ("base", self.rng.choice(KEY_BASE))
        if depth < 3 and r < 0.3:
            c = self.rng.choice(["list", "set", "map"])
            if c == "list":
                return ("list", self.rand_type(depth + 1))
            if c == "set":
                return ("set", self.rand_type(depth + 1, key=True))
            return ("map", self.rand_type(depth + 1, key=True), self.rand_type(depth + 1))
        if r < 0.45 and self.visible("enums"):
            g, e = self.rng.choice(self.visible("enums"))
            return ("enum", g, e[0])
        if r < 0.6 and self.visible("structs"):
            g, s = self.rng.choice(self.visible("structs"))
            return ("struct", g, s[0])
        if r < 0.7 and self.visible("typedefs"):
            g, t = self.rng.choice(self.visible("typedefs"))
            return ("typedef", g, t[0])
        return ("base", self.rng.choice(BASE))

    def type_text(self, t, annotate=True):
        k = t[0]
        if k == "base":
            return t[1]
        if k in ("enum", "struct", "typedef"):
            return self.ref(t[1], t[2])
        if k == "map":
            text = "map<%s, %s>" % (self.type_text(t[1]), self.type_text(t[2]))
        else:
            text = "%s<%s>" % (k, self.type_text(t[1]))
        if annotate and self.chance(0.15):
            text += " " + self.annotations()
        return text

    def true_type(self, t):
        while t[0] == "typedef":
            gen, name = t[1], t[2]
            t = dict(gen.typedefs)[name]
        return t

    # ---- values ----
    def int_text(self, lo, hi):
        v = self.rng.choice([lo, hi, 0, 1, -1, self.rng.randint(lo, hi)])
        v = max(lo, min(hi, v))
        if v >= 0 and self.chance(0.2):
            return "0x%x" % v
        if v > 0 and self.chance(0.1):
            return "+%d" % v
        return str(v)

    def string_text(self):
        body = "".join(self.rng.choice(STRING_PIECES) for _ in range(self.rng.randint(0, 4)))
        if "'" in body or self.chance(0.6):
            return '"%s"' % body
        return "'%s'" % body.replace('"', "")

    def const_refs(self, want):
        """Visible constants usable where a base type `want` is expected."""
        out = []
        for g, (name, t) in self.visible("consts"):
            tt = self.true_type(t)
            if tt[0] != "base":
                continue
            b = tt[1]
            if b == "double" and name in g.int_doubles:
                # Apache 0.17 reads such a reference as 0 (see compare_json.py).
                continue
            if want == b or (want == "i64" and b in ("i8", "byte", "i16", "i32")) or \
                    (want == "double" and b in ("double", "i8", "byte", "i16", "i32")) or \
                    (want == "binary" and b == "string") or (want == "string" and b == "binary"):
                out.append(self.ref(g, name))
        return out

    def value(self, t, depth=0, literal_only=False):
        """A constant value of type `t`. literal_only: no constant or enum
        value names, which Apache 0.17 fails to resolve inside an
        exception's literal."""
        t = self.true_type(t)
        k = t[0]
        if k == "base":
            b = t[1]
            refs = self.const_refs(b) if b != "bool" and not literal_only else []
            if refs and self.chance(0.2):
                return self.rng.choice(refs)
            if b == "bool":
                return self.rng.choice(["true", "false", "0", "1"])
            if b in INT_RANGES:
                return self.int_text(*INT_RANGES[b])
            if b == "double":
                return self.rng.choice(DOUBLES)
            return self.string_text()
        if k == "enum":
            gen, name = t[1], t[2]
            values = dict(gen.enums)[name]
            vname, v = self.rng.choice(values)
            if literal_only or self.chance(0.15):
                return str(v)
            return "%s.%s" % (self.ref(gen, name), vname)
        if k in ("list", "set"):
            n = self.rng.randint(0, 3 if depth < 3 else 0)
            sep = self.rng.choice([", ", "; ", " "])
            items = [self.value(t[1], depth + 1, literal_only) for _ in range(n)]
            return "[" + sep.join(items) + (sep.strip() if items and self.chance(0.3) else "") + "]"
        if k == "map":
            n = self.rng.randint(0, 3 if depth < 3 else 0)
            seen, items = set(), []
            for _ in range(n):
                # Keys are literals, so that two keys never name one value
                # (Apache and Vireo order such duplicates differently).
                kv = self.value(t[1], depth + 1, True)
                if self.key_of(t[1], kv) in seen:
                    continue
                seen.add(self.key_of(t[1], kv))
                items.append("%s: %s" % (kv, self.value(t[2], depth + 1, literal_only)))
            return "{" + ", ".join(items) + "}"
        if k == "struct":
            gen, name = t[1], t[2]
            flavor, fields = [(f, fs) for (n, f, fs) in gen.structs if n == name][0]
            if depth >= 3:
                return "{}"
            inner = literal_only or flavor == "exception"
            # Apache 0.17 accepts no value at all for an enum inside an
            # exception's literal.
            usable = [f for f in fields if not self.mentions(f[2], gen, name) and
                      not (inner and self.has_enum(f[2]))]
            self.rng.shuffle(usable)
            chosen = usable[:1] if flavor == "union" else usable[:self.rng.randint(0, len(usable))]
            items = ['"%s": %s' % (f[1], self.value(f[2], depth + 1, inner)) for f in chosen]
            return "{" + ", ".join(items) + "}"
        raise AssertionError(t)

    def has_enum(self, t):
        t = self.true_type(t)
        if t[0] == "enum":
            return True
        if t[0] in ("list", "set"):
            return self.has_enum(t[1])
        if t[0] == "map":
            return self.has_enum(t[1]) or self.has_enum(t[2])
        if t[0] == "struct":
            fields = [fs for (n, f, fs) in t[1].structs if n == t[2]][0]
            return any(self.has_enum(f[2]) for f in fields if not self.mentions(f[2], t[1], t[2]))
        return False

    def key_of(self, t, text):
        """The value a map key literal denotes, to keep keys distinct."""
        t = self.true_type(t)
        if t[0] == "enum" and "." in text:
            values = dict(t[1].enums)[t[2]]
            return dict(values)[text.rsplit(".", 1)[1]]
        if t[0] == "enum" or (t[0] == "base" and t[1] in INT_RANGES):
            return int(text.lstrip("+"), 0)
        return text[1:-1]

    def mentions(self, t, gen, name):
        """True when type `t` refers to struct `name` (no literal for it)."""
        k = t[0]
        if k == "struct":
            return t[1] is gen and t[2] == name
        if k == "typedef":
            return self.mentions(self.true_type(t), gen, name)
        if k in ("list", "set"):
            return self.mentions(t[1], gen, name)
        if k == "map":
            return self.mentions(t[1], gen, name) or self.mentions(t[2], gen, name)
        return False

    # ---- text pieces ----
    def annotations(self):
        n = self.rng.randint(1, 3)
        items = []
        for i in range(n):
            key = self.rng.choice(["cpp.type", "java.final", "x.y.z", "flag", "a%d" % i, "doc.kind"])
            if self.chance(0.3):
                items.append(key)
            else:
                items.append('%s = %s' % (key, self.string_text()))
        sep = self.rng.choice([", ", "; "])
        return "(" + sep.join(items) + (sep.strip() if self.chance(0.2) else "") + ")"

    def maybe_annotations(self, p=0.25):
        return " " + self.annotations() if self.chance(p) else ""

    def doc(self, indent=""):
        """Lines of a doc comment (or a plain comment, or nothing)."""
        if not self.chance(0.3):
            if self.chance(0.2):
                return [indent + self.rng.choice(["// plain", "# hash", "/* block */"])]
            return []
        lines = self.rng.choice([
            ["/** one line */"],
            ["/**", " * first", " * second", " */"],
            ["/**", " *   indented", " *", " * after a blank", " */"],
            ["/** text", "    without stars */"],
        ])
        return [indent + line for line in lines]

    def sep(self):
        return self.rng.choice([",", ";", "", ","])

    # ---- definitions ----
    def gen_enum(self):
        name = self.name("Enum")
        values, text, next_value = [], [], 0
        for i in range(self.rng.randint(1, 5)):
            vname = "%s_V%d" % (name.upper(), i)
            if self.chance(0.5):
                v = self.rng.choice([next_value + 3, -4, 0x20, 1000, -(2**31), 2**31 - 10])
                lit = ("0x%x" % v) if v >= 0 and self.chance(0.3) else str(v)
                line = "  %s = %s" % (vname, lit)
            else:
                v = next_value
                line = "  " + vname
            if v in [x[1] for x in values] or v > 2**31 - 1:
                v = max([x[1] for x in values] + [0]) + 1
                line = "  %s = %d" % (vname, v)
            next_value = v + 1
            values.append((vname, v))
            text += self.doc("  ")
            text.append(line + self.maybe_annotations(0.2) + self.sep())
        self.out += self.doc()
        self.out.append("enum %s {" % name)
        self.out.extend(text)
        self.out.append("}" + self.maybe_annotations())
        self.enums.append((name, values))

    def gen_typedef(self):
        name = self.name("Alias")
        t = self.rand_type()
        self.out += self.doc()
        self.out.append("typedef %s %s%s%s" % (self.type_text(t), name, self.maybe_annotations(),
                                               self.rng.choice(["", ";", ","])))
        self.typedefs.append((name, t))

    def field_lines(self, fields, flavor, with_defaults, owner):
        lines = []
        defaults = 0
        for i in range(len(fields)):
            fid, fname, t = fields[i]
            parts = []
            if fid is not None:
                parts.append("%d:" % fid)
            if flavor == "union":
                req = self.rng.choice(["", "", "optional "])
            elif flavor == "args":
                req = self.rng.choice(["", "", "required "])
            else:
                req = self.rng.choice(["", "required ", "optional "])
            parts.append(req + self.type_text(t))
            parts.append(fname)
            line = "  " + " ".join(parts)
            # Apache takes one default per union at most.
            if with_defaults and self.chance(0.3) and not self.mentions(t, self, owner) and \
                    (flavor != "union" or defaults == 0):
                line += " = " + self.value(t)
                defaults += 1
            line += self.maybe_annotations(0.2) + self.sep()
            lines += self.doc("  ")
            lines.append(line)
        return lines

    def rand_fields(self, count, implicit_ok=True):
        fields, ids = [], set()
        for i in range(count):
            if implicit_ok and self.chance(0.1):
                fid = None
            else:
                fid = self.rng.choice([i + 1, self.rng.randint(1, 200), 32767])
                while fid in ids:
                    fid = self.rng.randint(1, 32767)
                ids.add(fid)
            fields.append((fid, "f%d_%d" % (self.n, i), None))
        return fields

    def gen_struct(self, flavor):
        name = self.name({"struct": "Struct", "union": "Union", "exception": "Error"}[flavor])
        # Visible for self-reference in its own fields.
        self.structs.append((name, flavor, []))
        fields = []
        for fid, fname, _ in self.rand_fields(self.rng.randint(0, 5)):
            t = self.rand_type()
            if self.chance(0.1) and flavor != "exception":
                t = ("list", ("struct", self, name))
            fields.append((fid, fname, t))
        self.structs[-1] = (name, flavor, fields)
        self.out += self.doc()
        self.out.append("%s %s {" % (flavor, name))
        self.out.extend(self.field_lines(fields, flavor, True, name))
        self.out.append("}" + self.maybe_annotations())
        if flavor == "exception":
            self.exceptions.append(name)

    def gen_const(self):
        name = self.name("CONST_").upper()
        t = self.rand_type()
        self.out += self.doc()
        text = self.value(t)
        self.out.append("const %s %s = %s%s" % (self.type_text(t), name, text,
                                                self.rng.choice(["", ";", ","])))
        tt = self.true_type(t)
        if tt == ("base", "double") and not any(c in text for c in ".eE"):
            self.int_doubles.add(name)
        self.consts.append((name, t))

    def gen_service(self):
        name = self.name("Service")
        bases = self.visible("services")
        ext = ""
        if bases and self.chance(0.5):
            g, b = self.rng.choice(bases)
            ext = " extends " + self.ref(g, b)
        self.out += self.doc()
        self.out.append("service %s%s {" % (name, ext))
        for i in range(self.rng.randint(0, 4)):
            fname = "%scall%d_%d" % (self.p.lower(), self.n, i)
            oneway = self.chance(0.2)
            ret = "void" if oneway or self.chance(0.3) else self.type_text(self.rand_type())
            args = [(fid, "a%d" % j, self.rand_type())
                    for j, (fid, _, _) in enumerate(self.rand_fields(self.rng.randint(0, 3)))]
            self.out += self.doc("  ")
            self.out.append("  %s%s %s(" % ("oneway " if oneway else "", ret, fname))
            self.out.extend("  " + l for l in self.field_lines(args, "args", True, None))
            throws = ""
            excs = self.visible("exceptions")
            if excs and not oneway and self.chance(0.4):
                tf = []
                for j, (fid, _, _) in enumerate(self.rand_fields(self.rng.randint(1, 2))):
                    g, e = self.rng.choice(excs)
                    tf.append("%s%s e%d" % ("%d: " % fid if fid is not None else "",
                                            self.ref(g, e), j))
                throws = " throws (" + ", ".join(tf) + ")"
            self.out.append("  )%s%s%s" % (throws, self.maybe_annotations(0.2), self.sep()))
        self.out.append("}" + self.maybe_annotations())
        self.services.append(name)

    def generate(self, header):
        self.out.append("// Generated by random_idl.py.")
        if self.chance(0.5):
            self.out.append("/** The file's doc. */")
        self.out.append("namespace cpp vireo.random.%s" % self.p.lower())
        if self.chance(0.5):
            self.out.append("namespace * vireo.star.%s" % self.p.lower())
        self.out.extend(header)
        steps = ["enum"] * 3 + ["typedef"] * 3 + ["struct"] * 3 + ["union", "exception"] + \
                ["const"] * 4 + ["service"] * 2
        for _ in range(self.rng.randint(8, 20)):
            what = self.rng.choice(steps)
            self.out.append("")
            if what == "enum":
                self.gen_enum()
            elif what == "typedef":
                self.gen_typedef()
            elif what in ("struct", "union", "exception"):
                self.gen_struct(what)
            elif what == "const":
                self.gen_const()
            else:
                self.gen_service()
        return "\n".join(self.out) + "\n"


def write_pair(seed, directory):
    rng = random.Random(seed)
    lib_name = "lib%d" % seed
    lib = Gen(rng, "L", scope=lib_name)
    lib_text = lib.generate([])
    main = Gen(rng, "M", lib=lib)
    main_text = main.generate(['include "%s.thrift"' % lib_name])
    lib_path = os.path.join(directory, lib_name + ".thrift")
    main_path = os.path.join(directory, "main%d.thrift" % seed)
    with open(lib_path, "w", encoding="utf-8") as f:
        f.write(lib_text)
    with open(main_path, "w", encoding="utf-8") as f:
        f.write(main_text)
    return [lib_path, main_path]


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds += list(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thrift")
    parser.add_argument("--dump", required=True)
    parser.add_argument("--seeds", default="1-40")
    parser.add_argument("--keep", help="write the files here and keep them")
    args = parser.parse_args()
    if not args.thrift or args.thrift.endswith("-NOTFOUND") or not shutil.which(args.thrift):
        print("SKIP: the Apache Thrift compiler (thrift) is not installed")
        return SKIP

    directory = args.keep or tempfile.mkdtemp(prefix="vireo_idl_random_")
    os.makedirs(directory, exist_ok=True)
    failed = []
    try:
        for seed in parse_seeds(args.seeds):
            for path in write_pair(seed, directory):
                proc = subprocess.run(
                    [sys.executable, os.path.join(HERE, "compare_json.py"), "--thrift", args.thrift,
                     "--dump", args.dump, path], capture_output=True, text=True)
                if proc.returncode != 0:
                    failed.append(path)
                    print("seed %d: %s" % (seed, os.path.basename(path)))
                    sys.stdout.write(proc.stdout + proc.stderr)
    finally:
        if not args.keep and not failed:
            shutil.rmtree(directory)
    if failed:
        print("%d file(s) differ; they are in %s (rerun one with --seeds N --keep DIR)" %
              (len(failed), directory))
        return 1
    print("every generated file agrees with Apache thrift --gen json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
