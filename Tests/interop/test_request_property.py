"""Property test: arguments generated from each tool's inputSchema (hypothesis-jsonschema) are
sent by `toolgate stdio` as requests that a real OpenAPI request validator (openapi-core) accepts
against the original document. Calls that Toolgate refuses (isError before any request) are
allowed; a request it sends that the document does not allow is a failure."""
import asyncio
import http.server
import json
import os
import subprocess
import threading
import urllib.parse

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis_jsonschema import from_schema
from mcp import ClientSession, StdioServerParameters, stdio_client
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from conftest import CORPUS, REPO

EXAMPLES_PER_TOOL = 4
SEED = 20261127
TOOLS_PER_DOCUMENT = 25
DOCUMENTS = [
    REPO / "specs" / "demo-api.yaml",
    REPO / "fixtures" / "openapi" / "upstream.yaml",
    CORPUS / "oai-petstore-v3.0.yaml",
    CORPUS / "oai-petstore-expanded-v3.0.yaml",
    CORPUS / "github-api.github.com-2022-07-v3.0.yaml",
]

# openapi-core 0.23.1 cannot parse label and matrix path styles (it rejects even the OpenAPI
# specification's own example `/.blue,black`); their wire format is asserted byte for byte in
# Tests/RESTUpstreamTests/RequestShapeTests.swift instead.
# Stripe is left out for the same reason: openapi-core cannot deserialize its deepObject query
# parameters and form fields at all (it rejects `created[gte]=5` and `expand[0]=a` alike).
NOT_VALIDATABLE = {("upstream.yaml", "styledPath")}


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; answers 200 with an empty JSON object."""
    seen: list = []

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Recorder.seen.append((self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    def log_message(self, *args):
        pass


def draw(schema, count):
    """Up to `count` argument sets for one tool, from a fixed seed so every run (and CI) sends the
    same requests; change SEED to explore other examples."""
    found = []

    @seed(SEED)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def capture(value):
        found.append(value)

    capture()
    return found[:count]


def to_mock_request(server_url, method, raw_path, headers, body):
    parsed = urllib.parse.urlsplit(raw_path)
    server = urllib.parse.urlsplit(server_url)
    cookies = {}
    for pair in (headers.get("Cookie") or "").split(";"):
        if "=" in pair:
            name, value = pair.strip().split("=", 1)
            cookies[name] = urllib.parse.unquote(value)
    content_type = headers.get("Content-Type", "application/json")
    return MockRequest(
        host_url=f"{server.scheme}://{server.netloc}", method=method, path=parsed.path,
        args=urllib.parse.parse_qsl(parsed.query, keep_blank_values=True),
        headers={k: v for k, v in headers.items() if k.lower() != "cookie"}, cookies=cookies, data=body,
        content_type=content_type.split(";")[0] if not content_type.startswith("multipart") else content_type,
    )


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_generated_arguments_make_valid_requests(toolgate, document):
    if not document.exists():
        pytest.skip(f"{document} is absent")
    imported = json.loads(subprocess.run(
        [toolgate, "import", str(document), "--format", "json"], capture_output=True, text=True, check=True, timeout=300,
    ).stdout)
    spec = OpenAPI.from_file_path(str(document))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tools = [
        tool for tool in imported["tools"]
        if tool["x-toolgate"]["server"] and (document.name, tool["name"]) not in NOT_VALIDATABLE
    ][:TOOLS_PER_DOCUMENT]
    server_url = tools[0]["x-toolgate"]["server"]
    base_path = urllib.parse.urlsplit(server_url).path.rstrip("/")
    base_url = f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    # Gateway-held credentials, so operations that require authentication send it as the document says.
    env = dict(os.environ, PROPERTY_TOKEN="test-token", PROPERTY_BASIC="user:password", PROPERTY_KEY="test-key")
    params = StdioServerParameters(
        command=toolgate, env=env,
        args=["stdio", "--spec", str(document), "--base-url", base_url, "--log-level", "error", "--discovery", "off",
              "--bearer-token-env", "PROPERTY_TOKEN", "--basic-auth-env", "PROPERTY_BASIC", "--api-key-env", "PROPERTY_KEY"],
    )
    failures, sent, refused = [], 0, 0

    async def main():
        nonlocal sent, refused
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                for tool in tools:
                    try:
                        examples = draw(tool["inputSchema"], EXAMPLES_PER_TOOL)
                    except Exception:  # a schema hypothesis-jsonschema cannot generate from (e.g. recursive)
                        continue
                    for arguments in examples:
                        before = len(Recorder.seen)
                        result = await session.call_tool(tool["name"], arguments)
                        if len(Recorder.seen) == before:
                            assert result.is_error, f"{tool['name']}: no request sent, yet no error"
                            refused += 1
                            continue
                        sent += 1
                        method, raw_path, headers, body = Recorder.seen[-1]
                        try:
                            spec.validate_request(to_mock_request(server_url, method, raw_path, headers, body))
                        except Exception as error:  # openapi-core raises a validation error naming the problem
                            cause = getattr(error, "__cause__", None)
                            failures.append(f"{tool['name']} -> {method} {raw_path[:300]}: {error!r} {cause!r}"[:900])

    try:
        asyncio.run(asyncio.wait_for(main(), timeout=600))
    finally:
        server.shutdown()
    assert sent > 0
    assert not failures, "\n".join(failures[:10])
    print(f"{document.name}: {sent} requests validated, {refused} calls refused before sending")
