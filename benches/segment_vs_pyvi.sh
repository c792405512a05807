#!/usr/bin/env bash
# Whole-command word segmentation speed, vitext vs pyvi, on the seed articles repeated to ~8 MB.
#   benches/segment_vs_pyvi.sh [SEEDS_DIR]
# Installs pyvi into a throwaway venv (/tmp/vitext-pyvi) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-../shared/seeds}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$seeds" "$work/in.jsonl" <<'PY'
import json, os, sys
seeds = [open(os.path.join(sys.argv[1], f), encoding="utf-8").read() for f in sorted(os.listdir(sys.argv[1])) if f.endswith(".txt")]
total = i = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    while total < 8_000_000:
        t = seeds[i % len(seeds)]
        out.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
        total += len(t.encode()); i += 1
print(f"{i} documents, {total/1e6:.1f} MB")
PY
bytes=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$work/in.jsonl")
cargo build --release -q
t0=$(date +%s.%N)
/usr/bin/time -f "vitext peak RSS %M KB" target/release/vitext analyze --jsonl --stages segment < "$work/in.jsonl" > "$work/vitext.jsonl"
t1=$(date +%s.%N)
if [ ! -x /tmp/vitext-pyvi/bin/python ]; then
  python3 -m venv /tmp/vitext-pyvi && /tmp/vitext-pyvi/bin/pip install -q pyvi
fi
cat > "$work/pyvi_jsonl.py" <<'PY'
import json, sys
from pyvi import ViTokenizer
for line in sys.stdin:
    d = json.loads(line)
    print(json.dumps({"id": d["id"], "segmented": ViTokenizer.tokenize(d["text"])}, ensure_ascii=False))
PY
t2=$(date +%s.%N)
/tmp/vitext-pyvi/bin/python "$work/pyvi_jsonl.py" < "$work/in.jsonl" > "$work/pyvi.jsonl"
t3=$(date +%s.%N)
python3 - "$bytes" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
b, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:])
v, p = b / (t1 - t0) / 1e6, b / (t3 - t2) / 1e6
print(f"vitext: {t1-t0:.2f} s  {v:.2f} MB/s   pyvi: {t3-t2:.2f} s  {p:.2f} MB/s   ratio {v/p:.0f}x")
PY
