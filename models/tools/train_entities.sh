#!/usr/bin/env bash
# Rebuilds models/entities.bin from ../shared/data: the VietNews word classes (over VietNews
# train) and name profile (over all of VietNews), kept in /tmp/vitext-words (shared with
# train_words.sh), then the tagger on VLSP 2016 NER train and VLSP 2018 NER train (x2: the
# raw-news style we serve).
# It reads the segmenter's words: run models/tools/train_words.sh first when that changed.
# usage: models/tools/train_entities.sh   (from the repository root; about 5 minutes on 2 cores,
#        2 more the first time the VietNews tables are made)
# HOLDOUT="--holdout-every 10 --holdout-slice 9 --holdout-name-groups 20" OUT=/tmp/e.bin
#        models/tools/train_entities.sh   trains the same recipe without a held-out part and
#        prints its figures (benches/entities_heldout.sh runs that).
set -euo pipefail
# shellcheck source=models/tools/common.sh
source "$(dirname "$0")/common.sh"
# The profile counts names in all of VietNews (train, val and test: unlabelled, and more text
# sees more names); the word classes stay on train as the part-of-speech model has them.
[ -f "$W/name_profile_all.bin" ] || "$BIN" train name-profile "${NEWS[@]}" --corpus $V/val-00.jsonl.xz \
  --corpus $V/test-00.jsonl.xz --min-count 5 --out "$W/name_profile_all.bin"
# Skip-gram vectors over VietNews train for the window encoder (rows most frequent first).
[ -f "$W/vectors48f.bin" ] || "$BIN" train clusters "${NEWS[@]}" --method vectors --dim 48 --min-count 5 \
  --classes 2 --vectors-out "$W/vectors48f.bin" --out "$W/vector_classes_unused.bin"
# shellcheck disable=SC2086
"$BIN" train entities --conll ../shared/data/ner/vlsp2016/train.txt --enamex '../shared/data/ner/vlsp2018/train*2' \
  --classes 0 --classes-file "${CLASSES_FILE:-$W/classes.bin}" --name-profile "$W/name_profile_all.bin" \
  --epochs 10 --bits 17 --folds 4 --objective crf --crf-rate 0.05 --ensemble "${ENSEMBLE:-3}" \
  ${ENCODER:---vectors $W/vectors48f.bin --feature-dropout 0.3 --encoder-hidden 16 --encoder-shared-hidden} ${HOLDOUT:---holdout-every 0 --temperature-scale 2} --out "${OUT:-models/entities.bin}"
