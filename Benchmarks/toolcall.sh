#!/usr/bin/env bash
# Tool-call benchmark: Toolgate (release build) vs nginx proxy_pass, two Swift references and FastMCP on one OpenAPI
# operation, with wrk on 127.0.0.1, in one run. Installs wrk and nginx (Debian) when missing.
# Usage: Benchmarks/toolcall.sh [RUNS] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; seconds=${2:-10}; connections=${3:-32}

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk nginx-light >&2
fi
swift build -c release --product toolgate >&2
bin=$(swift build -c release --show-bin-path)/toolgate
# The Swift references (a forwarding-only SwiftNIO proxy; the fused MCP bound): Benchmarks/References.
swift build -c release --product BenchmarkReferences >&2
references=$(swift build -c release --show-bin-path)/BenchmarkReferences

venv=.venv-bench
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import fastmcp, yaml" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "fastmcp==4.2.3" "PyYAML==6.0.3" >&2
fi
ulimit -n 65536 2>/dev/null || true
python3 Benchmarks/toolcall/run.py --toolgate "$bin" --references "$references" --fastmcp-python "$venv/bin/python" \
    --runs "$runs" --duration "$seconds" --connections "$connections"
