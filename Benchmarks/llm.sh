#!/usr/bin/env bash
# Model-call benchmark: Toolgate (release build) vs LiteLLM's proxy in front of the same fake
# provider, with nginx proxy_pass and the SwiftNIO forwarding reference, whole and streamed
# answers, plus 9,900 streams held open (two descriptors each; the hard limit here is 20,000), with wrk on
# 127.0.0.1, in one run.
# Installs wrk and nginx (Debian) when missing; LiteLLM into .venv-bench-llm.
# Usage: Benchmarks/llm.sh [RUNS] [SECONDS] [CONNECTIONS]
# TOOLGATE_BENCH_SKIP=litellm,references,streams,audit leaves those out (a quicker run); audit is Toolgate
# again with the audit trail on (payloads kept), journaled before the answer and queued.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; seconds=${2:-10}; connections=${3:-32}

source Benchmarks/load-tools.sh
skip=${TOOLGATE_BENCH_SKIP:-}
swift build -c release --product toolgate >&2
swift build -c release --product toolgate-fake-llm >&2
[[ ",$skip," == *",references,"* ]] || swift build -c release --product BenchmarkReferences >&2
bin=$(swift build -c release --show-bin-path)
peers=()
[[ ",$skip," == *",references,"* ]] || peers+=(--references "$bin/BenchmarkReferences")
if [[ ",$skip," != *",litellm,"* ]]; then
    venv=.venv-bench-llm
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import litellm.proxy.proxy_server" 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet --disable-pip-version-check "litellm[proxy]==1.108.7" >&2
    fi
    peers+=(--litellm-python "$venv/bin/python")
fi
[[ ",$skip," != *",streams,"* ]] || peers+=(--streams 0)
[[ ",$skip," == *",audit,"* ]] || peers+=(--audit)
ulimit -n 65536 2>/dev/null || true
python3 Benchmarks/llm/run.py --toolgate "$bin/toolgate" --fake "$bin/toolgate-fake-llm" "${peers[@]}" --runs "$runs" --duration "$seconds" --connections "$connections"
