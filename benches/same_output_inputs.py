"""JSON Lines inputs of benches/same_output.sh from ../shared/data: OUT_DIR/NAME.in.jsonl."""
import glob, gzip, json, os, sys, itertools
S = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
out = sys.argv[1]
def w(name, docs):
    with open(f"{out}/{name}.in.jsonl", "w", encoding="utf-8") as f:
        for d in docs: f.write(json.dumps(d, ensure_ascii=False) + "\n")
def extract_set(d):
    docs = []
    for gf in sorted(glob.glob(os.path.join(d, "*.gold.txt"))):
        stem = gf[:-9]; name = os.path.basename(stem)
        if os.path.exists(stem + ".html"): docs.append({"id": name, "html": open(stem + ".html", encoding="utf-8", errors="replace").read()})
        elif os.path.exists(stem + ".html.gz"): docs.append({"id": name, "html": gzip.open(stem + ".html.gz", "rt", encoding="utf-8", errors="replace").read()})
        elif os.path.exists(stem + ".txt"): docs.append({"id": name, "text": open(stem + ".txt", encoding="utf-8").read()})
    return docs
for s in ["wcxb-dev", "scrapinghub", "seeds-vi", "vi-html-dev", "vi-dumps-dev"]:
    w(s, extract_set(f"{S}/extract/{s}"))
# NER text: VLSP 2016 sentences (first 3000), VLSP 2018 docs (first 60 files)
sents, cur = [], []
for line in open(f"{S}/ner/vlsp2016/train.txt", encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip():
        if cur: sents.append(" ".join(cur)); cur = []
        continue
    parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
    cur.append(parts[0].replace("_", " "))
w("vlsp2016", [{"id": str(i), "text": t} for i, t in enumerate(sents[:3000])])
import re
docs = []
for f in sorted(glob.glob(f"{S}/ner/vlsp2018/train/**/*", recursive=True))[:80]:
    if os.path.isfile(f):
        docs.append({"id": f, "text": re.sub(r"<ENAMEX[^>]*>|</ENAMEX>", "", open(f, encoding="utf-8", errors="replace").read())})
w("vlsp2018", docs)
ws = [l.replace("_", " ").strip() for l in itertools.islice(open(f"{S}/ws/vlsp2013/train.txt", encoding="utf-8"), 3000)]
w("vlsp2013", [{"id": str(i), "text": t} for i, t in enumerate(ws) if t])
