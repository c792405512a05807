#!/usr/bin/env bash
# Word segmentation and part of speech on data no model here was trained on, the way
# ../shared/eval/score.py scores the whole command: the last tenth of VLSP 2013 POS train (a
# contiguous block, unseen documents) held out of the POS model, and its sentences left out of
# the segmenter's training data too (half of them are also in VLSP 2013 WS train). Also the
# segmenter's own contiguous block of VLSP 2013 WS train (the trainer's figure).
# usage: benches/words_heldout.sh   (from the repository root; needs ../shared; ~3 minutes)
set -euo pipefail
BIN=${VITEXT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/vitext
fi
W=${VITEXT_WORDS_DIR:-/tmp/vitext-words}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
V=../shared/data/unlabelled/vietnews
NEWS=(--corpus $V/train-00.jsonl.xz --corpus $V/train-01.jsonl.xz --corpus $V/train-02.jsonl.xz --corpus $V/train-03.jsonl.xz)
mkdir -p "$W" "$T/models"
[ -f "$W/corpus_words.bin" ] || "$BIN" train corpus-words "${NEWS[@]}" --min-count 5 --out "$W/corpus_words.bin"
[ -f "$W/classes.bin" ] || "$BIN" train clusters "${NEWS[@]}" --classes 128,1024 --min-count 10 --out "$W/classes.bin"
WS=../shared/data/ws/vlsp2013/train.txt
echo "== segmenter, VLSP 2013 WS train, last contiguous tenth held out (trainer's scorer)"
"$BIN" train segmenter --train $WS --holdout-blocks 10 --epochs 8 --bits 20 \
  --corpus-words "$W/corpus_words.bin" --out "$T/seg_block.bin" 2>&1 | grep '^dev'
echo "== POS model without the last tenth of VLSP 2013 POS train (gold words)"
"$BIN" train pos --train ../shared/data/pos/vlsp2013/train.txt --holdout-blocks 10 --epochs 6 --ensemble 3 \
  --classes "$W/classes.bin" --write-holdout "$T/pos-dev.txt" --out "$T/models/pos.bin" 2>&1 | grep 'accuracy'
# The segmenter without any sentence of that block (compared without spaces and "_").
python3 - "$T/pos-dev.txt" $WS "$T/ws-train.txt" <<'PY'
import sys
key = lambda s: ''.join(s.replace('_', ' ').split())
dev = {key(' '.join(t.rsplit('/', 1)[0] for t in l.split())) for l in open(sys.argv[1])}
kept = [l for l in open(sys.argv[2]) if key(l) not in dev]
open(sys.argv[3], 'w').writelines(kept)
print(f"segmenter training sentences without the POS block: {len(kept)}")
PY
"$BIN" train segmenter --train "$T/ws-train.txt" --holdout-every 0 --epochs 8 --bits 20 \
  --corpus-words "$W/corpus_words.bin" --out "$T/models/segmenter.bin" >/dev/null 2>&1
echo "== the whole command on the held-out POS block, from raw syllables"
python3 ../shared/eval/score.py ws --gold "$T/pos-dev.txt" --gold-format vlsppos \
  --cmd "$BIN analyze --jsonl --stages segment --model-dir $T/models" | tail -1
python3 ../shared/eval/score.py pos --gold "$T/pos-dev.txt" \
  --cmd "$BIN analyze --jsonl --stages segment,pos --model-dir $T/models" | tail -3
