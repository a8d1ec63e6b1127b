"""Idle SSE streams: opens N legacy SSE streams (/mcp/<name>/sse, one session each) and N
standalone GET streams of streamable-HTTP sessions against a release Toolgate, checks each
stream's first bytes, and reports Toolgate's resident memory.
Usage: streams.py TOOLGATE_BIN [N]"""
import asyncio
import json
import pathlib
import resource
import signal
import socket
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SPEC = HERE / "toolcall" / "bench-api.yaml"


def rss_mb(pid, field="VmRSS"):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024


async def legacy_stream(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path}/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"event: endpoint\n")
    assert b"200 OK" in head, head[:200]
    return writer


async def standalone_stream(port, path):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}}})
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Accept: application/json, text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode())
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode()
    session = next(l.split(":", 1)[1].strip() for l in head.split("\r\n") if l.lower().startswith("mcp-session-id:"))
    length = int(next(l.split(":", 1)[1] for l in head.split("\r\n") if l.lower().startswith("content-length:")))
    await reader.readexactly(length)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nMcp-Session-Id: {session}\r\n"
                  f"MCP-Protocol-Version: 2025-11-25\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert b"200 OK" in head and b"text/event-stream" in head, head[:200]
    return writer


async def open_all(kind, port, path, count):
    writers = []
    for start in range(0, count, 500):
        writers += await asyncio.gather(*[kind(port, path) for _ in range(min(500, count - start))])
    return writers


def start(binary):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([binary, "serve", "--spec", str(SPEC), "--base-url", "http://127.0.0.1:9", "--name", "bench",
                                "--port", str(port), "--log-level", "error"])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, port


async def main(binary, count):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rows = []
    for name, kind in (("legacy SSE (/sse)", legacy_stream), ("standalone GET", standalone_stream)):
        process, port = start(binary)  # a fresh process per row, so each row's memory is its own
        try:
            idle = rss_mb(process.pid)
            started = time.monotonic()
            writers = await open_all(kind, port, "/mcp/bench", count)
            elapsed = time.monotonic() - started
            rows.append((name, len(writers), idle, rss_mb(process.pid), elapsed))
            for writer in writers:
                writer.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    print(f"{'streams':20} {'open':>7} {'idle MB':>8} {'RSS MB':>8} {'per stream KB':>14} {'open time s':>12}")
    for name, opened, idle, rss, elapsed in rows:
        print(f"{name:20} {opened:7d} {idle:8.1f} {rss:8.1f} {(rss - idle) * 1024 / opened:14.1f} {elapsed:12.1f}")


asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000))
