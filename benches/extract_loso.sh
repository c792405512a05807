#!/usr/bin/env bash
# Leave-one-site-out figures of the block model on the Vietnamese dev pages: for each site, a
# model is trained without any page of that site (nor templates from it), then scored on that
# site's HTML pages and dumps with ../shared/eval/score.py. Prints per-site and mean figures.
# usage: benches/extract_loso.sh [SYNTHETIC=2000] (from the repository root, after a release build)
set -euo pipefail
E=../shared/data/extract
SYN=${1:-2000}
BIN=target/release/vitext
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sites=$(ls $E/vi-html-dev/*.gold.txt | xargs -n1 basename | cut -d_ -f1 | sort -u)
for site in $sites; do
  $BIN train extract --pages $E/vi-dumps-dev --pages $E/seeds-vi --pages $E/vi-html-dev \
    --pages $E/wcxb-dev --pages $E/scrapinghub \
    --titled $E/vi-dumps-dev --titled $E/seeds-vi --titled $E/vi-html-dev \
    --vietnews ../shared/data/unlabelled/vietnews/train-00.jsonl.xz --synthetic "$SYN" \
    --exclude-site "$site" --out "$WORK/$site/extract.bin" 2>/dev/null
  for set in vi-html-dev vi-dumps-dev; do
    mkdir -p "$WORK/pages/$set-$site"
    ln -sf "$(realpath $E/$set)/${site}"_* "$WORK/pages/$set-$site/"
    printf '%-12s %-13s ' "$site" "$set"
    python3 ../shared/eval/score.py extract --gold "$WORK/pages/$set-$site" \
      --cmd "$BIN analyze --jsonl --stages extract --model-dir $WORK/$site" | grep '^extract'
  done
done
