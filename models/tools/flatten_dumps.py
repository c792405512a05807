#!/usr/bin/env python3
"""Crawler-style flat copies of text dumps: what ../shared/seeds holds (every block a line, no
indentation, no list markers), made from inscriptis dumps (indented by nesting, lists marked).
Copies NAME.gold.txt and NAME.meta.json beside each flattened NAME.txt.

usage: models/tools/flatten_dumps.py SRC_DIR OUT_DIR
"""
import os
import re
import shutil
import sys

MARKER = re.compile(r"^(?:[*+-] |\d+\. )")


def flatten(text):
    lines = (MARKER.sub("", line.strip()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    n = 0
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith((".gold.txt", ".meta.json")):
            shutil.copy(path, os.path.join(out, name))
        elif name.endswith(".txt"):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write(flatten(text))
            n += 1
    print(f"{n} flat dumps in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
