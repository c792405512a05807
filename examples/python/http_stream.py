#!/usr/bin/env python3
"""The crawler's path without gRPC: streams a folder of saved pages through
POST /v1/analyze/stream with nothing but the standard library, and writes one JSON line per page
(the shape `vitext analyze --jsonl` prints).

    python3 examples/python/http_stream.py --url http://127.0.0.1:8081 PAGES_DIR --out answers.jsonl

Each page goes as raw bytes (base64 in the proto3 JSON of an AnalyzeRequest) with a content
type from its file name, so the server detects HTML and the charset; the id of each answer is
the page's path relative to PAGES_DIR. http.client sends a whole body before it reads the
answers, so pages go in batches (--batch, 500 by default: well inside what the server reads
ahead for such a client). A batch that fails (the balancer or a replica went away, 429 or 503)
is sent again after a pause, without the pages already answered, up to --retries times.
Exit status: 0 all pages analysed, 2 some pages were refused (their answers carry "error"),
1 the server could not be reached or kept failing.
"""
import argparse
import base64
import http.client
import json
import sys
import time
import urllib.parse
from pathlib import Path


def pages(folder):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        kind = "text/html" if path.suffix.lower() in (".html", ".htm") else "text/plain"
        yield path.relative_to(folder).as_posix(), path, kind


def request_line(page_id, path, kind, stages):
    document = {"id": page_id, "raw": base64.b64encode(path.read_bytes()).decode(), "contentType": kind}
    return json.dumps({"document": document, "stages": stages}, ensure_ascii=False) + "\n"


def send_batch(url, lines, token, timeout):
    """The answer lines of one batch, by id; raises on a failed call (to be retried)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    headers = {"content-type": "application/x-ndjson"}
    if token:
        headers["authorization"] = "Bearer " + token
    try:
        conn.request("POST", (u.path.rstrip("/") or "") + "/v1/analyze/stream",
                     body="".join(lines).encode(), headers=headers)
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {response.read()[:200]!r}",
                               response.getheader("retry-after"))
        answers = {}
        for raw in response:
            if raw.strip():
                line = raw.decode("utf-8").rstrip("\n")
                answers[json.loads(line).get("id", "")] = line
        return answers
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--url", default="http://127.0.0.1:8081")
    ap.add_argument("--out", type=Path, help="answers file (default: stdout)")
    ap.add_argument("--stages", default="extract,segment,entities")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--retries", type=int, default=3)
    ap.add_argument("--token", default="", help="bearer token, if the server asks for one")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    stages = ["STAGE_" + s.strip().upper() for s in args.stages.split(",") if s.strip()]
    todo = list(pages(args.folder))
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    refused = 0
    for start in range(0, len(todo), args.batch):
        batch = {pid: (path, kind) for pid, path, kind in todo[start:start + args.batch]}
        for attempt in range(args.retries + 1):
            lines = [request_line(pid, path, kind, stages) for pid, (path, kind) in batch.items()]
            try:
                answers = send_batch(args.url, lines, args.token, args.timeout)
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                wait = e.args[1] if isinstance(e, RuntimeError) and e.args[1:] and e.args[1] else 2 ** attempt
                print(f"batch at {start}: {e.args[0] if e.args else e}; again in {wait} s", file=sys.stderr)
                time.sleep(float(wait))
                continue
            for pid in list(batch):
                if pid in answers:
                    # The server's line as it came: the bytes `vitext analyze --jsonl` prints.
                    refused += '"error":{' in answers[pid]
                    out.write(answers[pid] + "\n")
                    del batch[pid]
            if not batch:
                break
        if batch:
            print(f"{len(batch)} pages never answered, first: {next(iter(batch))}", file=sys.stderr)
            return 1
    out.flush()
    print(f"{len(todo)} pages answered, {refused} refused", file=sys.stderr)
    return 2 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
