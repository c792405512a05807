#!/usr/bin/env bash
# Held-out entity figures (issue 20): the shipped recipe (models/tools/train_entities.sh)
# trained without a held-out part, then the whole command scored by ../shared/eval/score.py on
# it: VLSP 2016 train sentences held out by groups sharing a name (held-out names mostly
# unseen, as on the test set) and every 10th whole document of VLSP 2018 train.
# usage: benches/entities_heldout.sh [SLICE ...]   (default slice 9; about 4 minutes a slice
#        with ENSEMBLE=1, 8 with the shipped ENSEMBLE=3)
set -euo pipefail
cargo build --release --quiet
for SLICE in "${@:-9}"; do
  D=${VITEXT_HELDOUT_DIR:-/tmp/vitext-entities-heldout}/slice$SLICE
  rm -rf "$D"
  mkdir -p "$D/models"
  HOLDOUT="--holdout-every 10 --holdout-slice $SLICE --holdout-name-groups 20 --write-holdout $D" \
    OUT="$D/models/entities.bin" VITEXT_BIN=target/release/vitext models/tools/train_entities.sh \
    > "$D/train.log" 2>&1
  grep -A6 "^dev " "$D/train.log"
  CMD="target/release/vitext analyze --jsonl --stages segment,entities --model-dir $D/models"
  echo "slice $SLICE, VLSP 2016 train, name groups held out (score.py):"
  python3 ../shared/eval/score.py ner --gold "$D/train.txt.dev.conll" --gold-format conll --cmd "$CMD"
  echo "slice $SLICE, VLSP 2018 train, every 10th document held out (score.py):"
  python3 ../shared/eval/score.py ner --gold "$D/enamex" --gold-format enamex --cmd "$CMD"
done
