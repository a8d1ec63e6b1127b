#!/usr/bin/env bash
# Bridge benchmark: `toolgate bridge` vs mcp-proxy 0.13.0 in front of the same fast stdio MCP
# server, with wrk, in one run. Usage: Benchmarks/bridge.sh [RUNS] [SECONDS] [CONNECTIONS, comma-separated: 4,32]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >&2
fi
swift build -c release --product toolgate >&2
python=$(scripts/python-env Tests/interop/requirements-mcp1.txt .venv-interop1)
python3 Benchmarks/bridge/run.py --toolgate "$(swift build -c release --show-bin-path)/toolgate" \
    --mcp-proxy "$(dirname "$python")/mcp-proxy" --runs "${1:-3}" --duration "${2:-10}" --connections "${3:-4,32}"
