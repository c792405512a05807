#!/usr/bin/env bash
# Load run on loopback with h2load (Debian: nghttp2-client): start-up time, unary Analyze at
# full speed (closed loop) and at 70% of it (open loop), AnalyzeStream through `vitext client`,
# server peak RSS. Prints articles/s, MB/s and p50/p90/p99 latency.
#
#   benches/load.sh [ARTICLE]          default: ../shared/seeds/002_*.txt (8 KB, near the seeds'
#                                    mean of 7 KB), else tests/fixtures/article_dump.txt
#   N=20000 STAGES=extract,segment,entities THREADS=2 benches/load.sh
#
# The load generator runs on the same 2 cores as the server, so figures are for the pair.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VITEXT_BIN:-target/release/vitext}
[ -x "$BIN" ] || cargo build --release --locked --quiet
ARTICLE=${1:-$(ls ../shared/seeds/002_*.txt 2>/dev/null || echo tests/fixtures/article_dump.txt)}
N=${N:-20000}
STAGES=${STAGES:-extract,segment,entities}
THREADS=${THREADS:-2}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); mport=$(free_port)
bytes=$(wc -c < "$ARTICLE")

# Start-up: process start to health SERVING.
t0=$(date +%s%N)
"$BIN" serve --addr "127.0.0.1:$port" --metrics-addr "127.0.0.1:$mport" --worker-threads "$THREADS" \
  --log-format text 2>"$work/server.log" &
server=$!
until "$BIN" health --addr "http://127.0.0.1:$port" --timeout-seconds 1 >/dev/null 2>&1; do
  kill -0 "$server" || { cat "$work/server.log"; exit 1; }
  sleep 0.005
done
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

"$BIN" request-frame "$ARTICLE" --stages "$STAGES" > "$work/request.bin"
URL="http://127.0.0.1:$port/vitext.v1.TextAnalyzer/Analyze"
H=(-H 'content-type: application/grpc' -H 'te: trailers' -d "$work/request.bin")

# p50 p90 p99 in ms from an h2load --log-file (start_us status duration_us), HTTP 200 only.
percentiles() {
  awk '$2 == 200 {print $3}' "$1" | sort -n | awk '{v[NR] = $1} END {
    if (NR == 0) {print "- - -"; exit}
    printf "%.2f %.2f %.2f\n", v[int(NR*0.50)+1]/1000, v[int(NR*0.90)+1]/1000, v[int(NR*0.99) < NR ? int(NR*0.99)+1 : NR]/1000}'
}
rate_of() { sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' "$1"; }
# A sample's value from the server's /metrics (0 when absent); $1 is a line-start regex.
sample() { curl -fsS "http://127.0.0.1:$mport/metrics" | awk -v re="^$1" '$0 ~ re {v = $2} END {print v + 0}'; }
codes() { curl -fsS "http://127.0.0.1:$mport/metrics" | awk '/^vitext_requests_total\{rpc="Analyze"/ {print}' | tr '\n' ' '; }

h2load -n 1000 -c 4 -m 8 "${H[@]}" "$URL" > /dev/null 2>&1   # warm-up

h2load -n "$N" -c 4 -m 8 "${H[@]}" --log-file "$work/max.log" "$URL" > "$work/max.txt" 2>&1
max=$(rate_of "$work/max.txt")
read -r mp50 mp90 mp99 < <(percentiles "$work/max.log")

# Open loop at 70% of the measured maximum, 8 clients, ~10 s.
target=$(awk -v r="$max" 'BEGIN {printf "%d", r * 0.7}')
per_client=$(awk -v t="$target" 'BEGIN {printf "%d", t / 8 < 1 ? 1 : t / 8}')
n70=$(( per_client * 8 * 10 ))
h2load -n "$n70" -c 8 -m 4 --rps "$per_client" "${H[@]}" --log-file "$work/r70.log" "$URL" > "$work/r70.txt" 2>&1
r70=$(rate_of "$work/r70.txt")
read -r p50 p90 p99 < <(percentiles "$work/r70.log")

# Overload: open loop at 4x the measured maximum, ~5 s. The server's counters tell accepted
# from shed; h2load's latencies cover both.
ok_before=$(sample 'vitext_requests_total\\{rpc="Analyze",code="OK"\\}')
shed_before=$(sample 'vitext_shed_total')
over=$(awk -v r="$max" 'BEGIN {printf "%d", r * 4}')
over_client=$(( over / 16 + 1 ))
n4=$(( over_client * 16 * 5 ))
h2load -n "$n4" -c 16 -m 8 --rps "$over_client" "${H[@]}" --log-file "$work/r400.log" "$URL" > "$work/r400.txt" 2>&1
r400=$(rate_of "$work/r400.txt")
read -r o50 o90 o99 < <(percentiles "$work/r400.log")
ok_after=$(sample 'vitext_requests_total\\{rpc="Analyze",code="OK"\\}')
shed_after=$(sample 'vitext_shed_total')
over_secs=$(sed -nE 's/^finished in ([0-9.]+)(m?s),.*/\1 \2/p' "$work/r400.txt" | awk '{print ($2 == "ms") ? $1 / 1000 : $1}')
over_ok=$(awk -v a="$ok_after" -v b="$ok_before" -v s="$over_secs" 'BEGIN {printf "%.0f", (a - b) / s}')
over_shed=$(( ${shed_after%.*} - ${shed_before%.*} ))
alive=$("$BIN" health --addr "http://127.0.0.1:$port" || true)

# AnalyzeStream through the CLI client: the article 4,000 times on one stream.
python3 - "$ARTICLE" 4000 > "$work/stream.jsonl" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
for i in range(int(sys.argv[2])):
    print(json.dumps({"id": f"s{i}", "text": text}, ensure_ascii=False))
PY
s0=$(date +%s%N)
"$BIN" client --addr "http://127.0.0.1:$port" --stages "$STAGES" < "$work/stream.jsonl" > "$work/stream.out"
stream_s=$(awk -v ns="$(( $(date +%s%N) - s0 ))" 'BEGIN {printf "%.3f", ns / 1e9}')
answered=$(grep -c '"id"' "$work/stream.out")
errors=$(grep -c '"error"' "$work/stream.out" || true)

rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")
mbps() { awk -v r="$1" -v b="$bytes" 'BEGIN {printf "%.1f", r * b / 1e6}'; }
stream_rate=$(awk -v n="$answered" -v s="$stream_s" 'BEGIN {printf "%.0f", n / s}')

echo "article: $ARTICLE ($bytes bytes), stages $STAGES, server --worker-threads $THREADS, $(nproc) cores shared with h2load"
echo "ready after start: ${ready_ms} ms"
printf '%-44s %10s %8s %8s %8s %8s\n' "run" "articles/s" "MB/s" "p50 ms" "p90 ms" "p99 ms"
printf '%-44s %10s %8s %8s %8s %8s\n' "unary Analyze, closed loop (32 in flight)" "$max" "$(mbps "$max")" "$mp50" "$mp90" "$mp99"
printf '%-44s %10s %8s %8s %8s %8s\n' "unary Analyze, open loop at 70% ($target/s)" "$r70" "$(mbps "$r70")" "$p50" "$p90" "$p99"
printf '%-44s %10s %8s %8s %8s %8s\n' "unary Analyze, open loop at 400% ($over/s)" "$r400" "$(mbps "$r400")" "$o50" "$o90" "$o99"
printf '%-44s %10s %8s %8s %8s %8s\n' "AnalyzeStream, vitext client ($answered)" "$stream_rate" "$(mbps "$stream_rate")" "-" "-" "-"
echo "overload at 400%: accepted $over_ok articles/s, shed $over_shed calls (RESOURCE_EXHAUSTED), health after: $alive"
echo "stream errors: $errors; Analyze outcomes: $(codes)"
echo "server peak RSS: $(( rss_kb / 1024 )) MB"
grep -E "requests:" "$work/max.txt" "$work/r70.txt" "$work/r400.txt" | sed 's|.*/||'
