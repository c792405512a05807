#!/usr/bin/env python3
"""Consistency checks across deploy/: what the linters cannot see because it spans files.

Run from the repository root: python3 tests/deploy/check_files.py (needs PyYAML).
"""
import fnmatch
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def load(path):
    return yaml.safe_load((DEPLOY / path).read_text())


def load_all(path):
    return [d for d in yaml.safe_load_all((DEPLOY / path).read_text()) if d]


# --- Prometheus rules: the Operator's copy matches the file promtool checks ------------------
rules = load("prometheus/rules/vitext.yml")
prom_rule = load("k8s/monitoring/prometheusrule.yaml")
check(prom_rule["kind"] == "PrometheusRule", "prometheusrule.yaml: kind")
check(prom_rule["spec"]["groups"] == rules["groups"],
      "k8s/monitoring/prometheusrule.yaml groups differ from prometheus/rules/vitext.yml")
recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
for g in rules["groups"]:
    for r in g["rules"]:
        for name in re.findall(r"vitext:[a-z0-9_:]+", r["expr"]):
            check(name in recorded, f"rule uses unrecorded {name}")

# --- Grafana: JSON, every query names a datasource, recording rules exist ----------------------
dash = json.loads((DEPLOY / "grafana/vitext-dashboard.json").read_text())
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
check(len(exprs) >= 10, "dashboard has fewer than 10 queries")
for p in dash["panels"]:
    check(p.get("datasource", {}).get("uid") == "${datasource}", f"panel {p['title']!r}: datasource")
for e in exprs:
    for name in re.findall(r"vitext:[a-z0-9_:]+", e):
        check(name in recorded, f"dashboard uses {name}, which no rule records")

# --- Compose, nginx, Prometheus agree on the replicas -----------------------------------------
compose = load("compose.yaml")
services = compose["services"]
replicas = sorted(s for s in services if re.fullmatch(r"vitext-\d+", s))
check(len(replicas) == 3, f"compose: 3 replicas expected, got {replicas}")
for name in ("nginx", "prometheus"):
    check(name in services, f"compose: no {name} service")
for name, svc in services.items():
    for vol in svc.get("volumes", []):
        host = vol.split(":")[0]
        if host.startswith("."):
            check((DEPLOY / host).exists(), f"compose {name}: mounts missing {host}")
    build = svc.get("build")
    if build:
        context = (DEPLOY / build["context"]).resolve()
        check((context / build["dockerfile"]).is_file(), f"compose {name}: no Dockerfile")
nginx = (DEPLOY / "nginx/nginx.conf").read_text()
upstream = re.search(r"upstream vitext \{(.*?)\n    \}", nginx, re.S).group(1)
servers = sorted(re.findall(r"^\s*server ([\w.-]+):50051", upstream, re.M))
check(servers == replicas, f"nginx upstream {servers} != compose replicas {replicas}")
for name in ("vitext_http", "vitext_http_h2c"):
    http_upstream = re.search(r"upstream " + name + r" \{(.*?)\n    \}", nginx, re.S).group(1)
    http_servers = sorted(re.findall(r"^\s*server ([\w.-]+):8081", http_upstream, re.M))
    check(http_servers == replicas, f"nginx {name} upstream {http_servers} != compose replicas {replicas}")
check(compose["x-vitext"]["environment"].get("VITEXT_HTTP_ADDR", "").endswith(":8081")
      and "8081" in compose["x-vitext"]["expose"], "compose replicas serve HTTP on 8081")
prom = load("prometheus/prometheus.yml")
targets = sorted(t for sc in prom["scrape_configs"] if sc["job_name"] == "vitext"
                 for st in sc["static_configs"] for t in st["targets"])
check(targets == [f"{r}:9464" for r in replicas], f"prometheus targets {targets}")

# --- Timings line up: drain < grace period; balancer retires connections before the server ---
docs = {d["kind"]: d for folder in ("k8s", "k8s/monitoring")
        for f in sorted((DEPLOY / folder).glob("*.yaml")) if f.name != "kustomization.yaml"
        for d in load_all(f"{folder}/{f.name}")}
for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
             "PodMonitor", "PrometheusRule"):
    check(kind in docs, f"k8s: no {kind}")
pod = docs["Deployment"]["spec"]["template"]["spec"]
container = pod["containers"][0]
env = {e["name"]: e.get("value") for e in container["env"]}
drain = int(env["VITEXT_DRAIN_SECONDS"])
pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
check(pre_stop + drain < pod["terminationGracePeriodSeconds"],
      "terminationGracePeriodSeconds must exceed preStop + drain")
check(container["readinessProbe"]["grpc"].get("service") == "vitext.v1.TextAnalyzer",
      "readiness must ask the TextAnalyzer service (NOT_SERVING while draining)")
keepalive_time = int(re.search(r"keepalive_time (\d+)s;", nginx).group(1))
check(keepalive_time < int(env["VITEXT_MAX_CONNECTION_AGE_SECONDS"]),
      "nginx keepalive_time must be below the server's max connection age")
stop_grace = int(compose["x-vitext"]["stop_grace_period"].rstrip("s"))
check(int(compose["x-vitext"]["environment"]["VITEXT_DRAIN_SECONDS"]) < stop_grace,
      "compose stop_grace_period must exceed the drain")
threads = int(env["VITEXT_WORKER_THREADS"])
check(threads == int(container["resources"]["limits"]["cpu"]), "one worker thread per CPU of the limit")
check(docs["PodMonitor"]["spec"]["jobLabel"] == "app.kubernetes.io/name"
      and pod is not None and docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
      ["app.kubernetes.io/name"] == "vitext", "PodMonitor must give job=\"vitext\" (the rules use it)")
ports = {p["name"]: p["containerPort"] for p in container["ports"]}
check(env.get("VITEXT_HTTP_ADDR", "").endswith(f':{ports.get("http")}'), "k8s: HTTP port and VITEXT_HTTP_ADDR agree")
service = next(d for d in load_all("k8s/service.yaml") if d["metadata"]["name"] == "vitext")
service_ports = {p["name"]: p["targetPort"] for p in service["spec"]["ports"]}
check(service_ports.get("http") == "http", "k8s Service exposes the HTTP port")
check(docs["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["port"] in ports, "PodMonitor port")
for folder, extra in (("k8s", set()), ("k8s/monitoring", {".."})):
    listed = set(load(f"{folder}/kustomization.yaml")["resources"])
    present = {f.name for f in (DEPLOY / folder).glob("*.yaml")} - {"kustomization.yaml"}
    check(listed == present | extra, f"{folder}: kustomization lists {sorted(listed)}, folder has {sorted(present)}")
# The base applies on any cluster: no Operator kinds in it.
base_kinds = {d["kind"] for f in (DEPLOY / "k8s").glob("*.yaml") if f.name != "kustomization.yaml"
              for d in load_all(f"k8s/{f.name}")}
check(not base_kinds & {"PodMonitor", "PrometheusRule"}, "deploy/k8s must apply without the Operator")

# --- Dockerfile: what it copies exists and is not excluded by .dockerignore -------------------
dockerfile = (DEPLOY / "Dockerfile").read_text()
ignored = [l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines()
           if l.strip() and not l.startswith("#")]
build_stage = dockerfile.split("\nFROM ")[1]
for line in build_stage.splitlines():
    if line.startswith("COPY ") and "--from" not in line:
        for src in line.split()[1:-1]:
            check((ROOT / src).exists(), f"Dockerfile copies missing {src}")
            check(not any(fnmatch.fnmatch(src, pat) for pat in ignored), f".dockerignore excludes {src}")
check(re.search(r"^USER (\d+)", dockerfile, re.M) and not re.search(r"^USER 0\b", dockerfile, re.M),
      "Dockerfile: numeric non-root USER")
check('"health"' in dockerfile.split("HEALTHCHECK", 1)[1].split("\n")[1], "HEALTHCHECK uses vitext health")

if failures:
    print("deploy checks failed:")
    for f in failures:
        print("  -", f)
    sys.exit(1)
print(f"deploy checks: ok ({len(exprs)} dashboard queries, {len(recorded)} recording rules, "
      f"{len(docs)} k8s kinds, {len(replicas)} replicas)")
