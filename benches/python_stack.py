#!/usr/bin/env python3
"""The Python stack a user would otherwise run: trafilatura (boilerplate) + underthesea
(sentences, words, entities), over the same pages, with as many worker processes as cores.

    python3 benches/python_stack.py PAGES_DIR REPEAT      (prints one JSON line of figures)
"""
import html
import json
import multiprocessing
import os
import sys
import time


def analyse(page):
    import trafilatura
    import underthesea

    # Page dumps are text: give trafilatura one <p> per line, as a crawler's HTML would have.
    body = "".join(f"<p>{html.escape(line)}</p>" for line in page.splitlines() if line.strip())
    text = trafilatura.extract(f"<html><body>{body}</body></html>") or ""
    entities = 0
    for sentence in underthesea.sent_tokenize(text):
        entities += sum(1 for *_, tag in underthesea.ner(sentence) if tag.startswith("B-"))
    return len(page.encode()), entities


def warm(_):
    analyse("Ông Nguyễn Văn Minh đến Hà Nội.")


def main():
    folder, repeat = sys.argv[1], int(sys.argv[2])
    pages = [open(os.path.join(folder, f), encoding="utf-8").read() for f in sorted(os.listdir(folder))]
    work = pages * repeat
    procs = os.cpu_count() or 1
    with multiprocessing.Pool(procs) as pool:
        pool.map(warm, range(procs))  # model loading is not part of the figure
        t = time.time()
        results = pool.map(analyse, work, chunksize=1)
        took = time.time() - t
    size = sum(r[0] for r in results)
    print(json.dumps({"articles": len(work), "bytes": size, "seconds": took, "processes": procs,
                      "articles_per_s": len(work) / took, "mb_per_s": size / took / 1e6,
                      "entities": sum(r[1] for r in results)}))


if __name__ == "__main__":
    main()
