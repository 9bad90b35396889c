"""Writes one generated section of a Markdown page between two marker
comments, leaving the rest of the page as it is (bench/rpc_bench.py and
bench/governance.py write theirs into docs/benchmarks.md so)."""
import os


def write_section(path, begin, end, lines, before="\n## "):
    """Replaces the text between `begin` and `end` in the page at `path` with
    `lines`; a page without the markers gets the section inserted before the
    first occurrence of `before` (appended when there is none)."""
    section = begin + "\n" + "\n".join(lines).rstrip() + "\n" + end + "\n"
    old = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = head + section + ("\n" + tail if tail else "")
    else:
        i = old.find(before)
        new = (old + "\n" + section) if i < 0 else (old[:i + 1] + section + "\n" + old[i + 1:])
    with open(path, "w") as f:
        f.write(new)
