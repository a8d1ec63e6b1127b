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


async def main(binary, count):
    resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([binary, "serve", "--spec", str(SPEC), "--base-url", "http://127.0.0.1:9", "--name", "bench",
                                "--port", str(port), "--log-level", "error"])
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        idle = rss_mb(process.pid)
        rows = []
        for name, kind in (("legacy SSE (/sse)", legacy_stream), ("standalone GET", standalone_stream)):
            started = time.monotonic()
            writers = await open_all(kind, port, "/mcp/bench", count)
            elapsed = time.monotonic() - started
            rows.append((name, len(writers), rss_mb(process.pid), elapsed))
            for writer in writers:
                writer.close()
            await asyncio.sleep(1)  # not synchronisation: lets the server notice the closed streams before the next row
        print(f"toolgate idle RSS: {idle:.1f} MB")
        print(f"{'streams':20} {'open':>7} {'RSS MB':>8} {'open time s':>12}")
        for name, opened, rss, elapsed in rows:
            print(f"{name:20} {opened:7d} {rss:8.1f} {elapsed:12.1f}")
        print(f"peak RSS {rss_mb(process.pid, 'VmHWM'):.1f} MB")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000))
