#!/usr/bin/env bash
# vitext against the Python stack a user would otherwise run (trafilatura + underthesea, in a
# throwaway venv), on the same pages, every core used by both; prints the ratio.
#
#   benches/python_stack.sh [PAGES_DIR]     default ../shared/seeds (else tests/fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VITEXT_BIN:-target/release/vitext}
[ -x "$BIN" ] || cargo build --release --locked --quiet
PAGES=${1:-../shared/seeds}
[ -d "$PAGES" ] || PAGES=tests/fixtures
VENV="${TMPDIR:-/tmp}/vitext-python-stack"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check trafilatura underthesea lxml_html_clean
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# vitext: the server with all stages, fed through AnalyzeStream by `vitext client`.
REPEAT=${REPEAT:-400}
python3 - "$PAGES" "$REPEAT" > "$work/pages.jsonl" <<'PY'
import json, os, sys
folder, repeat = sys.argv[1], int(sys.argv[2])
files = sorted(f for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f)))
for r in range(repeat):
    for f in files:
        text = open(os.path.join(folder, f), encoding="utf-8").read()
        print(json.dumps({"id": f"{r}/{f}", "text": text}, ensure_ascii=False))
PY
bytes=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1])))' "$work/pages.jsonl")
n=$(wc -l < "$work/pages.jsonl")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --addr "127.0.0.1:$port" --metrics-addr off --log-format text 2>"$work/server.log" &
server=$!
until "$BIN" health --addr "http://127.0.0.1:$port" >/dev/null 2>&1; do sleep 0.02; done
t0=$(date +%s%N)
"$BIN" client --addr "http://127.0.0.1:$port" --stages extract,segment,entities < "$work/pages.jsonl" > /dev/null
vitext_s=$(awk -v ns="$(( $(date +%s%N) - t0 ))" 'BEGIN {printf "%.3f", ns / 1e9}')

# The Python stack on fewer copies (it is slow), same pages.
PY_REPEAT=${PY_REPEAT:-2}
py=$("$VENV/bin/python" benches/python_stack.py "$PAGES" "$PY_REPEAT")
python3 - "$n" "$bytes" "$vitext_s" "$py" <<'PY'
import json, sys
n, size, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
py = json.loads(sys.argv[4])
v_aps, v_mbs = n / secs, size / secs / 1e6
print(f"{'stack':<52} {'articles':>8} {'articles/s':>11} {'MB/s':>8}")
print(f"{'vitext (server + vitext client, all stages, 2 threads)':<52} {n:>8} {v_aps:>11.1f} {v_mbs:>8.2f}")
print(f"{'trafilatura + underthesea (%d processes)' % py['processes']:<52} {py['articles']:>8} {py['articles_per_s']:>11.2f} {py['mb_per_s']:>8.3f}")
print(f"ratio: vitext is {v_aps / py['articles_per_s']:.0f}x faster")
PY
