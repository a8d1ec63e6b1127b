"""`toolgate stdio` with the gateway's own upstream credentials, driven by the Python mcp client,
against a recording HTTP server on 127.0.0.1: the credential reaches the upstream, never the client."""
import asyncio
import http.server
import json
import os
import subprocess
import threading

from mcp import ClientSession, StdioServerParameters, stdio_client

from conftest import REPO

SECURED = str(REPO / "fixtures" / "openapi" / "secured.yaml")


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        Recorder.seen.append({"path": self.path, "headers": dict(self.headers)})
        body = json.dumps({"path": self.path, "echo": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_bearer_and_api_key_from_environment(toolgate):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ, UPSTREAM_TOKEN="tok-from-env-123", UPSTREAM_KEY="key-from-env-456")
    params = StdioServerParameters(
        command=toolgate,
        args=["stdio", "--spec", SECURED, "--base-url", base, "--bearer-token-env", "UPSTREAM_TOKEN",
              "--api-key-env", "UPSTREAM_KEY", "--header", "X-Gateway: toolgate", "--log-level", "warning"],
        env=env,
    )

    async def main():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                bearer = await session.call_tool("withBearer", {})
                keyed = await session.call_tool("withQueryKey", {"q": "x"})
                return bearer, keyed

    try:
        bearer, keyed = asyncio.run(asyncio.wait_for(main(), timeout=60))
    finally:
        server.shutdown()
    first, second = Recorder.seen[-2], Recorder.seen[-1]
    assert first["headers"]["Authorization"] == "Bearer tok-from-env-123"
    assert first["headers"]["X-Gateway"] == "toolgate"
    assert second["path"] == "/query-key?q=x&api_key=key-from-env-456"
    # The upstream echoed the credentials back; the client never sees them.
    for result in (bearer, keyed):
        text = result.content[0].text
        assert "tok-from-env-123" not in text and "key-from-env-456" not in text
        assert "[redacted]" in text


def test_missing_secret_variable_is_a_one_line_error(toolgate):
    completed = subprocess.run(
        [toolgate, "stdio", "--spec", SECURED, "--bearer-token-env", "NO_SUCH_VARIABLE_FOR_TOOLGATE"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert completed.returncode != 0
    assert "NO_SUCH_VARIABLE_FOR_TOOLGATE is not set" in completed.stderr
    assert completed.stdout == ""
