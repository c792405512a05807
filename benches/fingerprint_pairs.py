"""Near-duplicate fingerprints on pairs built from VietNews articles (issue 18):
copies (other whitespace, one or two words changed, a credit line added, a photo caption and a
related headline picked up by another layout, a sentence dropped) and different articles
(random pairs, and pairs on one topic: the article whose title shares the most rare words).
Prints the Hamming-distance histogram of each kind; the fingerprints come from the binary.

    python3 benches/fingerprint_pairs.py [--bin target/release/vitext] [--pairs 1200]
"""
import argparse, collections, json, lzma, random, re, subprocess

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="target/release/vitext")
ap.add_argument("--pairs", type=int, default=1200)
ap.add_argument("--data", default="../shared/data/unlabelled/vietnews/val-00.jsonl.xz")
a = ap.parse_args()
random.seed(18)
docs = []
with lzma.open(a.data, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        t = lambda s: s.replace("_", " ")
        docs.append((t(d["title"]), t(d["summary"]), t(d["body"])))
        if len(docs) >= a.pairs * 4:
            break
text = lambda d: "\n".join(d)
pairs = collections.defaultdict(list)
for i in range(a.pairs):
    base = text(docs[i])
    pairs["whitespace"].append((base, re.sub(" ", "  ", base).replace("\n", "\n\n")))
    for n in (1, 2):
        w = base.split(" ")
        for k in random.sample(range(len(w)), n):
            w[k] = random.choice(["thay", "mới", "khác"])
        pairs[f"{n} word(s) changed"].append((base, " ".join(w)))
    pairs["credit line added"].append((base, base + "\n(Theo TTXVN)"))
    pairs["caption and related headline"].append(
        (base, base + "\nẢnh: minh họa\nTin liên quan: " + docs[i + 1][0]))
    sents = [s for s in re.split(r"(?<=[.!?])\s+", docs[i][2]) if s]
    if len(sents) > 3:
        k = random.randrange(len(sents))
        pairs["a sentence dropped"].append(
            (base, text((docs[i][0], docs[i][1], " ".join(sents[:k] + sents[k + 1:])))))
    j = random.randrange(len(docs))
    if j != i:
        pairs["different (random)"].append((base, text(docs[j])))
words = lambda s: set(re.findall(r"\w+", s.lower()))
titles = [words(d[0]) for d in docs]
df = collections.Counter(w for t in titles for w in t)
index = collections.defaultdict(list)
for i, t in enumerate(titles):
    for w in t:
        if df[w] < 40:
            index[w].append(i)
for i in range(len(docs)):
    if len(pairs["different (same topic)"]) >= a.pairs:
        break
    c = collections.Counter(j for w in titles[i] if df[w] < 40 for j in index[w] if j != i)
    if c:
        j, n = c.most_common(1)[0]
        if n >= 3 and docs[i][2][:80] != docs[j][2][:80]:
            pairs["different (same topic)"].append((text(docs[i]), text(docs[j])))

lines, keys = [], []
for kind, ps in pairs.items():
    for n, (x, y) in enumerate(ps):
        for side, t in (("a", x), ("b", y)):
            lines.append(json.dumps({"id": f"{kind}|{n}|{side}", "text": t}, ensure_ascii=False))
out = subprocess.run([a.bin, "analyze", "--jsonl", "--stages", "segment"],
                     input="\n".join(lines).encode(), capture_output=True, check=True).stdout
fp = {}
for line in out.decode().split("\n"):
    if line.strip():
        o = json.loads(line)
        fp[o["id"]] = int(o.get("fingerprint", 0))
for kind, ps in pairs.items():
    h = collections.Counter(
        bin(fp[f"{kind}|{n}|a"] ^ fp[f"{kind}|{n}|b"]).count("1") for n in range(len(ps)))
    total = sum(h.values())
    le3 = sum(v for d, v in h.items() if d <= 3) / total
    ge10 = sum(v for d, v in h.items() if d >= 10) / total
    hist = " ".join(f"{d}:{h[d]}" for d in sorted(h))
    print(f"{kind:30} pairs={total:5}  <=3: {le3:.3f}  >=10: {ge10:.3f}  | {hist}")
