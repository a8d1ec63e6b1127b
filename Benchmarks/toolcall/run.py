"""Tool-call benchmark: MCP tools/call of one OpenAPI operation through Toolgate, next to nginx
proxy_pass to the same upstream (one forwarding hop, the physical limit here), two Swift
references (Benchmarks/References: a forwarding-only SwiftNIO proxy, what a Swift program reaches
with no MCP work at all, and the least work an MCP tool call needs fused on NIO, the bound for any
design of the request path) and FastMCP's OpenAPI server on the same document, all measured in one
run with wrk on 127.0.0.1.

Every answer is checked (status 200 and the upstream's pet in the body) before a run counts.
Figures are medians of --runs runs; Toolgate's variants serve side by side and are measured in
turn, round by round, and a ratio between two of them is the median of its per-round ratios.
Usage: run.py --toolgate BIN [--references BIN] --fastmcp-python PY [--runs 3] [--duration 10] [--connections 32]"""
import argparse
import itertools
import json
import os
import pathlib
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
SPEC = HERE / "bench-api.yaml"
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
CALL = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "getPet", "arguments": {"petId": 1}}}
ACCEPT = "application/json, text/event-stream"
BENCH_KEY = "sk-bench-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def rss_mb(pids, field):
    total = 0
    for pid in pids:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                total += int(line.split()[1])
    return total / 1024


def children(pid):
    try:
        return [int(p) for p in pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def nginx(workdir, name, body):
    conf = workdir / f"{name}.conf"
    port = free_port()
    conf.write_text(f"""worker_processes 1;
pid {workdir}/{name}.pid;
error_log {workdir}/{name}.error.log;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  {body.replace("PORT", str(port))}
}}
""")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"])
    wait_port(port, process)
    return process, port


def post(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    for name, value in {"Content-Type": "application/json", "Accept": ACCEPT, **headers}.items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers), response.read().decode()


def open_session(url, version="2025-11-25", auth=None):
    """initialize + initialized; returns the headers a session's calls carry."""
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
    headers, _ = post(url, init, auth or {})
    lowered = {k.lower(): v for k, v in headers.items()}
    session = {"Mcp-Session-Id": lowered["mcp-session-id"], "MCP-Protocol-Version": version, **(auth or {})}
    post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    return session


def request_for(mode, url, auth=None):
    """(body, headers) of one tools/call in this mode (with `auth` headers); checks the answer once before any load."""
    if mode == "session":
        body, headers = CALL, open_session(url, auth=auth)
    else:
        body = {**CALL, "params": {**CALL["params"], "_meta": ENVELOPE}}
        headers = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "getPet", **(auth or {})}
    _, text = post(url, body, headers)
    if '"Rex"' not in text.replace('\\"', '"') or '"isError":true' in text:
        raise RuntimeError(f"wrong answer from {url}: {text[:300]}")
    return body, headers


def wrk_command(url, duration, connections, body=None, headers=None, workdir=None, expect="Rex", delay_ms=None):
    """wrk's command line and environment (check.lua reads the body, headers, expected text and pause from it)."""
    env = dict(os.environ, EXPECT=expect)
    if delay_ms:
        env["DELAY_MS"] = str(delay_ms)
    if body is not None:
        body_file = workdir / "body.json"
        body_file.write_text(json.dumps(body, separators=(",", ":")))
        env["BODY_FILE"] = str(body_file)
        env["HEADERS"] = "|".join(f"{k}: {v}" for k, v in headers.items())
    return ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(HERE / "check.lua"), url], env


def wrk_result(out):
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    return {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}


def wrk(url, duration, connections, body=None, headers=None, workdir=None, expect="Rex", delay_ms=None):
    command, env = wrk_command(url, duration, connections, body, headers, workdir, expect, delay_ms)
    return wrk_result(subprocess.run(command, capture_output=True, text=True, env=env, timeout=duration + 60).stdout)


def measure(name, url, pids, args, workdir, mode=None, auth=None):
    body = headers = None
    if mode:
        body, headers = request_for(mode, url, auth)
    wrk(url, 2, args.connections, body, headers, workdir)  # warm-up (connections, pools, JIT-less caches)
    runs = [wrk(url, args.duration, args.connections, body, headers, workdir) for _ in range(args.runs)]
    light = wrk(url, max(3, args.duration // 2), 1, body, headers, workdir)
    bad = sum(r["errors"] + r["wrong"] for r in runs)
    return {"name": name, "rps": statistics.median(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs), "bad": int(bad), "requests": int(sum(r["requests"] for r in runs)),
            "light_p50": light["p50"], "peak_mb": rss_mb(pids, "VmHWM"), "spread": (min(r["rps"] for r in runs), max(r["rps"] for r in runs))}


def rounds_in_turn(count, runs, one):
    """`one(index)` (one wrk run against target `index`) for `count` targets served side by side:
    `runs` rounds that visit every target, starting one later each round, so the machine's drift
    touches all alike. Each target's results, in order."""
    results = [[] for _ in range(count)]
    for round_index in range(runs):
        for offset in range(count):
            index = (round_index + offset) % count
            results[index].append(one(index))
    return results


def in_turn_summary(target_runs):
    """Medians of one target's in-turn runs, with each round's req/s (`rounds`) for per-round ratios."""
    return {"rps": statistics.median(r["rps"] for r in target_runs), "p50": statistics.median(r["p50"] for r in target_runs),
            "p99": statistics.median(r["p99"] for r in target_runs), "bad": int(sum(r["errors"] + r["wrong"] for r in target_runs)),
            "spread": (min(r["rps"] for r in target_runs), max(r["rps"] for r in target_runs)), "rounds": [r["rps"] for r in target_runs]}


def measure_in_turn(targets, args, workdir):
    """`measure` for servers running side by side: one warm-up each, then --runs rounds in turn
    (`rounds_in_turn`)."""
    requests = []
    for target in targets:
        body, headers = request_for(target["mode"], target["url"], target["auth"])
        requests.append((body, headers))
        wrk(target["url"], 2, args.connections, body, headers, workdir)
    runs = rounds_in_turn(len(targets), args.runs, lambda index: wrk(targets[index]["url"], args.duration, args.connections, *requests[index], workdir))
    measured = []
    for target, (body, headers), target_runs in zip(targets, requests, runs):
        light = wrk(target["url"], max(3, args.duration // 2), 1, body, headers, workdir)
        measured.append({"name": target["name"], **in_turn_summary(target_runs), "requests": int(sum(r["requests"] for r in target_runs)),
                         "light_p50": light["p50"], "peak_mb": rss_mb(target["pids"], "VmHWM")})
    return measured


HALF_DELAY_MS = 10


def half_load(url, saturated_rps, body, headers, workdir, duration):
    """Latency at half saturation: enough connections, each pausing HALF_DELAY_MS after every
    answer, to offer about half of `saturated_rps` (medians of three runs)."""
    connections = max(1, round(saturated_rps / 2 * HALF_DELAY_MS / 1000))
    runs = [wrk(url, duration, connections, body, headers, workdir, delay_ms=HALF_DELAY_MS) for _ in range(3)]
    return {"connections": connections, "rps": statistics.median(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "bad": int(sum(r["errors"] + r["wrong"] for r in runs))}


def with_half_load(result, url, body, headers, upstream_url, workdir, duration):
    """Adds the half-saturation rows to a measured result: the same offered load (half its own
    saturated rate), once through the target and once straight to the upstream."""
    result["half"] = half_load(url, result["rps"], body, headers, workdir, duration)
    result["half_upstream"] = half_load(upstream_url + "/pets/1", result["rps"], None, None, workdir, duration)
    result["bad"] += result["half"]["bad"] + result["half_upstream"]["bad"]


def half_summary(result):
    half, reference = result["half"], result["half_upstream"]
    return (f"at half saturation ({half['connections']} connections pausing {HALF_DELAY_MS} ms, {half['rps']:.0f} req/s) "
            f"p50 {half['p50']:.3f} ms against the upstream's {reference['p50']:.3f} ms at {reference['rps']:.0f} req/s: "
            f"added p50 {half['p50'] - reference['p50']:.3f} ms")


def toolgate_command(label, binary, mode, port, workdir, upstream_url):
    """The command line that serves the bench document as `label` asks, and the headers its calls carry."""
    if label.endswith("+auth+limit"):
        # An API key and a request limit no run reaches: the cost of the two policies alone.
        config = workdir / f"identity-{mode}.yaml"
        config.write_text(f"""listen: 127.0.0.1:{port}
servers:
  - {{ name: bench, openapi: {{ spec: {SPEC}, base_url: "{upstream_url}" }} }}
consumers:
  - {{ name: bench, api_keys: ["{BENCH_KEY}"], limits: [{{ requests: 1000000000, per: 1h }}] }}
""")
        return [binary, "serve", "--config", str(config), "--log-level", "error"], {"Authorization": f"Bearer {BENCH_KEY}"}
    if label == "toolgate+config":
        config = workdir / f"plain-{mode}.yaml"
        config.write_text(f"""listen: 127.0.0.1:{port}
servers:
  - {{ name: bench, openapi: {{ spec: {SPEC}, base_url: "{upstream_url}" }} }}
""")
        return [binary, "serve", "--config", str(config), "--log-level", "error"], None
    if "+audit" in label:
        # Every call recorded with its (redacted) payloads: journaled before its answer (the
        # default), or queued for the writer's next batch.
        durability = "batch" if label.endswith("-batch") else "answer"
        config = workdir / f"audit-{mode}-{durability}.yaml"
        config.write_text(f"""listen: 127.0.0.1:{port}
store: sqlite:./audit-{mode}-{durability}.db
policies:
  redact: [email, api_key]
  audit: {{ payloads: true, durability: {durability} }}
servers:
  - {{ name: bench, openapi: {{ spec: {SPEC}, base_url: "{upstream_url}" }} }}
""")
        return [binary, "serve", "--config", str(config), "--log-level", "error"], None
    return [binary, "serve", "--spec", str(SPEC), "--base-url", upstream_url, "--name", "bench", "--port", str(port), "--log-level", "error"], None


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--toolgate", required=True)
    parser.add_argument("--toolgate-baseline", help="another toolgate binary (an earlier commit) measured in the same run, for before/after")
    parser.add_argument("--references")
    parser.add_argument("--identity", action="store_true", help="also measure toolgate with an API key and a request limit on (the policies' cost)")
    parser.add_argument("--audit", action="store_true", help="also measure toolgate with the audit trail on (SQLite, payloads kept and redacted)")
    parser.add_argument("--fastmcp-python")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    results, started = [], []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        try:
            upstream, up_port = nginx(workdir, "upstream", """server { listen 127.0.0.1:PORT;
                location /pets/ { default_type application/json; return 200 '{"id":1,"name":"Rex","species":"dog"}'; } }""")
            started.append(upstream)
            upstream_url = f"http://127.0.0.1:{up_port}"
            results.append(measure("upstream alone (nginx, GET)", upstream_url + "/pets/1", [upstream.pid] + children(upstream.pid), args, workdir))

            proxy, proxy_port = nginx(workdir, "proxy", f"""upstream backend {{ server 127.0.0.1:{up_port}; keepalive 64; }}
                server {{ listen 127.0.0.1:PORT; location / {{ proxy_pass http://backend; proxy_http_version 1.1;
                proxy_set_header Connection ""; }} }}""")
            started.append(proxy)
            half_duration = max(3, args.duration // 2)
            results.append(measure("nginx proxy_pass (GET)", f"http://127.0.0.1:{proxy_port}/pets/1", [proxy.pid] + children(proxy.pid), args, workdir))
            with_half_load(results[-1], f"http://127.0.0.1:{proxy_port}/pets/1", None, None, upstream_url, workdir, half_duration)
            stop(proxy)

            if args.references:
                # Each reference: started, measured (saturated, one connection, half saturation), stopped.
                for name, mode, extra, path in (("SwiftNIO proxy (GET, no MCP work)", None, [], "/pets/1"),
                                                ("fused MCP bound (session)", "session", [str(SPEC)], "/mcp")):
                    port = free_port()
                    reference = subprocess.Popen([args.references, "fused" if mode else "forward", str(port), str(up_port)] + extra)
                    started.append(reference)
                    wait_port(port, reference)
                    reference_url = f"http://127.0.0.1:{port}{path}"
                    results.append(measure(name, reference_url, [reference.pid], args, workdir, mode))
                    body, headers = request_for(mode, reference_url) if mode else (None, None)
                    with_half_load(results[-1], reference_url, body, headers, upstream_url, workdir, half_duration)
                    stop(reference)

            # Toolgate's variants (an earlier build, the policy rows) are measured in turn, mode by mode.
            binaries = [("toolgate", args.toolgate)]
            if args.toolgate_baseline:
                binaries.insert(0, ("baseline", args.toolgate_baseline))
            if args.identity or args.audit:
                # The same server from a configuration file (which `serve` can reload): what the
                # policy rows are set against, so their ratios hold the policies' cost alone.
                binaries.append(("toolgate+config", args.toolgate))
            if args.identity:
                binaries.append(("toolgate+auth+limit", args.toolgate))
            if args.audit:
                binaries.append(("toolgate+audit", args.toolgate))
                binaries.append(("toolgate+audit-batch", args.toolgate))
            for mode in ("session", "stateless"):
                # Every variant serves at once and the rounds visit them in turn (the order rotated
                # each round), so the machine's drift during the run touches all of them alike.
                targets = []
                for label, binary in binaries:
                    port = free_port()
                    command, auth = toolgate_command(label, binary, mode, port, workdir, upstream_url)
                    toolgate = subprocess.Popen(command)
                    started.append(toolgate)
                    wait_port(port, toolgate)
                    targets.append({"name": f"{label} tools/call ({mode})", "url": f"http://127.0.0.1:{port}/mcp/bench",
                                    "pids": [toolgate.pid], "mode": mode, "auth": auth, "process": toolgate})
                    if label == "toolgate" and mode == "session":
                        idle = rss_mb([toolgate.pid], "VmRSS")
                measured = measure_in_turn(targets, args, workdir)
                for target, ours in zip(targets, measured):
                    if target["name"].startswith("toolgate tools/call"):
                        body, headers = request_for(mode, target["url"])
                        with_half_load(ours, target["url"], body, headers, upstream_url, workdir, half_duration)
                    results.append(ours)
                for target in targets:
                    stop(target["process"])

            if args.fastmcp_python:
                for mode in ("session", "stateless"):
                    port = free_port()
                    fastmcp = subprocess.Popen([args.fastmcp_python, str(HERE / "fastmcp_server.py"), str(SPEC), upstream_url, str(port), mode],
                                               stderr=subprocess.DEVNULL)
                    started.append(fastmcp)
                    wait_port(port, fastmcp)
                    results.append(measure(f"fastmcp tools/call ({mode})", f"http://127.0.0.1:{port}/mcp", [fastmcp.pid], args, workdir, mode))
                    stop(fastmcp)
        finally:
            for process in started:
                stop(process)

    print(f"\nwrk -t1 -c{args.connections} -d{args.duration}s, median of {args.runs} runs; light load = 1 connection; "
          f"{os.cpu_count()} cores; toolgate idle RSS {idle:.1f} MB")
    print(f"{'target':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'1-conn p50':>10} {'bad':>5} {'peak MB':>8}  run spread")
    for r in results:
        print(f"{r['name']:34} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['light_p50']:10.3f} {r['bad']:5d} {r['peak_mb']:8.1f}"
              f"  {r['spread'][0]:.0f}-{r['spread'][1]:.0f}")
    by = {r["name"]: r for r in results}
    proxy = by["nginx proxy_pass (GET)"]
    upstream_alone = by["upstream alone (nginx, GET)"]
    print()
    print(f"nginx proxy_pass: added p50 at 1 connection {proxy['light_p50'] - upstream_alone['light_p50']:.3f} ms; {half_summary(proxy)}")
    nio = by.get("SwiftNIO proxy (GET, no MCP work)")
    fused = by.get("fused MCP bound (session)")
    for name, reference in (("SwiftNIO proxy", nio), ("fused MCP bound", fused)):
        if reference:
            print(f"{name}: {reference['rps'] / proxy['rps']:.2f}x nginx proxy_pass throughput; "
                  f"added p50 at 1 connection {reference['light_p50'] - upstream_alone['light_p50']:.3f} ms; {half_summary(reference)}")
    for mode in ("session", "stateless"):
        ours = by[f"toolgate tools/call ({mode})"]
        line = (f"toolgate {mode}: {ours['rps'] / proxy['rps']:.2f}x nginx proxy_pass throughput; "
                f"added p50 at 1 connection {ours['light_p50'] - upstream_alone['light_p50']:.3f} ms "
                f"(nginx proxy_pass adds {proxy['light_p50'] - upstream_alone['light_p50']:.3f} ms)")
        line += "; " + half_summary(ours)
        if nio:
            line += f"; {ours['rps'] / nio['rps']:.2f}x the SwiftNIO proxy"
        if fused:
            line += f", {ours['rps'] / fused['rps']:.2f}x the fused bound"
        theirs = by.get(f"fastmcp tools/call ({mode})")
        if theirs:
            line += f"; {ours['rps'] / theirs['rps']:.1f}x FastMCP throughput, p99 {theirs['p99'] / ours['p99']:.1f}x lower"
        print(line)
    # (row, the row it is set against, what the row has that the other has not); the later row
    # of a pair is the one measured, "toolgate" the earlier build when a baseline is given.
    comparisons = (
        ("toolgate+config", "toolgate", "from a configuration file (reloadable) against flags"),
        ("toolgate+auth+limit", "toolgate+config", "with authentication and a request limit on, against them off"),
        ("toolgate+audit", "toolgate+config", "with the audit trail on (journaled before the answer), against it off"),
        ("toolgate+audit-batch", "toolgate+config", "with the audit trail on (queued for the next batch), against it off"),
        ("toolgate", "baseline", "against the baseline build"),
    )
    for (label, against, what), mode in itertools.product(comparisons, ("session", "stateless")):
        row, other = by.get(f"{label} tools/call ({mode})"), by.get(f"{against} tools/call ({mode})")
        if row and other:
            # Rows measured in turn: the median of the per-round ratios (drift cancels within a round).
            ratio = statistics.median(a / b for a, b in zip(row["rounds"], other["rounds"]))
            print(f"toolgate {mode} {what}: {ratio:.3f}x throughput (median of per-round ratios; medians {row['rps']:.0f} against {other['rps']:.0f} req/s), "
                  f"p50 {row['p50']:.2f} against {other['p50']:.2f} ms, p99 {row['p99']:.2f} against {other['p99']:.2f} ms")
    if any(r["bad"] for r in results):
        print("WARNING: some answers were wrong or failed; see the 'bad' column", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
