"""SIGTERM: Toolgate stops accepting, lets the call in flight finish, closes open SSE streams, exits 0."""
import http.client
import json
import signal
import subprocess
import time
from urllib.parse import urlsplit

from conftest import ACCEPT, DEMO_SPEC, listening_url, post

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def test_sigterm_drains_calls_and_closes_streams(toolgate, demo_api):
    process = subprocess.Popen(
        [toolgate, "serve", "--spec", DEMO_SPEC, "--base-url", demo_api, "--name", "clinic", "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/clinic)")
        parts = urlsplit(url)
        _, headers, _ = post(url, INITIALIZE)
        ok = {"Mcp-Session-Id": headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-06-18"}
        post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, ok)

        standalone = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        standalone.request("GET", parts.path, headers={"Accept": "text/event-stream", **ok})
        stream = standalone.getresponse()
        assert stream.status == 200
        legacy = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        legacy.request("GET", parts.path + "/sse", headers={"Accept": "text/event-stream"})
        legacy_stream = legacy.getresponse()
        assert legacy_stream.status == 200 and b"event: endpoint" in legacy_stream.readline() + legacy_stream.readline()

        slow = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "clinicSummary", "arguments": {"delay_ms": 1500}, "_meta": {"progressToken": "p"}}}
        slow.request("POST", parts.path, json.dumps(call), {"Content-Type": "application/json", "Accept": ACCEPT, **ok})
        answer = slow.getresponse()
        assert answer.status == 200
        first = b""
        while not first.endswith(b"\n\n"):
            first += answer.read(1)
        assert b"notifications/progress" in first, "the call has reached the upstream"
        process.send_signal(signal.SIGTERM)

        events = [json.loads(line[6:]) for line in answer.read().decode().splitlines() if line.startswith("data: ")]
        assert events[-1]["result"]["structuredContent"]["total"] == 3, "the call in flight finished"
        assert stream.read() == b"", "the standalone stream ended cleanly"
        assert legacy_stream.read() is not None
        assert process.wait(timeout=20) == 0
        for connection in (standalone, legacy, slow):
            connection.close()
        try:
            post(url, INITIALIZE)
            refused = False
        except OSError:
            refused = True
        assert refused, "nothing is accepted after shutdown"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
