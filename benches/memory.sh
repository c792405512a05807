#!/usr/bin/env bash
# Peak server memory under the worst mix the server admits (issue 18): N concurrent Analyze
# calls of a 7.5 MiB plain-text article (segment + entities: no extraction to shrink it), sent
# at once with h2load, against one replica configured as deploy/k8s runs it (2 threads).
# Prints the server's peak RSS (VmHWM) and how the calls ended.
#   benches/memory.sh [N=6] [extra vitext serve flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-6}; shift || true
BIN=${VITEXT_BIN:-target/release/vitext}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work/big.txt" <<'PYEOF'
import glob, sys
pages = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("../shared/seeds/*.txt"))] \
    or [open("tests/fixtures/article_dump.txt", encoding="utf-8").read()]
t, i = "", 0
while len(t.encode()) < int(7.5 * 2**20):
    t += pages[i % len(pages)] + "\n"
    i += 1
open(sys.argv[1], "w", encoding="utf-8").write(t.encode()[: int(7.5 * 2**20)].decode("utf-8", "ignore"))
PYEOF
"$BIN" request-frame "$work/big.txt" --stages segment,entities > "$work/req.bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --addr "127.0.0.1:$port" --metrics-addr off --worker-threads 2 --log-format text "$@" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do "$BIN" health --addr "http://127.0.0.1:$port" >/dev/null 2>&1 && break; sleep 0.1; done
base=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
h2load -n "$N" -c "$N" -m 1 -H 'content-type: application/grpc' -H 'te: trailers' -H 'grpc-timeout: 300S' \
  -d "$work/req.bin" "http://127.0.0.1:$port/vitext.v1.TextAnalyzer/Analyze" > "$work/h2load.log" 2>&1 || true
grep -E "finished in|requests:|time for request" "$work/h2load.log"
peak=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
echo "server RSS at start $((base / 1024)) MiB, peak $((peak / 1024)) MiB with $N concurrent 7.5 MiB articles"
