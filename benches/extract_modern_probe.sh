#!/usr/bin/env bash
# Extraction on news-site templates the block model has not seen (synthetic, labelled so):
# pages in the markup of today's Vietnamese news CMSs (models/tools/synth_modern.py) with
# VietNews *test* articles (training uses train-01), 8 pages per template, HTML and inscriptis
# dumps. The templates are split in two halves; a portal model trained with the synthetic pages
# of one half only (VITEXT_MODERN=40 SYNTH_TEMPLATES=...) scores the other half, and the shipped
# models score both for comparison (they were trained on every template but "dantri", which is in
# the dev site's markup and never trained on: on the others theirs is a training-template
# figure). One author wrote the training and the probe templates: an optimistic figure, to read
# beside benches/extract_loso.sh (real pages of unseen sites).
# usage: benches/extract_modern_probe.sh   (from the repository root; about 2 minutes)
set -euo pipefail
cargo build --release --quiet
BIN=$(mktemp -d)/vitext
cp target/release/vitext "$BIN"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "$(dirname "$BIN")"' EXIT
python3 -c 'import inscriptis' 2>/dev/null || pip install --quiet inscriptis==2.7.6
python3 models/tools/synth_modern.py ../shared/data/unlabelled/vietnews/test-00.jsonl.xz "$WORK/probe/html" 8 7 2>/dev/null
python3 models/tools/render_dumps.py "$WORK/probe/html" "$WORK/probe/dumps" >/dev/null 2>&1
score() { python3 ../shared/eval/score.py extract --gold "$1" --cmd "$BIN analyze --jsonl --stages extract --model-dir $2" | grep '^extract'; }
half() { # NAME TRAIN_TEMPLATES PROBE_TEMPLATES
  local d="$WORK/$1"
  mkdir -p "$d/html" "$d/dumps" "$d/model"
  for t in ${3//,/ }; do
    ln -sf "$WORK/probe/html/$t"-* "$d/html/"
    ln -sf "$WORK/probe/dumps/$t"-* "$d/dumps/"
  done
  cp models/extract.bin "$d/model/"
  VITEXT_BIN="$BIN" VITEXT_PORTALS=300 VITEXT_MODERN=40 SYNTH_TEMPLATES=$2 \
    models/tools/train_extract.sh --out "$d/model/extract_portals.bin" >/dev/null 2>&1
  for kind in html dumps; do
    printf '%-6s %-5s %-26s %s\n' "$1" "$kind" "shipped (seen templates)" "$(score "$d/$kind" models)"
    printf '%-6s %-5s %-26s %s\n' "$1" "$kind" "trained on the other half" "$(score "$d/$kind" "$d/model")"
  done
}
half G1 zing,vnn,laodong vne,soha,soha-div,24h
half G2 vne,soha,soha-div,24h zing,vnn,laodong,dantri
