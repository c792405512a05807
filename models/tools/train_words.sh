#!/usr/bin/env bash
# Rebuilds the word models from ../shared/data: the corpus word table and the word classes
# (both counted over VietNews train, kept in /tmp/vitext-words), then models/segmenter.bin
# (VLSP 2013 word segmentation train, the VLSP convention) and models/pos.bin (VLSP 2013 POS
# train). The entity model reads the segmenter's words: rebuild it after the segmenter
# (models/README.md has its command).
# usage: models/tools/train_words.sh   (from the repository root; about 5 minutes on 2 cores)
set -euo pipefail
# shellcheck source=models/tools/common.sh
source "$(dirname "$0")/common.sh"
[ -f "$W/corpus_words.bin" ] || "$BIN" train corpus-words "${NEWS[@]}" --min-count 5 --out "$W/corpus_words.bin"
"$BIN" train segmenter --train ../shared/data/ws/vlsp2013/train.txt --holdout-every 0 --epochs 8 --bits 20 \
  --corpus-words "$W/corpus_words.bin" --out models/segmenter.bin
"$BIN" train pos --train ../shared/data/pos/vlsp2013/train.txt --holdout-blocks 0 --epochs 6 --ensemble 3 \
  --classes "$W/classes.bin" --out models/pos.bin
