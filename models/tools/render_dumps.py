#!/usr/bin/env python3
"""Whole-page text dumps of a folder of HTML pages with gold, for `vitext train extract`.

Crawlers that save text save what inscriptis (or a tool like it) renders: every visible line of
the page, lists numbered or bulleted and indented. The Vietnamese dev dumps are exactly this
rendering of the dev HTML pages, so training dumps are made the same way from the HTML pages
with gold (WCXB dev, ScrapingHub): NAME.txt (the dump) beside a copy of NAME.gold.txt and
NAME.meta.json. The output is derived data: it stays outside the repository.

usage: pip install inscriptis==2.7.6 && models/tools/render_dumps.py SRC_DIR OUT_DIR
"""
import gzip
import os
import shutil
import sys

from inscriptis import get_text


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    n = 0
    for name in sorted(os.listdir(src)):
        if not name.endswith(".gold.txt"):
            continue
        stem = name[: -len(".gold.txt")]
        path = os.path.join(src, stem)
        if os.path.exists(path + ".html"):
            html = open(path + ".html", encoding="utf-8", errors="replace").read()
        elif os.path.exists(path + ".html.gz"):
            html = gzip.open(path + ".html.gz", "rt", encoding="utf-8", errors="replace").read()
        else:
            continue
        try:
            text = get_text(html)
        except Exception as e:  # a page inscriptis cannot read is left out, and said so
            print(f"{stem}: {e}", file=sys.stderr)
            continue
        with open(os.path.join(out, stem + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
        for ext in (".gold.txt", ".meta.json"):
            if os.path.exists(path + ext):
                shutil.copy(path + ext, os.path.join(out, stem + ext))
        n += 1
    print(f"{n} dumps in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
