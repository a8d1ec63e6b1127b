"""Slow and idle clients cannot hold the listener: a head or body that does not arrive in time gets
408 and the connection closes, an idle kept-alive connection closes, the listener caps its open
connections (others are still served), and a long answer (a slow model stream) is never cut."""
import socket
import time

import openai

from conftest import DEMO_SPEC
from llm_support import gateway


def connect(url):
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def read_until_closed(sock, limit=10):
    """Everything the server sends until it closes (bounded), and how long that took."""
    started, data = time.monotonic(), b""
    sock.settimeout(limit)
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - started


def config(fake, demo_api, extra):
    return f"""http: {{ {extra} }}
servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
models:
  - name: slow
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai', 'delay-700')}", api_key: sk-up, model: gpt-4o-mini }}]
"""


def test_late_heads_and_bodies_get_408_and_idle_connections_close(toolgate, demo_api, fake):
    with gateway(toolgate, config(fake, demo_api, "header_timeout: 1s, body_timeout: 1s, keepalive_timeout: 2s")) as gw:
        with connect(gw.url) as partial_head:
            partial_head.sendall(b"POST /mcp/clinic HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            answer, took = read_until_closed(partial_head)
        assert answer.startswith(b"HTTP/1.1 408") and 0.8 < took < 5, (answer[:80], took)
        with connect(gw.url) as short_body:
            short_body.sendall(b"POST /mcp/clinic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"")
            answer, took = read_until_closed(short_body)
        assert answer.startswith(b"HTTP/1.1 408") and 0.8 < took < 5, (answer[:80], took)
        with connect(gw.url) as idle:
            idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer, took = read_until_closed(idle)
        assert answer.startswith(b"HTTP/1.1 200") and answer.count(b"HTTP/1.1") == 1 and 1.5 < took < 6, "kept alive, then closed when idle"
        with connect(gw.url) as silent:
            answer, took = read_until_closed(silent)
        assert answer == b"" and 1.5 < took < 6, "a connection that never sends is closed without an answer"
        # A stream that runs longer than every timeout above (7 events, 0.7 s apart) is not cut.
        started = time.monotonic()
        chunks = list(openai.OpenAI(base_url=gw.v1, api_key="x", max_retries=0, timeout=30).chat.completions.create(
            model="slow", messages=[{"role": "user", "content": "hi"}], stream=True))
        assert time.monotonic() - started > 2.5 and "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_the_listener_caps_its_connections_and_serves_the_rest(toolgate, demo_api, fake):
    with gateway(toolgate, config(fake, demo_api, "max_connections: 4")) as gw:
        held = [connect(gw.url) for _ in range(4)]
        try:
            time.sleep(0.2)  # let the listener accept the four
            with connect(gw.url) as extra:
                extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                answer, _ = read_until_closed(extra, limit=5)
            assert answer == b"", "the fifth connection is closed at once"
            for sock in held:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert sock.recv(65536).startswith(b"HTTP/1.1 200"), "the held connections are served"
            held.pop().close()
            deadline = time.monotonic() + 5
            while True:
                with connect(gw.url) as again:
                    again.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    answer, _ = read_until_closed(again, limit=5)
                if answer.startswith(b"HTTP/1.1 200") or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert answer.startswith(b"HTTP/1.1 200"), "a place freed is taken again"
        finally:
            for sock in held:
                sock.close()
        assert "connection refused: the listener holds its maximum" in gw.log()
