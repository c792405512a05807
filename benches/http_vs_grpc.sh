#!/usr/bin/env bash
# The HTTP side's cost over the gRPC side at the same load, side by side on one server:
# unary Analyze over gRPC (h2c) against POST /v1/analyze over HTTP/2 (h2c) and HTTP/1.1, each
# closed loop (32 in flight) and open loop at 70% of the gRPC maximum; ROUNDS alternations.
# Prints requests/s and p50/p90/p99 latency (h2load --log-file, HTTP 200 only).
#
#   benches/http_vs_grpc.sh [ARTICLE]     default as benches/load.sh (a seed of 8 KB)
#   N=5000 ROUNDS=3 STAGES=extract,segment,entities benches/http_vs_grpc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VITEXT_BIN:-target/release/vitext}
[ -x "$BIN" ] || cargo build --release --locked --quiet
ARTICLE=${1:-$(ls ../shared/seeds/002_*.txt 2>/dev/null || echo tests/fixtures/article_dump.txt)}
N=${N:-5000}
ROUNDS=${ROUNDS:-3}
STAGES=${STAGES:-extract,segment,entities}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); hport=$(free_port)
"$BIN" serve --addr "127.0.0.1:$port" --http-addr "127.0.0.1:$hport" --metrics-addr off \
  --worker-threads 2 --log-format text 2>"$work/server.log" &
server=$!
until "$BIN" health --addr "http://127.0.0.1:$port" --timeout-seconds 1 >/dev/null 2>&1; do sleep 0.01; done

"$BIN" request-frame "$ARTICLE" --stages "$STAGES" > "$work/request.bin"
python3 -c 'import json, sys; print(json.dumps({"id": "h", "text": open(sys.argv[1], encoding="utf-8").read()}, ensure_ascii=False))' \
  "$ARTICLE" > "$work/request.json"
# The same article and stages both ways: the text line with extraction asked for.
GRPC=(-H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin"
      "http://127.0.0.1:$port/vitext.v1.TextAnalyzer/Analyze")
HTTP=(-H 'content-type: application/json' -d "$work/request.json"
      "http://127.0.0.1:$hport/v1/analyze?stages=$STAGES")

percentiles() {
  awk '$2 == 200 {print $3}' "$1" | sort -n | awk '{v[NR] = $1} END {
    if (NR == 0) {print "- - -"; exit}
    printf "%.2f %.2f %.2f\n", v[int(NR*0.50)+1]/1000, v[int(NR*0.90)+1]/1000, v[int(NR*0.99) < NR ? int(NR*0.99)+1 : NR]/1000}'
}
rate_of() { sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' "$1"; }
ok_of() { sed -nE 's/^status codes: ([0-9]+) 2xx.*/\1/p' "$1"; }
run() { # name log-prefix h2load-args...
  local name=$1 out=$2; shift 2
  h2load "$@" --log-file "$out.log" > "$out.txt" 2>&1
  read -r p50 p90 p99 < <(percentiles "$out.log")
  printf '%-40s %9s %7s %8s %8s %8s\n' "$name" "$(rate_of "$out.txt")" "$(ok_of "$out.txt")" "$p50" "$p90" "$p99"
}

echo "article: $ARTICLE ($(wc -c < "$ARTICLE") bytes), stages $STAGES, server --worker-threads 2, $(nproc) cores shared with h2load"
h2load -n 1000 -c 4 -m 8 "${GRPC[@]}" > /dev/null 2>&1
h2load -n 1000 -c 4 -m 8 "${HTTP[@]}" > /dev/null 2>&1
printf '%-40s %9s %7s %8s %8s %8s\n' "run" "req/s" "200s" "p50 ms" "p90 ms" "p99 ms"
for r in $(seq "$ROUNDS"); do
  run "gRPC h2c, closed loop 4x8" "$work/g$r" -n "$N" -c 4 -m 8 "${GRPC[@]}"
  run "HTTP/2 JSON, closed loop 4x8" "$work/h$r" -n "$N" -c 4 -m 8 "${HTTP[@]}"
  run "HTTP/1.1 JSON, closed loop 32x1" "$work/o$r" --h1 -n "$N" -c 32 -m 1 "${HTTP[@]}"
  max=$(rate_of "$work/g$r.txt")
  per_client=$(awk -v r="$max" 'BEGIN {printf "%d", r * 0.7 / 8 < 1 ? 1 : r * 0.7 / 8}')
  n70=$(( per_client * 8 * 8 ))
  run "gRPC h2c, open loop $(( per_client * 8 ))/s" "$work/g70-$r" -n "$n70" -c 8 -m 4 --rps "$per_client" "${GRPC[@]}"
  run "HTTP/2 JSON, open loop $(( per_client * 8 ))/s" "$work/h70-$r" -n "$n70" -c 8 -m 4 --rps "$per_client" "${HTTP[@]}"
  run "HTTP/1.1 JSON, open loop $(( per_client * 8 ))/s" "$work/o70-$r" --h1 -n "$n70" -c 8 -m 1 --rps "$per_client" "${HTTP[@]}"
done
echo "server peak RSS: $(( $(awk '/^VmHWM/ {print $2}' "/proc/$server/status") / 1024 )) MB"
