#!/usr/bin/env bash
# Extraction figures on sites the block model has not seen (../shared/eval/score.py extract):
#  1. leave-one-site-out on the Vietnamese dev pages (vi-html-dev and its inscriptis dumps
#     vi-dumps-dev): for each site (dantri, hocmai, aitvietnam) a model trained without any
#     page or template of that site scores that site's pages, page by page;
#  2. N site folds (default 3) of WCXB dev and ScrapingHub, HTML and dumps: a model trained
#     without the sites of fold K (a site's fold is a hash of its host) scores their pages.
# Training goes through models/tools/train_extract.sh (inscriptis dumps made once), twice per
# split as for the shipped models: extract.bin for HTML pages not in Vietnamese, and
# extract_portals.bin (with synthetic older-portal pages, VITEXT_PORTALS, and pages in today's
# CMS markup, VITEXT_MODERN) for Vietnamese HTML pages and text dumps.
# usage: benches/extract_loso.sh [FOLDS]   (from the repository root; about 20 minutes)
set -euo pipefail
E=../shared/data/extract
FOLDS=${1:-3}
cargo build --release --quiet
BIN=$(mktemp -d)/vitext
cp target/release/vitext "$BIN"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "$(dirname "$BIN")"' EXIT
# train DIR ARGS...: both models of one split into DIR.
train() {
  local dir=$1; shift
  VITEXT_BIN="$BIN" models/tools/train_extract.sh "$@" --out "$dir/extract.bin" 2>/dev/null
  VITEXT_BIN="$BIN" VITEXT_PORTALS=${VITEXT_PORTALS:-300} VITEXT_MODERN=${VITEXT_MODERN:-40} models/tools/train_extract.sh "$@" --out "$dir/extract_portals.bin" 2>/dev/null
}
score() { python3 ../shared/eval/score.py extract --gold "$1" --cmd "$BIN analyze --jsonl --stages extract --model-dir $2" | grep '^extract'; }
echo "== leave one site out (Vietnamese dev pages)"
for site in $(ls $E/vi-html-dev/*.gold.txt | xargs -n1 basename | cut -d_ -f1 | sort -u); do
  train "$WORK/$site" --exclude-site "$site"
  for set in vi-html-dev vi-dumps-dev; do
    mkdir -p "$WORK/pages/$set-$site"
    ln -sf "$(realpath $E/$set)/${site}"_* "$WORK/pages/$set-$site/"
    printf '%-12s %-13s %s\n' "$site" "$set" "$(score "$WORK/pages/$set-$site" "$WORK/$site")"
  done
done
echo "== $FOLDS site folds (WCXB dev, ScrapingHub; HTML and inscriptis dumps)"
DUMPS=${VITEXT_DUMPS_DIR:-/tmp/vitext-dumps}
for k in $(seq 0 $((FOLDS - 1))); do
  D="$WORK/fold$k"
  mkdir -p "$D"
  train "$D" --exclude-fold "$k/$FOLDS" --write-excluded "$D/excluded.txt"
  for src in wcxb-dev scrapinghub; do
    for kind in html dump; do
      G="$D/$src-$kind"
      mkdir -p "$G"
      base=$E/$src
      [ $kind = dump ] && base=$DUMPS/$src
      grep "^$src/" "$D/excluded.txt" | cut -d/ -f2 | while read -r n; do ln -sf "$(realpath $base)/$n".* "$G/"; done
      printf 'fold %s %-12s %-5s %s\n' "$k" "$src" "$kind" "$(score "$G" "$D")"
    done
  done
done
