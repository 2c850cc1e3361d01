#!/usr/bin/env python3
"""Replaces one named section of bench/RESULTS.md with markdown read from stdin.

bench/run, scripts/crash-test, scripts/soak and scripts/fuzz each own one section, so each can
record its latest figures without erasing the others'. A section sits between
`<!-- begin NAME -->` and `<!-- end NAME -->`; a new one is added at the end, except `bench`,
which always comes first (it carries the title).
usage: python3 bench/results_section.py NAME [RESULTS_FILE] < section.md
"""
import os
import re
import sys

ORDER = ["bench", "fuzz", "crash-test", "soak"]  # where a new section goes, relative to the others


def sections(text):
    """[(name, body)] in file order; text outside any section is dropped (the file is ours)."""
    pattern = re.compile(r"<!-- begin (\S+) -->\n(.*?)<!-- end \1 -->\n?", re.S)
    return [(m.group(1), m.group(2)) for m in pattern.finditer(text)]


def place(existing, name, body):
    """Replaces `name` in place, or inserts it before the first section that ORDER puts after it."""
    if any(n == name for n, _ in existing):
        return [(n, body if n == name else b) for n, b in existing]
    rank = ORDER.index(name) if name in ORDER else len(ORDER)
    for i, (n, _) in enumerate(existing):
        if (ORDER.index(n) if n in ORDER else len(ORDER)) > rank:
            return existing[:i] + [(name, body)] + existing[i:]
    return existing + [(name, body)]


def main():
    if len(sys.argv) not in (2, 3) or not re.fullmatch(r"[a-z0-9-]+", sys.argv[1]):
        sys.exit("usage: results_section.py NAME [RESULTS_FILE] < section.md")
    name = sys.argv[1]
    path = sys.argv[2] if len(sys.argv) == 3 else os.path.join(os.path.dirname(__file__), "RESULTS.md")
    body = sys.stdin.read()
    if not body.strip():
        sys.exit(f"results_section.py: no markdown on stdin for section {name}; {path} left as it was")
    if not body.endswith("\n"):
        body += "\n"
    existing = sections(open(path).read()) if os.path.exists(path) else []
    merged = place(existing, name, body)
    text = "\n".join(f"<!-- begin {n} -->\n{b}<!-- end {n} -->\n" for n, b in merged)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
