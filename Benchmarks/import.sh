#!/usr/bin/env bash
# Import benchmark: wall time and peak memory of `toolgate import` (release build) on the corpus'
# largest documents, next to FastMCP's OpenAPI import of the same documents where it can read them.
# Each figure is the median of RUNS runs; every run's tool count is checked before it counts.
# Usage: Benchmarks/import.sh [RUNS]   (needs ../shared/specs-corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
corpus=../shared/specs-corpus
[ -d "$corpus" ] || { echo "error: $corpus is absent" >&2; exit 1; }

swift build -c release --product toolgate >&2
bin=$(swift build -c release --show-bin-path)/toolgate

venv=.venv-bench
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import fastmcp" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "fastmcp==4.2.3" "PyYAML==6.0.3" >&2 || echo "warning: fastmcp could not be installed; its column stays empty" >&2
fi

documents=(
    "github-api.github.com-2022-07-v3.0.yaml:873"
    "kubernetes-v1.32-swagger2.0.json:947"
    "stripe-spec3-2023-05-30-v3.0.yaml:452"
    "openai-openapi-v3.1.yaml:288"
    "digitalocean-v2-multifile/DigitalOcean-public.v2.yaml:659"
)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "%-58s %6s %11s %10s %11s %10s %8s\n" "document" "tools" "toolgate s" "peak MB" "fastmcp s" "peak MB" "speedup"
for entry in "${documents[@]}"; do
    name=${entry%%:*}
    expected=${entry##*:}
    times=(); memory=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -o /tmp/toolgate-bench.time -f "%e %M" "$bin" import --format summary "$corpus/$name" > /tmp/toolgate-bench.out
        out=$(tail -1 /tmp/toolgate-bench.time)
        tools=$(python3 -c "import json; print(json.load(open('/tmp/toolgate-bench.out'))['tools'])")
        [ "$tools" = "$expected" ] || { echo "error: $name gave $tools tools, expected $expected" >&2; exit 1; }
        times+=("${out% *}"); memory+=("${out#* }")
    done
    t=$(printf "%s\n" "${times[@]}" | median)
    m=$(printf "%s\n" "${memory[@]}" | median)
    ft="-"; fm="-"; ratio="-"
    if "$venv/bin/python" -c "import fastmcp" 2>/dev/null; then
        ftimes=(); fmemory=()
        for _ in $(seq "$runs"); do
            if /usr/bin/time -o /tmp/fastmcp-bench.time -f "%e %M" timeout 600 "$venv/bin/python" Benchmarks/fastmcp_import.py "$corpus/$name" > /tmp/fastmcp-bench.out 2> /dev/null \
                && [ "$(cat /tmp/fastmcp-bench.out)" -gt 0 ] 2> /dev/null; then
                out=$(tail -1 /tmp/fastmcp-bench.time)
                ftimes+=("${out% *}"); fmemory+=("${out#* }")
            fi
        done
        if [ ${#ftimes[@]} -gt 0 ]; then
            ft=$(printf "%s\n" "${ftimes[@]}" | median)
            fm=$(printf "%s\n" "${fmemory[@]}" | median)
            fm=$(awk -v k="$fm" 'BEGIN {printf "%.0f", k/1024}')
            ratio=$(awk -v a="$ft" -v b="$t" 'BEGIN {printf "%.1fx", a/b}')
        else
            ft="fails"
        fi
    fi
    printf "%-58s %6s %11s %10s %11s %10s %8s\n" "$name" "$expected" "$t" "$(awk -v k="$m" 'BEGIN {printf "%.0f", k/1024}')" "$ft" "$fm" "$ratio"
done
