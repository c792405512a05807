#!/usr/bin/env bash
# Rebuilds models/entities.bin from ../shared/data: the VietNews word classes and name profile
# (counted over VietNews train into /tmp/vitext-words, shared with train_words.sh), then the
# tagger on VLSP 2016 NER train and VLSP 2018 NER train (x2: the raw-news style we serve).
# It reads the segmenter's words: run models/tools/train_words.sh first when that changed.
# usage: models/tools/train_entities.sh   (from the repository root; about 5 minutes on 2 cores,
#        2 more the first time the VietNews tables are made)
# HOLDOUT="--holdout-every 10 --holdout-slice 9 --holdout-name-groups 20" OUT=/tmp/e.bin
#        models/tools/train_entities.sh   trains the same recipe without a held-out part and
#        prints its figures (benches/entities_heldout.sh runs that).
set -euo pipefail
# shellcheck source=models/tools/common.sh
source "$(dirname "$0")/common.sh"
[ -f "$W/name_profile.bin" ] || "$BIN" train name-profile "${NEWS[@]}" --min-count 5 --out "$W/name_profile.bin"
# shellcheck disable=SC2086
"$BIN" train entities --conll ../shared/data/ner/vlsp2016/train.txt --enamex '../shared/data/ner/vlsp2018/train*2' \
  --classes 0 --classes-file "$W/classes.bin" --name-profile "$W/name_profile.bin" \
  --epochs 10 --bits 17 --folds 4 --objective crf --crf-rate 0.05 --ensemble "${ENSEMBLE:-3}" \
  ${HOLDOUT:---holdout-every 0 --temperature-scale 2} --out "${OUT:-models/entities.bin}"
