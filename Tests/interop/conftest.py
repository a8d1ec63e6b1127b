"""Shared fixtures: the built binaries, a live demo API on 127.0.0.1, the shared corpus."""
import contextlib
import json
import os
import pathlib
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("TOOLGATE_BIN_DIR", REPO / ".build" / "debug"))
CORPUS = REPO.parent / "shared" / "specs-corpus"
DEMO_SPEC = str(REPO / "specs" / "demo-api.yaml")
ACCEPT = "application/json, text/event-stream"


@pytest.fixture(scope="session")
def toolgate() -> str:
    path = BIN / "toolgate"
    if not path.exists():
        pytest.fail(f"{path} is missing: build first (swift build)")
    return str(path)


@pytest.fixture()
def fake():
    """The fake model provider (toolgate-fake-llm) on a free port; see llm_support.FakeProvider."""
    from llm_support import fake_llm  # llm_support imports this module

    with fake_llm() as provider:
        yield provider


@pytest.fixture()
def demo_api():
    """Starts toolgate-demo-api on a free port; yields its base URL; stops it."""
    process = subprocess.Popen(
        [str(BIN / "toolgate-demo-api"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stdout.readline()  # "toolgate-demo-api listening on http://127.0.0.1:PORT"
        assert "listening on http://127.0.0.1:" in line, f"demo API did not start: {line!r}"
        yield line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def listening_url(process, pattern, count=1):
    """Reads a starting toolgate's log until it has reported `count` URLs matching `pattern`
    (first group), then keeps draining the log so a chatty server never blocks on a full pipe."""
    urls, deadline = [], time.monotonic() + 30
    while len(urls) < count and time.monotonic() < deadline:
        match = re.search(pattern, process.stderr.readline())
        if match:
            urls.append(match.group(1))
    assert len(urls) == count, f"toolgate did not report its URL ({pattern})"
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return urls[0] if count == 1 else urls


@contextlib.contextmanager
def serve(toolgate, demo_api, *extra):
    """Runs `toolgate serve` for the demo document on a free port; yields the endpoint URL."""
    process = subprocess.Popen(
        [toolgate, "serve", "--spec", DEMO_SPEC, "--base-url", demo_api, "--name", "clinic", "--port", "0", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        yield listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/clinic)")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def gateway(toolgate, demo_api):
    """`toolgate serve` with 3 tools per page and a 64 KiB body limit; yields the endpoint URL."""
    with serve(toolgate, demo_api, "--page-size", "3", "--max-body-bytes", "65536") as url:
        yield url


def post(url, body, headers=None, method="POST"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data if method == "POST" else None, method=method)
    for name, value in {"Content-Type": "application/json", "Accept": ACCEPT, **(headers or {})}.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


async def all_tool_names(session):
    """Follows every tools/list cursor (ClientSession or Client); returns the names and the page count."""
    import mcp.types as types
    from mcp import ClientSession

    def page_after(cursor):
        if isinstance(session, ClientSession):
            return session.list_tools(params=types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        return session.list_tools(cursor=cursor)

    page = await page_after(None)
    names, pages = [t.name for t in page.tools], 1
    while page.next_cursor:
        page = await page_after(page.next_cursor)
        names += [t.name for t in page.tools]
        pages += 1
    return names, pages


async def cancel_then_use(session):
    """Cancels a slow call (the client sends notifications/cancelled), then pings and calls again;
    returns how long the session took to answer after the cancellation."""
    import anyio

    with anyio.move_on_after(0.5) as scope:
        await session.call_tool("clinicSummary", {"delay_ms": 8000})
    assert scope.cancelled_caught
    started = time.monotonic()
    await session.send_ping()
    report = await session.call_tool("clinicSummary", {"delay_ms": 0})
    assert report.structured_content["total"] == 3
    return time.monotonic() - started
