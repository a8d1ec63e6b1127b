#!/usr/bin/env bash
# Tool-call benchmark: Toolgate (release build) vs nginx proxy_pass, two Swift references and FastMCP on one OpenAPI
# operation, with wrk on 127.0.0.1, in one run. Installs wrk and nginx (Debian) when missing.
# Usage: Benchmarks/toolcall.sh [RUNS] [SECONDS] [CONNECTIONS]
# TOOLGATE_BASELINE=/path/to/an/earlier/toolgate adds that build's rows to the same run (before/after).
# TOOLGATE_BENCH_SKIP=fastmcp,references,identity,audit leaves those out (a quicker before/after run);
# identity is toolgate again with an API key and a request limit on (the policies' cost); audit with
# the audit trail on (SQLite, payloads kept and redacted).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; seconds=${2:-10}; connections=${3:-32}

source Benchmarks/load-tools.sh
swift build -c release --product toolgate >&2
bin=$(swift build -c release --show-bin-path)/toolgate
skip=${TOOLGATE_BENCH_SKIP:-}
# The Swift references (a forwarding-only SwiftNIO proxy; the fused MCP bound): Benchmarks/References.
if [[ ",$skip," != *",references,"* ]]; then
    swift build -c release --product BenchmarkReferences >&2
fi
references=$(swift build -c release --show-bin-path)/BenchmarkReferences

venv=.venv-bench
if [[ ",$skip," != *",fastmcp,"* ]] && { [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import fastmcp, yaml" 2>/dev/null; }; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "fastmcp==4.2.3" "PyYAML==6.0.3" >&2
fi
ulimit -n 65536 2>/dev/null || true
peers=()
[[ ",$skip," == *",references,"* ]] || peers+=(--references "$references")
[[ ",$skip," == *",fastmcp,"* ]] || peers+=(--fastmcp-python "$venv/bin/python")
[ -z "${TOOLGATE_BASELINE:-}" ] || peers+=(--toolgate-baseline "$TOOLGATE_BASELINE")
[[ ",$skip," == *",identity,"* ]] || peers+=(--identity)
[[ ",$skip," == *",audit,"* ]] || peers+=(--audit)
python3 Benchmarks/toolcall/run.py --toolgate "$bin" "${peers[@]}" --runs "$runs" --duration "$seconds" --connections "$connections"
