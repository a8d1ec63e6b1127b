"""Bridge benchmark: the same microsecond-fast stdio MCP server (echo_server.py) shared over
streamable HTTP by `toolgate bridge` and by mcp-proxy 0.13.0, loaded with wrk (tools/call in one
session, each call with its own id) in one run. Every answer is checked.
Each bridge is measured at every connection count given (closed loop: fewer connections is a
lighter load), so throughput and p99 can be compared at the same load.
Usage: run.py --toolgate BIN --mcp-proxy BIN [--runs 3] [--duration 10] [--connections 4,32]"""
import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "toolcall"))
from run import free_port, open_session, post, rss_mb, stop, wait_port, wrk  # noqa: E402

CALL = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "pong-4242"}}}


def measure(name, process, url, args, workdir, connections):
    headers = open_session(url, "2025-06-18")
    _, text = post(url, CALL, headers)
    assert "pong-4242" in text, f"wrong answer from {name}: {text[:200]}"
    wrk(url, 2, connections, CALL, headers, workdir, expect="pong-4242")
    runs = [wrk(url, args.duration, connections, CALL, headers, workdir, expect="pong-4242") for _ in range(args.runs)]
    return {"name": name, "c": connections, "rps": statistics.median(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs), "bad": int(sum(r["errors"] + r["wrong"] for r in runs)),
            "peak": rss_mb([process.pid], "VmHWM")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--toolgate", required=True)
    parser.add_argument("--mcp-proxy", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="4,32", help="comma-separated connection counts")
    args = parser.parse_args()
    levels = [int(c) for c in args.connections.split(",")]
    child = [sys.executable, str(HERE / "echo_server.py")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        for name, command, path in (
            ("toolgate bridge", lambda port: [args.toolgate, "bridge", "--port", str(port), "--log-level", "error", "--", *child], "/mcp"),
            ("mcp-proxy 0.13.0", lambda port: [args.mcp_proxy, "--host", "127.0.0.1", "--port", str(port), *child], "/mcp"),
        ):
            for connections in levels:
                port = free_port()
                process = subprocess.Popen(command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait_port(port, process)
                    results.append(measure(name, process, f"http://127.0.0.1:{port}{path}", args, workdir, connections))
                finally:
                    stop(process)
    print(f"\nwrk -t1 -d{args.duration}s, tools/call in one session, median of {args.runs} runs, a fresh bridge per row")
    print(f"{'bridge':20} {'conns':>5} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bad':>5} {'peak MB':>8}")
    for r in results:
        print(f"{r['name']:20} {r['c']:5d} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['bad']:5d} {r['peak']:8.1f}")
    best_theirs = max(r["rps"] for r in results if r["name"] != "toolgate bridge")
    print()
    for ours, theirs in zip([r for r in results if r["name"] == "toolgate bridge"], [r for r in results if r["name"] != "toolgate bridge"]):
        print(f"{ours['c']:3d} connections: toolgate bridge {ours['rps'] / theirs['rps']:.1f}x mcp-proxy's throughput at the same load "
              f"({ours['rps'] / best_theirs:.1f}x its best), p99 {ours['p99']:.2f} ms vs {theirs['p99']:.2f} ms")
    if any(r["bad"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
