#!/usr/bin/env bash
# Compares what two builds answer on every dev set we have (a refactor must answer the same):
# the seeds' page dumps, WCXB dev, ScrapingHub, vi-html-dev, vi-dumps-dev (all stages, with the
# removed blocks, and the default stages), VLSP 2016 / 2018 / 2013 text (segment + entities),
# and `vitext analyze FILE` on the seeds.
#   benches/same_output.sh OLD_BINARY [NEW_BINARY]     (NEW defaults to target/release/vitext)
# Prints DIFF lines and exits 1 when anything differs.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: benches/same_output.sh OLD_BINARY [NEW_BINARY]}
new=${2:-target/release/vitext}
work=${TMPDIR:-/tmp}/vitext-same-output
mkdir -p "$work"
python3 benches/same_output_inputs.py "$work"
run() { # binary outdir
  local bin=$1 o=$2
  mkdir -p "$o"
  for s in wcxb-dev scrapinghub seeds-vi vi-html-dev vi-dumps-dev; do
    "$bin" analyze --jsonl --stages extract,segment,entities --include-removed < "$work/$s.in.jsonl" > "$o/$s.all.jsonl"
    "$bin" analyze --jsonl < "$work/$s.in.jsonl" > "$o/$s.default.jsonl"
  done
  for s in vlsp2016 vlsp2018 vlsp2013 seeds-vi; do
    "$bin" analyze --jsonl --stages segment,entities < "$work/$s.in.jsonl" > "$o/$s.segent.jsonl"
  done
  "$bin" analyze ../shared/seeds/* > "$o/seeds.files.txt"
}
run "$old" "$work/old"
run "$new" "$work/new"
status=0
for f in "$work"/old/*; do
  if ! cmp -s "$f" "$work/new/$(basename "$f")"; then
    echo "DIFF $(basename "$f")"
    status=1
  fi
done
[ $status = 0 ] && echo "same output on $(ls "$work/old" | wc -l) files"
exit $status
