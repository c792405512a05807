#!/usr/bin/env python3
"""A crawler's client: streams a folder of saved pages through AnalyzeStream and writes one
JSON line per page (the shape `vitext analyze --jsonl` prints, plus nothing else).

    python3 -m pip install -r examples/python/requirements.txt && examples/python/generate.sh
    python3 examples/python/crawl_stream.py --addr 127.0.0.1:50051 PAGES_DIR > answers.jsonl

Pages are sent as raw bytes with a content type from the file name (.html/.htm: text/html,
anything else: text/plain), so the server detects the charset. The id of each answer is the
page's path relative to PAGES_DIR. If the stream breaks (a replica drained or died behind the
balancer), the pages not yet answered go again on a new stream, up to --retries times.
Exit status: 0 all pages analysed, 2 some pages were refused (their answers carry "error"),
1 the server could not be reached or the stream kept failing.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import grpc
from google.protobuf import json_format

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    from vitext.v1 import text_analyzer_pb2 as pb
    from vitext.v1 import text_analyzer_pb2_grpc as pb_grpc
except ImportError:
    sys.exit("generated code missing: run examples/python/generate.sh first")

STAGES = {"extract": pb.STAGE_EXTRACT, "segment": pb.STAGE_SEGMENT, "entities": pb.STAGE_ENTITIES}
# Stream failures worth a new stream: the balancer or replica went away, or it was full.
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED,
             grpc.StatusCode.ABORTED, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}


def pages(folder):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        kind = "text/html" if path.suffix.lower() in (".html", ".htm") else "text/plain"
        yield path.relative_to(folder).as_posix(), path, kind


def request(page_id, path, kind, stages):
    document = pb.Document(id=page_id, raw=path.read_bytes(), content_type=kind)
    return pb.AnalyzeStreamRequest(request=pb.AnalyzeRequest(document=document, stages=stages))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--addr", default="127.0.0.1:50051", help="host:port of vitext or its balancer")
    ap.add_argument("--stages", default="extract,segment,entities",
                    help="comma-separated: extract,segment,entities (default: all three)")
    ap.add_argument("--out", type=Path, help="JSON Lines output (default: stdout)")
    ap.add_argument("--retries", type=int, default=3, help="new streams after a broken one")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds for one whole stream")
    args = ap.parse_args()

    stages = [STAGES[s.strip()] for s in args.stages.split(",") if s.strip()]
    todo = {pid: (path, kind) for pid, path, kind in pages(args.folder)}
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    options = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 16 << 20)]
    refused = 0
    attempt = 0
    with grpc.insecure_channel(args.addr, options=options) as channel:
        stub = pb_grpc.TextAnalyzerStub(channel)
        while todo:
            sending = list(todo.items())
            try:
                answers = stub.AnalyzeStream(
                    (request(pid, path, kind, stages) for pid, (path, kind) in sending),
                    timeout=args.timeout, wait_for_ready=True)
                for msg in answers:
                    r = msg.response
                    if r.id not in todo:
                        continue
                    del todo[r.id]
                    if r.HasField("error"):
                        refused += 1
                        print(f"{r.id}: {r.error.status} {r.error.message}", file=sys.stderr)
                    out.write(json.dumps(json_format.MessageToDict(r), ensure_ascii=False) + "\n")
                if todo:
                    raise RuntimeError(f"stream ended with {len(todo)} page(s) unanswered")
            except (grpc.RpcError, RuntimeError) as e:
                code = e.code() if isinstance(e, grpc.RpcError) else grpc.StatusCode.UNAVAILABLE
                attempt += 1
                if code not in RETRYABLE or attempt > args.retries:
                    detail = e.details() if isinstance(e, grpc.RpcError) else str(e)
                    print(f"stream failed ({code.name}: {detail}); {len(todo)} page(s) unanswered",
                          file=sys.stderr)
                    return 1
                print(f"stream broke ({code.name}); resending {len(todo)} page(s)", file=sys.stderr)
                time.sleep(min(2.0, 0.1 * 2 ** attempt))
    out.flush()
    return 2 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
