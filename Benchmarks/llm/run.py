"""Model-call benchmark: OpenAI-compatible chat completions (whole and streamed) through Toolgate,
next to LiteLLM's proxy in front of the same fake provider, with nginx proxy_pass and the
SwiftNIO forwarding reference (Benchmarks/References) as physical references, all in one run with
wrk on 127.0.0.1. The fake provider (toolgate-fake-llm) replays OpenAI's recorded answers.

Every answer is checked (status 200; the text, or `[DONE]` for a stream) before a run counts.
Figures are medians of --runs runs; ratios compare medians of this same run. Also measured: the
latency Toolgate adds at half its saturated rate (whole answers, and streams to their end), the
time to a stream's first event at that load (a probe beside wrk, through Toolgate and straight to
the fake), and the memory of 10,000 streams held open at once. Anthropic rows: the fake's Messages persona alone,
Toolgate's /v1/messages in front of the OpenAI instance (translated in), and chat completions in
front of an `anthropic` instance (translated out).
Usage: run.py --toolgate BIN --fake BIN [--references BIN] [--litellm-python PY] [--runs 3] [--duration 10] [--connections 32]"""
import argparse
import asyncio
import http.client
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "toolcall"))
import run as toolcall  # noqa: E402  (wrk, nginx, ports, memory: the same helpers as the tool-call benchmark)

MESSAGES = [{"role": "user", "content": "Say hello."}]
# LiteLLM's proxy refuses to start without a master key; its requests carry it (compared directly, no database).
LITELLM_KEY = "sk-litellm-bench-0123456789abcdef"
PERSONA_PATH = "/openai/v1/chat/completions"


ANTHROPIC_PATH = "/anthropic/v1/messages"
# What each kind of row sends and checks: OpenAI chat completions (the recorded OpenAI answer) or
# Anthropic messages (`max_tokens` required; a stream ends with `message_stop`, not `[DONE]`).
OPENAI = {"wire": "openai", "whole": "Hello!", "stream": "[DONE]"}


def wire(format, text):
    """A row's request format and the text its whole answer must contain."""
    return {"wire": format, "whole": text, "stream": "message_stop" if format == "anthropic" else "[DONE]"}


def body(model, stream, kind=OPENAI):
    request = {"model": model, "messages": MESSAGES}
    if kind["wire"] == "anthropic":
        request["max_tokens"] = 256
    if stream:
        request["stream"] = True
    return request


def measure(name, url, model, pids, args, workdir, stream, headers=None, kind=OPENAI):
    request = body(model, stream, kind)
    expect = kind["stream" if stream else "whole"]
    toolcall.wrk(url, 2, args.connections, request, headers or {}, workdir, expect=expect)
    runs = [toolcall.wrk(url, args.duration, args.connections, request, headers or {}, workdir, expect=expect) for _ in range(args.runs)]
    return {"name": name, "rps": statistics.median(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs), "bad": int(sum(r["errors"] + r["wrong"] for r in runs)),
            "peak_mb": toolcall.rss_mb(pids, "VmHWM"), "spread": (min(r["rps"] for r in runs), max(r["rps"] for r in runs)),
            "url": url, "model": model, "stream": stream, "kind": kind}


def measure_in_turn(targets, args, workdir, stream):
    """`measure` for targets served side by side (Toolgate with and without a policy): one warm-up
    each, then --runs rounds in turn (`toolcall.rounds_in_turn`)."""
    requests = []
    for target in targets:
        kind = target[5] if len(target) > 5 else OPENAI
        request, headers, expect = body(target[2], stream, kind), (target[4] if len(target) > 4 else None) or {}, kind["stream" if stream else "whole"]
        requests.append((request, headers, expect, kind))
        toolcall.wrk(target[1], 2, args.connections, request, headers, workdir, expect=expect)
    runs = toolcall.rounds_in_turn(len(targets), args.runs, lambda index: toolcall.wrk(
        targets[index][1], args.duration, args.connections, requests[index][0], requests[index][1], workdir, expect=requests[index][2]))
    return [{"name": target[0], **toolcall.in_turn_summary(target_runs), "peak_mb": toolcall.rss_mb(target[3], "VmHWM"),
             "url": target[1], "model": target[2], "stream": stream, "kind": kind}
            for target, (_, _, _, kind), target_runs in zip(targets, requests, runs)]


def half_connections(result):
    """wrk connections that, each pausing HALF_DELAY_MS after every answer, offer half of `result`'s saturated rate."""
    return max(1, round(result["rps"] / 2 * toolcall.HALF_DELAY_MS / 1000))


def both_ways(result, direct):
    """(label, url, model, headers) through Toolgate (as `result` was measured) and straight to the fake provider."""
    return (("through", result["url"], result["model"], {}), ("direct", direct, "gpt-4o-mini", {"Authorization": "Bearer sk-bench"}))


def half_load(result, direct, args, workdir):
    """p50 at half of Toolgate's saturated rate, through it and straight to the fake provider."""
    connections = half_connections(result)
    expect = "[DONE]" if result["stream"] else "Hello!"
    rows = {}
    for label, url, model, headers in both_ways(result, direct):
        runs = [toolcall.wrk(url, max(3, args.duration // 2), connections, body(model, result["stream"]), headers, workdir, expect=expect,
                             delay_ms=toolcall.HALF_DELAY_MS) for _ in range(3)]
        rows[label] = {"rps": statistics.median(r["rps"] for r in runs), "p50": statistics.median(r["p50"] for r in runs)}
    return {"connections": connections, **rows}


def first_event_ms(url, model, headers, count):
    """Streamed requests one after another on one keep-alive connection: the milliseconds from
    sending each request to reading its first `data:` event (the client's own cost is the same
    through Toolgate and straight to the provider, so it cancels in the difference)."""
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    payload = json.dumps(body(model, True)).encode()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("POST", target.path, payload, {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        seen = response.read1(65536)
        while b"data:" not in seen and not response.isclosed():
            seen += response.read1(65536)
        samples.append((time.perf_counter() - started) * 1000)
        rest = response.read()
        if response.status != 200 or b"[DONE]" not in seen + rest:
            raise RuntimeError(f"wrong stream from {url}: {response.status} {(seen + rest)[:200]!r}")
    connection.close()
    return samples


def first_token_at_half(result, direct, args, workdir, count=600):
    """The time to the first event at half of Toolgate's saturated stream rate: wrk offers that
    load in the background (through Toolgate, or straight to the fake) while a probe times its own
    streams' first events; p50 of the probe, both ways, same run."""
    connections = half_connections(result)
    rows = {}
    for label, url, model, headers in both_ways(result, direct):
        medians = []
        for _ in range(3):
            command, env = toolcall.wrk_command(url, 60, connections, body(model, True), headers, workdir, expect="[DONE]", delay_ms=toolcall.HALF_DELAY_MS)
            load = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                time.sleep(1)  # the background load reaches its rate before the probe starts
                medians.append(statistics.median(first_event_ms(url, model, headers, count)))
            finally:
                load.terminate()
                load.wait()
        rows[label] = statistics.median(medians)
    return {"connections": connections, **rows}


async def hold_streams(port, count, model):
    """Opens `count` streams at once (each answered up to its first event), then closes them."""
    request = json.dumps(body(model, True)).encode()
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(request)}\r\n\r\n").encode()
    writers, semaphore = [], asyncio.Semaphore(500)

    async def one():
        async with semaphore:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + request)
            await writer.drain()
            data = b""
            while b"data: " not in data:
                chunk = await asyncio.wait_for(reader.read(4096), 60)
                if not chunk:
                    raise RuntimeError("a stream closed before its first event")
                data += chunk
            writers.append(writer)

    await asyncio.gather(*(one() for _ in range(count)))
    return writers


def open_streams(toolgate_bin, fake_url, count, workdir):
    """Toolgate's memory with `count` streams open at once (the fake sends one event every 5 s)."""
    config = workdir / "streams.yaml"
    port = toolcall.free_port()
    config.write_text(f"""listen: 127.0.0.1:{port}
models:
  - name: chat
    timeout: 120s
    instances:
      - {{ name: fake, provider: openai, base_url: "{fake_url}/openai/delay-5000/v1", api_key: sk-bench, model: gpt-4o-mini }}
""")
    process = subprocess.Popen([toolgate_bin, "serve", "--config", str(config), "--log-level", "error"], stderr=subprocess.DEVNULL)
    try:
        toolcall.wait_port(port, process)
        idle_mb = toolcall.rss_mb([process.pid], "VmRSS")
        started = time.monotonic()

        async def run():
            writers = await hold_streams(port, count, "chat")
            held_mb = toolcall.rss_mb([process.pid], "VmRSS")
            for writer in writers:
                writer.close()
            return held_mb

        held_mb = asyncio.run(run())
        return {"count": count, "idle_mb": idle_mb, "held_mb": held_mb, "seconds": time.monotonic() - started}
    finally:
        toolcall.stop(process)


def litellm(python, fake_url, workdir):
    port = toolcall.free_port()
    config = workdir / "litellm.yaml"
    config.write_text(f"""model_list:
  - model_name: chat
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: {fake_url}/openai/v1
      api_key: sk-bench
general_settings:
  master_key: {LITELLM_KEY}
litellm_settings:
  telemetry: false
""")
    # The proxy's console script sits beside the venv's python; no network here, so the bundled cost map.
    command = [str(pathlib.Path(python).parent / "litellm"), "--config", str(config), "--host", "127.0.0.1", "--port", str(port), "--num_workers", "1"]
    environment = {**os.environ, "LITELLM_LOG": "ERROR", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(workdir / "litellm.log", "w"), env=environment)
    toolcall.wait_port(port, process, timeout=180)
    return process, port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--toolgate", required=True)
    parser.add_argument("--fake", required=True)
    parser.add_argument("--references")
    parser.add_argument("--litellm-python")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    # 9,900: a stream holds two descriptors in the gateway (client and provider connections), and
    # this machine's hard limit is 20,000 per process.
    parser.add_argument("--streams", type=int, default=9900)
    parser.add_argument("--audit", action="store_true", help="also measure Toolgate with the audit trail on (payloads kept, both durabilities)")
    args = parser.parse_args()
    started = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        try:
            fake_port = toolcall.free_port()
            fake = subprocess.Popen([args.fake, "--port", str(fake_port)], stdout=subprocess.DEVNULL)
            started.append(fake)
            toolcall.wait_port(fake_port, fake)
            fake_url = f"http://127.0.0.1:{fake_port}"
            provider_key = {"Authorization": "Bearer sk-bench"}  # the fake answers 401 without a key
            targets = [("fake provider alone", fake_url + PERSONA_PATH, "gpt-4o-mini", [fake.pid], provider_key)]

            proxy, proxy_port = toolcall.nginx(workdir, "proxy", f"""upstream backend {{ server 127.0.0.1:{fake_port}; keepalive 64; }}
                server {{ listen 127.0.0.1:PORT; location / {{ proxy_pass http://backend; proxy_http_version 1.1;
                  proxy_set_header Connection ""; proxy_buffering off; }} }}""")
            started.append(proxy)
            targets.append(("nginx proxy_pass", f"http://127.0.0.1:{proxy_port}{PERSONA_PATH}", "gpt-4o-mini", [proxy.pid] + toolcall.children(proxy.pid), provider_key))

            if args.references:
                forward_port = toolcall.free_port()
                forward = subprocess.Popen([args.references, "forward", str(forward_port), str(fake_port)])
                started.append(forward)
                toolcall.wait_port(forward_port, forward)
                targets.append(("SwiftNIO forward (reference)", f"http://127.0.0.1:{forward_port}{PERSONA_PATH}", "gpt-4o-mini", [forward.pid], provider_key))

            gateway_port = toolcall.free_port()
            config = workdir / "toolgate.yaml"
            config.write_text(f"""listen: 127.0.0.1:{gateway_port}
models:
  - name: chat
    instances:
      - {{ name: fake, provider: openai, base_url: "{fake_url}/openai/v1", api_key: sk-bench, model: gpt-4o-mini }}
  - name: claude
    instances:
      - {{ name: fake-anthropic, provider: anthropic, base_url: "{fake_url}/anthropic", api_key: sk-bench, model: claude-sonnet-4-20250514 }}
""")
            gateway = subprocess.Popen([args.toolgate, "serve", "--config", str(config), "--log-level", "error"], stderr=subprocess.DEVNULL)
            started.append(gateway)
            toolcall.wait_port(gateway_port, gateway)
            targets.append(("Toolgate", f"http://127.0.0.1:{gateway_port}/v1/chat/completions", "chat", [gateway.pid]))
            # Anthropic's format, same fake: its Messages persona alone, Toolgate's /v1/messages in
            # front of the OpenAI instance (translated in), and chat completions in front of an
            # `anthropic` instance (translated out).
            anthropic_key = {"x-api-key": "sk-bench", "anthropic-version": "2023-06-01"}
            portuguese = wire("openai", "Portuguese")
            targets.append(("fake provider alone (Anthropic)", fake_url + ANTHROPIC_PATH, "claude-sonnet-4-20250514", [fake.pid], anthropic_key,
                            wire("anthropic", "Portuguese")))
            targets.append(("Toolgate /v1/messages → OpenAI", f"http://127.0.0.1:{gateway_port}/v1/messages", "chat", [gateway.pid], None,
                            wire("anthropic", "Hello!")))
            targets.append(("Toolgate chat → anthropic", f"http://127.0.0.1:{gateway_port}/v1/chat/completions", "claude", [gateway.pid], None, portuguese))
            if args.audit:
                # The same gateway with every call recorded (redacted messages and answers kept),
                # journaled before the answer, or queued for the writer's next batch.
                for durability in ("answer", "batch"):
                    audited_port = toolcall.free_port()
                    audited_config = workdir / f"audit-{durability}.yaml"
                    audited_config.write_text(config.read_text().replace(f"listen: 127.0.0.1:{gateway_port}", f"""listen: 127.0.0.1:{audited_port}
store: sqlite:./audit-{durability}.db
policies:
  redact: [email, api_key]
  audit: {{ payloads: true, durability: {durability} }}"""))
                    audited = subprocess.Popen([args.toolgate, "serve", "--config", str(audited_config), "--log-level", "error"], stderr=subprocess.DEVNULL)
                    started.append(audited)
                    toolcall.wait_port(audited_port, audited)
                    targets.append((f"Toolgate + audit ({durability})", f"http://127.0.0.1:{audited_port}/v1/chat/completions", "chat", [audited.pid]))

            if args.litellm_python:
                peer, peer_port = litellm(args.litellm_python, fake_url, workdir)
                started.append(peer)
                targets.append(("LiteLLM proxy 1.108.7", f"http://127.0.0.1:{peer_port}/v1/chat/completions", "chat", [peer.pid] + toolcall.children(peer.pid),
                                {"Authorization": f"Bearer {LITELLM_KEY}"}))

            results = {}
            for stream in (False, True):
                kind = "stream" if stream else "whole"
                # Toolgate and its audited twins in turn (their ratios are the audit's cost); the
                # rest one after another.
                paired = [t for t in targets if t[0] == "Toolgate" or t[0].startswith("Toolgate + audit")]
                in_turn = dict(zip((t[0] for t in paired), measure_in_turn(paired, args, workdir, stream))) if len(paired) > 1 else {}
                results[kind] = [in_turn.get(target[0]) or measure(target[0], target[1], target[2], target[3], args, workdir, stream,
                                                                   target[4] if len(target) > 4 else None, target[5] if len(target) > 5 else OPENAI)
                                 for target in targets]
                toolgate_row = next(r for r in results[kind] if r["name"] == "Toolgate")
                toolgate_row["half"] = half_load(toolgate_row, fake_url + PERSONA_PATH, args, workdir)
                if stream:
                    toolgate_row["first_event"] = first_token_at_half(toolgate_row, fake_url + PERSONA_PATH, args, workdir)
            toolcall.stop(gateway)
            report(results)
            if args.streams:
                streams = open_streams(args.toolgate, fake_url, args.streams, workdir)
                print(f"\n{streams['count']} streams open at once: Toolgate RSS {streams['held_mb']:.0f} MB (idle {streams['idle_mb']:.0f} MB), "
                      f"{(streams['held_mb'] - streams['idle_mb']) * 1024 / streams['count']:.1f} KB a stream, all opened in {streams['seconds']:.1f} s")
        finally:
            for process in reversed(started):
                toolcall.stop(process)
    if any(r["bad"] for rows in results.values() for r in rows):
        print("\nsome answers were errors or wrong: the figures above do not count")
        sys.exit(1)


def report(results):
    for kind, rows in results.items():
        toolgate = next(r for r in rows if r["name"] == "Toolgate")
        print(f"\n{kind} answers ({'SSE to [DONE]' if kind == 'stream' else 'JSON'}):")
        print(f"{'target':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'peak MB':>8} {'bad':>5}  Toolgate ÷ target")
        for r in rows:
            ratio = toolgate["rps"] / r["rps"] if r["rps"] else float("inf")
            print(f"{r['name']:34} {r['rps']:9.0f} {r['p50']:8.3f} {r['p99']:8.3f} {r['peak_mb']:8.1f} {r['bad']:5d}  {ratio:6.2f}×"
                  f"   (runs {r['spread'][0]:.0f}–{r['spread'][1]:.0f})")
        direct = {r["kind"]["wire"]: r for r in rows if r["name"].startswith("fake provider alone")}
        for r in rows:
            if r["name"].startswith("Toolgate ") and not r["name"].startswith("Toolgate + audit"):
                reference = direct["anthropic" if "anthropic" in r["name"] else "openai"]
                print(f"{r['name']}: {r['rps'] / toolgate['rps']:.3f}x Toolgate's OpenAI-to-OpenAI throughput; p50 {r['p50']:.3f} ms, "
                      f"{r['p50'] - reference['p50']:.3f} ms over the provider alone ({reference['name']})")
        for r in rows:
            if r["name"].startswith("Toolgate + audit"):
                ratio = statistics.median(a / b for a, b in zip(r["rounds"], toolgate["rounds"]))
                print(f"{r['name']}: {ratio:.3f}x Toolgate's throughput without it (median of {len(r['rounds'])} rounds in turn), "
                      f"p99 {r['p99']:.2f} against {toolgate['p99']:.2f} ms")
        half = toolgate["half"]
        print(f"at half saturation ({half['connections']} connections pausing {toolcall.HALF_DELAY_MS} ms): through Toolgate p50 "
              f"{half['through']['p50']:.3f} ms at {half['through']['rps']:.0f} req/s, straight to the provider {half['direct']['p50']:.3f} ms "
              f"at {half['direct']['rps']:.0f} req/s: added p50 {half['through']['p50'] - half['direct']['p50']:.3f} ms")
        if "first_event" in toolgate:
            first = toolgate["first_event"]
            print(f"time to the first event at half saturation (a probe's streams beside that load): through Toolgate p50 {first['through']:.3f} ms, "
                  f"straight to the provider {first['direct']:.3f} ms: added p50 {first['through'] - first['direct']:.3f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
