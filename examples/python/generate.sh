#!/usr/bin/env bash
# Generates the Python client (vitext/v1/text_analyzer_pb2*.py) from proto/ with grpcio-tools:
#   python3 -m pip install -r examples/python/requirements.txt
#   examples/python/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
"$python" -m grpc_tools.protoc -I "$here/../../proto" \
  --python_out="$here" --grpc_python_out="$here" --pyi_out="$here" \
  vitext/v1/text_analyzer.proto
touch "$here/vitext/__init__.py" "$here/vitext/v1/__init__.py"
echo "generated $here/vitext/v1/"
