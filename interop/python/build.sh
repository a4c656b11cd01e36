#!/usr/bin/env bash
# Generates the Python RouteGuide peer's stubs from protos/route_guide.proto (see docs/interop.md):
#   interop/python/build.sh OUT     writes OUT/route_guide_pb2.py and OUT/route_guide_pb2_grpc.py
# Run the peer with PYTHONPATH=OUT and Debian's interpreter, /usr/bin/python3, which has the
# python3-grpcio and python3-grpc-tools modules (a python3 earlier on the PATH may not).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
protos=$(cd "$here/../../protos" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
rm -f "$out"/route_guide_pb2*.py
/usr/bin/python3 -m grpc_tools.protoc -I "$protos" --python_out="$out" --grpc_python_out="$out" route_guide.proto
