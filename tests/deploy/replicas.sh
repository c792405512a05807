#!/usr/bin/env bash
# Live check of deploy/ on loopback: three vitext replicas behind Debian's nginx configured by
# deploy/nginx/nginx.conf, 3,000 Analyze calls through nginx (h2load), every one OK and every
# replica serving some; 600 JSON calls over HTTP/1.1, the page, and the crawler's stream as
# JSON Lines with a broken line through nginx's HTTP port; a real Prometheus started with
# deploy/prometheus/ scrapes all three
# and answers vitext series; the Python crawler example streams pages through nginx. Then the
# faults: SIGTERM to one replica under load (zero failed calls: it drains while nginx moves
# new calls to the others), and kill -9 of another (reports the calls lost, checks recovery).
# Needs: target/release/vitext, nginx, h2load (nghttp2-client), prometheus, and for the last
# step a Python with examples/python/requirements.txt ($PYTHON). .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${VITEXT_BIN:-target/release/vitext}
PY=${PYTHON:-python3}
CALLS=${CALLS:-3000}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
  exit 1
}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
  for _ in $(seq $(( $2 * 10 ))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
metric() { # metrics-port selector: the sample's value, 0 when absent
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m) == 1 {v = $2} END {print v + 0}'
}

echo "-- three replicas"
grpc=() ; mport=() ; hport=()
for i in 1 2 3; do
  g=$(free_port); m=$(free_port); h=$(free_port)
  grpc+=("$g"); mport+=("$m"); hport+=("$h")
  "$BIN" serve --addr "127.0.0.1:$g" --metrics-addr "127.0.0.1:$m" --http-addr "127.0.0.1:$h" \
    --worker-threads 1 --log-format text 2>"$work/replica-$i.log" &
  pids+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 100); do "$BIN" health --addr "http://127.0.0.1:${grpc[$i]}" >/dev/null 2>&1 && break; sleep 0.1; done
  "$BIN" health --addr "http://127.0.0.1:${grpc[$i]}" >/dev/null || fail "replica $((i + 1)) not SERVING"
done

echo "-- nginx with deploy/nginx/nginx.conf"
lb=$(free_port); lbh=$(free_port)
sed -E -e "s/server vitext-1:50051/server 127.0.0.1:${grpc[0]}/" \
       -e "s/server vitext-2:50051/server 127.0.0.1:${grpc[1]}/" \
       -e "s/server vitext-3:50051/server 127.0.0.1:${grpc[2]}/" \
       -e "s/server vitext-1:8081/server 127.0.0.1:${hport[0]}/" \
       -e "s/server vitext-2:8081/server 127.0.0.1:${hport[1]}/" \
       -e "s/server vitext-3:8081/server 127.0.0.1:${hport[2]}/" \
       -e "s/listen 8080 http2;/listen 127.0.0.1:$lb http2;/" \
       -e "s/listen 8081;/listen 127.0.0.1:$lbh;/" \
       -e "s|access_log /dev/stdout grpc;|access_log $work/access.log grpc;|" \
       deploy/nginx/nginx.conf > "$work/nginx.conf"
grep -q "127.0.0.1:${grpc[2]}" "$work/nginx.conf" && grep -q "127.0.0.1:${hport[2]}" "$work/nginx.conf" \
  || fail "nginx.conf rewrite"
nginx -p "$work" -c "$work/nginx.conf" -g "pid $work/nginx.pid; error_log $work/nginx-error.log; daemon off;" &
pids+=($!)
for _ in $(seq 50); do "$BIN" health --addr "http://127.0.0.1:$lb" >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN" health --addr "http://127.0.0.1:$lb" >/dev/null || fail "no health answer through nginx"

echo "-- $CALLS Analyze calls through nginx"
article=../shared/seeds/000_d7fa9114eecc0247.txt
[ -f "$article" ] || article=tests/fixtures/article_dump.txt
"$BIN" request-frame "$article" > "$work/request.bin"
# 24 calls in flight: below each replica's --max-in-flight (16 per worker thread), so nothing
# is shed; overload is the business of tests/overload (issue 6), not of this check.
h2load -n "$CALLS" -c 4 -m 6 -H 'content-type: application/grpc' -H 'te: trailers' \
  -d "$work/request.bin" "http://127.0.0.1:$lb/vitext.v1.TextAnalyzer/Analyze" > "$work/h2load.log" 2>&1 \
  || fail "h2load"
grep -E "finished in|requests:|time for request" "$work/h2load.log"
grep -q "requests: $CALLS total, $CALLS started, $CALLS done, $CALLS succeeded, 0 failed" "$work/h2load.log" \
  || fail "not every call got an HTTP answer"
# HTTP 200 is not gRPC OK: the replicas' own counters say how each call ended.
total=0
for i in 0 1 2; do
  ok=$(metric "${mport[$i]}" 'vitext_requests_total{rpc="Analyze",code="OK"}')
  all=$(curl -fsS "http://127.0.0.1:${mport[$i]}/metrics" | awk '/^vitext_requests_total\{rpc="Analyze"/ {s += $2} END {print s + 0}')
  echo "replica $((i + 1)): $ok Analyze OK of $all"
  [ "$ok" -gt 0 ] || fail "replica $((i + 1)) served no calls"
  if [ "$ok" -ne "$all" ]; then
    curl -fsS "http://127.0.0.1:${mport[$i]}/metrics" | grep '^vitext_requests_total' >&2
    fail "replica $((i + 1)) answered $((all - ok)) calls with an error"
  fi
  total=$((total + ok))
done
[ "$total" -eq "$CALLS" ] || fail "$total calls OK, expected $CALLS"
passed=$(grep -c 'POST /vitext.v1.TextAnalyzer/Analyze HTTP/2.0" 200 .* grpc_status=0 ' "$work/access.log" || true)
[ "$passed" -eq "$CALLS" ] || fail "nginx logged $passed Analyze calls with grpc_status 0"

echo "-- JSON over HTTP through nginx: 600 POST /v1/analyze (HTTP/1.1), the page"
"$PY" -c 'import json, sys; print(json.dumps({"id": "h", "text": open(sys.argv[1], encoding="utf-8").read()}, ensure_ascii=False))' \
  "$article" > "$work/request.json"
h2load --h1 -n 600 -c 6 -H 'content-type: application/json' -d "$work/request.json" \
  "http://127.0.0.1:$lbh/v1/analyze?stages=extract,segment,entities" > "$work/h2load-http.log" 2>&1 || fail "h2load --h1"
grep -q "status codes: 600 2xx" "$work/h2load-http.log" || { cat "$work/h2load-http.log"; fail "not every HTTP call answered 200"; }
http_ok=0
for i in 0 1 2; do
  n=$(metric "${mport[$i]}" 'vitext_requests_total{rpc="/v1/analyze",code="OK"}')
  [ "$n" -gt 0 ] || fail "replica $((i + 1)) served no HTTP calls"
  http_ok=$((http_ok + n))
done
[ "$http_ok" -eq 600 ] || fail "replicas count $http_ok OK HTTP calls, expected 600"
curl -fsS "http://127.0.0.1:$lbh/" | grep -q '<script src="/page.js">' || fail "the page through nginx"
grep -E "finished in|time for request" "$work/h2load-http.log"

echo "-- a crawler's stream of 4,000 articles (over 30 MB) through nginx"
seeds=../shared/seeds
[ -d "$seeds" ] || seeds=tests/fixtures
"$PY" - "$seeds" "$work/stream.jsonl" <<'PYEOF'
import json, pathlib, sys
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    n, size = 0, 0
    while n < 4000:
        # Each article a little different, as a crawler's are: its number in the text; short
        # pages (the fixture) grow by the next page until 4,000 of them pass 30 MB.
        t, k = texts[n % len(texts)], n + 1
        while len(t.encode()) < 7_800:
            t, k = t + "\n" + texts[k % len(texts)], k + 1
        t += f"\nBài số {n}.\n"
        out.write(json.dumps({"id": f"a{n}", "text": t}, ensure_ascii=False) + "\n")
        n, size = n + 1, size + len(t.encode())
print(f"{n} articles, {size / 1e6:.1f} MB")
PYEOF
sent=$(wc -l < "$work/stream.jsonl")
bytes=$(wc -c < "$work/stream.jsonl")
[ "$bytes" -gt 30000000 ] || fail "stream input is only $bytes bytes"
"$BIN" client --addr "http://127.0.0.1:$lb" --stages segment,entities < "$work/stream.jsonl" \
  > "$work/stream-answers.jsonl" 2> "$work/stream-client.log" || fail "vitext client exit $? on the long stream"
"$PY" - "$work/stream.jsonl" "$work/stream-answers.jsonl" <<'PYEOF' || fail "long stream answers"
import json, sys
sent = [json.loads(l)["id"] for l in open(sys.argv[1], encoding="utf-8")]
answers = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
ids = [a["id"] for a in answers]
assert len(ids) == len(set(ids)), "an article answered twice"
assert sorted(ids) == sorted(sent), f"{len(set(sent) - set(ids))} articles unanswered"
bad = [a for a in answers if "error" in a or not a.get("sentences")]
assert not bad, f"{len(bad)} failed, first: {bad[0]}"
print(f"long stream: {len(answers)} articles sent, each answered once")
PYEOF
echo "stream: $sent articles, $bytes bytes through nginx"

echo "-- the same stream as JSON Lines over HTTP through nginx, a broken line inside"
"$PY" - "$work/stream.jsonl" "$work/http-stream.jsonl" <<'PYEOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").readlines()
lines.insert(1234, '{"id": "broken", "text": \n')
open(sys.argv[2], "w", encoding="utf-8").writelines(lines)
PYEOF
curl -fsS -N -X POST --data-binary @"$work/http-stream.jsonl" --max-time 120 \
  "http://127.0.0.1:$lbh/v1/analyze/stream?stages=segment,entities" > "$work/http-stream-answers.jsonl" \
  || fail "HTTP stream through nginx (curl exit $?)"
"$PY" - "$work/stream.jsonl" "$work/http-stream-answers.jsonl" <<'PYEOF' || fail "HTTP stream answers"
import json, sys
sent = [json.loads(l)["id"] for l in open(sys.argv[1], encoding="utf-8")]
answers = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
errors = [a for a in answers if "error" in a]
assert [a["id"] for a in errors] == ["line 1235"], errors[:3]
ids = [a["id"] for a in answers if "error" not in a]
assert sorted(ids) == sorted(sent) and len(answers) == len(sent) + 1, f"{len(answers)} answers"
assert all(a.get("sentences") for a in answers if "error" not in a)
print(f"HTTP stream through nginx: {len(sent) + 1} lines, one answer each, the broken line alone refused")
PYEOF

echo "-- Prometheus with deploy/prometheus/"
pp=$(free_port)
mkdir -p "$work/prometheus"
cp -r deploy/prometheus/rules "$work/prometheus/"
sed -E -e "s/- vitext-1:9464/- 127.0.0.1:${mport[0]}/" \
       -e "s/- vitext-2:9464/- 127.0.0.1:${mport[1]}/" \
       -e "s/- vitext-3:9464/- 127.0.0.1:${mport[2]}/" \
       deploy/prometheus/prometheus.yml > "$work/prometheus/prometheus.yml"
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
  --web.listen-address="127.0.0.1:$pp" > "$work/prometheus.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$pp/-/ready" 30 || fail "Prometheus not ready"
query() { curl -fsS "http://127.0.0.1:$pp/api/v1/query" --data-urlencode "query=$1"; }
scalar() { query "$1" | "$PY" -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else -1)'; }
up=-1
for _ in $(seq 60); do
  up=$(scalar 'count(up{job="vitext"} == 1)')
  [ "$up" -eq 3 ] && break
  sleep 1
done
[ "$up" -eq 3 ] || fail "Prometheus sees $up replicas up, expected 3"
series=$(query 'vitext_build_info' | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)["data"]["result"]))')
[ "$series" -eq 3 ] || fail "vitext_build_info: $series series"
scraped=$(scalar 'sum(vitext_requests_total{job="vitext",rpc="Analyze",code="OK"})')
[ "$scraped" -eq "$CALLS" ] || fail "Prometheus counts $scraped OK Analyze calls"
echo "Prometheus: 3 replicas up, vitext_build_info x$series, $scraped Analyze calls OK"

# A crawler's answers ($2) to the pages of folder $1: one each, all analysed ($3 names it).
crawl_answered() {
  "$PY" - "$1" "$2" "$3" <<'PYEOF'
import json, pathlib, sys
pages = sorted(p.relative_to(sys.argv[1]).as_posix() for p in pathlib.Path(sys.argv[1]).rglob("*") if p.is_file())
answers = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert sorted(a["id"] for a in answers) == pages, "one answer per page"
assert all("error" not in a and a.get("sentences") and a.get("text") for a in answers), "analysed"
print(f"{sys.argv[3]}: {len(answers)} pages answered, {sum(len(a.get('entities', [])) for a in answers)} entities")
PYEOF
}

if "$PY" -c 'import grpc_tools' 2>/dev/null; then
  echo "-- Python crawler example through nginx"
  PYTHON="$PY" examples/python/generate.sh >/dev/null
  pages=../shared/seeds
  [ -d "$pages" ] || pages=tests/fixtures
  "$PY" examples/python/crawl_stream.py --addr "127.0.0.1:$lb" "$pages" --out "$work/answers.jsonl" \
    || fail "crawl_stream.py exit $?"
  crawl_answered "$pages" "$work/answers.jsonl" crawler || fail "crawler output"
else
  echo "-- Python crawler example: skipped (grpcio-tools not installed for $PY)"
fi

echo "-- the same crawl over JSON and HTTP through nginx (examples/python/http_stream.py, standard library)"
pages=../shared/seeds
[ -d "$pages" ] || pages=tests/fixtures
"$PY" examples/python/http_stream.py --url "http://127.0.0.1:$lbh" "$pages" --batch 2 --out "$work/http-answers.jsonl" \
  || fail "http_stream.py exit $?"
crawl_answered "$pages" "$work/http-answers.jsonl" "HTTP crawler" || fail "HTTP crawler output"
# Calls logged by nginx since line $1 of the access log: total and ended with grpc-status 0.
# (shed: RESOURCE_EXHAUSTED, grpc-status 8, the server protecting itself, which a client retries)
logged_since() {
  tail -n +"$(( $1 + 1 ))" "$work/access.log" | awk '
    /POST \/vitext.v1.TextAnalyzer\/Analyze/ {n++; if ($0 ~ /" 200 .* grpc_status=0 /) ok++; if ($0 ~ /" 200 .* grpc_status=8 /) shed++}
    END {print n + 0, ok + 0, shed + 0}'
}
load_in_background() { # calls name; sets $loader (a child of this shell, so it can be waited for)
  h2load -n "$1" -c 4 -m 6 -H 'content-type: application/grpc' -H 'te: trailers' \
    -d "$work/request.bin" "http://127.0.0.1:$lb/vitext.v1.TextAnalyzer/Analyze" > "$work/h2load-$2.log" 2>&1 &
  loader=$!
}

echo "-- drain: SIGTERM to replica 1 while $CALLS calls run through nginx"
before=$(wc -l < "$work/access.log")
load_in_background "$CALLS" drain
sleep 1.5
t0=$(date +%s%N)
kill -TERM "${pids[0]}"
wait "${pids[0]}" && drained=0 || drained=$?
drain_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$loader" || fail "h2load during the drain"
read -r n ok shed < <(logged_since "$before")
grep -E "requests:" "$work/h2load-drain.log"
echo "replica 1 exited with $drained after ${drain_ms} ms; nginx logged $n calls, $ok OK"
[ "$drained" -eq 0 ] || fail "replica 1 exit status $drained after SIGTERM"
grep -q "requests: $CALLS total, $CALLS started, $CALLS done, $CALLS succeeded, 0 failed" "$work/h2load-drain.log" \
  || fail "calls failed while a replica drained"
[ "$n" -eq "$CALLS" ] && [ "$ok" -eq "$CALLS" ] || fail "$ok of $CALLS calls OK while a replica drained"

echo "-- replica 1 replaced (as an orchestrator would), on the same ports"
"$BIN" serve --addr "127.0.0.1:${grpc[0]}" --metrics-addr "127.0.0.1:${mport[0]}" --http-addr "127.0.0.1:${hport[0]}" --worker-threads 1 \
  --log-format text 2>>"$work/replica-1.log" &
pids[0]=$!
for _ in $(seq 100); do "$BIN" health --addr "http://127.0.0.1:${grpc[0]}" >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN" health --addr "http://127.0.0.1:${grpc[0]}" >/dev/null || fail "new replica 1 not SERVING"
# nginx took replica 1 out for fail_timeout (5 s) when its port refused during the drain.
sleep 6

echo "-- kill -9 of replica 2 while $CALLS calls run through nginx"
before=$(wc -l < "$work/access.log")
load_in_background "$CALLS" kill
sleep 1.5
kill -KILL "${pids[1]}"
wait "$loader" || true
read -r n ok shed < <(logged_since "$before")
lost=$(( CALLS - ok - shed ))
echo "kill -9: $lost of $CALLS calls failed (those in flight on the killed replica); $ok OK, $shed shed"
bad_tail=$(tail -n 500 "$work/access.log" | grep -vcE '" 200 .* grpc_status=(0|8) ' || true)
[ "$bad_tail" -eq 0 ] || fail "$bad_tail of the last 500 calls after kill -9 failed: no recovery"
[ "$lost" -le 100 ] || fail "kill -9 lost $lost calls, more than one replica's in-flight work"
"$BIN" health --addr "http://127.0.0.1:$lb" >/dev/null || fail "no health answer through nginx after kill -9"
echo "replica checks passed"
