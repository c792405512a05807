#!/usr/bin/env bash
# Rebuilds a block model of extraction (models/extract.bin, models/extract_portals.bin) from ../shared/data:
# inscriptis dumps of the HTML pages with gold (made once, outside the repository), then
# `vitext train extract` on the HTML pages, their dumps, the Vietnamese dev pages and dumps,
# the seeds and 2,000 synthetic dumps (VietNews articles in the Vietnamese dumps' boilerplate).
# VITEXT_PORTALS=N adds N synthetic pages in older portals' layouts and their dumps
# (models/tools/synth_portals.py; 30 sites): the recipe of models/extract_portals.bin, the model
# of Vietnamese HTML pages and of text dumps (N=300, with VITEXT_MODERN=40); models/extract.bin,
# the model of other HTML pages, is trained without them.
# VITEXT_MODERN=N adds N pages per template in the markup of today's Vietnamese news sites and
# their dumps (models/tools/synth_modern.py; 7 templates; SYNTH_TEMPLATES picks some).
# VITEXT_SYNTHETIC sets the number of synthetic dumps (2000). Extra arguments go to `vitext train extract` (--exclude-site S, --exclude-fold K/N, --out F).
# usage: models/tools/train_extract.sh [ARGS...]   (from the repository root)
set -euo pipefail
E=../shared/data/extract
DUMPS=${VITEXT_DUMPS_DIR:-/tmp/vitext-dumps}
for set in wcxb-dev scrapinghub; do
  if [ ! -d "$DUMPS/$set" ]; then
    python3 -c 'import inscriptis' 2>/dev/null || pip install --quiet inscriptis==2.7.6
    python3 models/tools/render_dumps.py "$E/$set" "$DUMPS/$set"
  fi
done
# Older Vietnamese portals' layouts (tables, <br> lists, related sections), made once.
PORTAL_ARGS=()
if [ "${VITEXT_PORTALS:-0}" -gt 0 ]; then
  PORTALS=${VITEXT_PORTALS_DIR:-/tmp/vitext-portals-$VITEXT_PORTALS-c${SYNTH_COMMENTS:-0}}
  if [ ! -d "$PORTALS/dumps" ]; then
    python3 -c 'import inscriptis' 2>/dev/null || pip install --quiet inscriptis==2.7.6
    python3 models/tools/synth_portals.py ../shared/data/unlabelled/vietnews/train-00.jsonl.xz "$PORTALS/html" 30 $((VITEXT_PORTALS / 30))
    python3 models/tools/render_dumps.py "$PORTALS/html" "$PORTALS/dumps"
  fi
  PORTAL_ARGS=(--pages "$PORTALS/html" --pages "$PORTALS/dumps" --titled "$PORTALS/html" --titled "$PORTALS/dumps")
fi
# Today's Vietnamese news sites' layouts (figure captions, inline related boxes, teaser cards),
# made once: VITEXT_MODERN=N pages per template (models/tools/synth_modern.py).
if [ "${VITEXT_MODERN:-0}" -gt 0 ]; then
  TEMPLATES=${SYNTH_TEMPLATES:-vne,soha,soha-div,zing,24h,vnn,laodong}
  MODERN=${VITEXT_MODERN_DIR:-/tmp/vitext-modern-$VITEXT_MODERN-${TEMPLATES//,/-}}
  if [ ! -d "$MODERN/dumps" ]; then
    python3 -c 'import inscriptis' 2>/dev/null || pip install --quiet inscriptis==2.7.6
    SYNTH_TEMPLATES=$TEMPLATES python3 models/tools/synth_modern.py ../shared/data/unlabelled/vietnews/train-01.jsonl.xz "$MODERN/html" "$VITEXT_MODERN" 21
    python3 models/tools/render_dumps.py "$MODERN/html" "$MODERN/dumps"
  fi
  PORTAL_ARGS+=(--pages "$MODERN/html" --pages "$MODERN/dumps" --titled "$MODERN/html" --titled "$MODERN/dumps")
fi
# VITEXT_FLAT=1 adds crawler-style flat copies (models/tools/flatten_dumps.py) of the synthetic
# portal and CMS dumps: crawlers deliver dumps without indentation (../shared/seeds). Not in the
# shipped recipe: flat dumps of unseen sites gain, but "Xem thêm:" lines and teaser cards in
# indented dumps were kept in every seed tried (docs/experiments.md, session 21).
if [ "${VITEXT_FLAT:-0}" = 1 ]; then
  for d in ${PORTALS:+"$PORTALS/dumps"} ${MODERN:+"$MODERN/dumps"}; do
    [ -d "$d-flat" ] || python3 models/tools/flatten_dumps.py "$d" "$d-flat"
    PORTAL_ARGS+=(--pages "$d-flat" --titled "$d-flat")
  done
fi
# VITEXT_BIN: a vitext binary to use instead of building this checkout.
BIN=${VITEXT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/vitext
fi
"$BIN" train extract \
  --pages $E/wcxb-dev --pages $E/scrapinghub --pages $E/vi-html-dev \
  --pages "$DUMPS/wcxb-dev" --pages "$DUMPS/scrapinghub" --pages $E/vi-dumps-dev --pages $E/seeds-vi \
  "${PORTAL_ARGS[@]}" --titled $E/vi-html-dev --titled $E/vi-dumps-dev --titled $E/seeds-vi \
  --vietnews ../shared/data/unlabelled/vietnews/train-00.jsonl.xz --synthetic "${VITEXT_SYNTHETIC:-2000}" "$@"
