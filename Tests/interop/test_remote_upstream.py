"""Remote MCP servers as upstreams (`url:` servers) and aggregate servers (`sources:`).

The remote servers are the Python mcp SDK's own MCPServer under uvicorn, over streamable HTTP
and over the legacy HTTP+SSE transport; the gateway's clients are the Python mcp client. The
remote server refuses any request without the gateway's configured token and records every
Authorization header it sees, so the tests show the client's token never reaches it."""
import asyncio
import contextlib
import hashlib
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
import httpx2

from conftest import DEMO_SPEC, all_tool_names, listening_url

HERE = pathlib.Path(__file__).resolve().parent
GATEWAY_TOKEN = "gw-secret-7f3a"
CLIENT_TOKEN = "client-secret-91bd"


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=90))


@contextlib.contextmanager
def remote(transport, port=0):
    """Starts the fixture MCP server; yields its base URL."""
    process = subprocess.Popen([sys.executable, str(HERE / "servers" / "remote_server.py"), transport, GATEWAY_TOKEN, str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), f"the remote server did not start: {line!r}"
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def gateway(toolgate, tmp_path, servers_yaml, names, connect=False, checked=None):
    """`toolgate serve --config` for these servers (after `toolgate check`, with `--connect` when
    asked; `checked` receives its output); yields {name: URL}."""
    config = tmp_path / "toolgate.yaml"
    config.write_text("listen: 127.0.0.1:0\n" + f"allowed_commands: [{sys.executable}]\n" + "servers:\n" + textwrap.indent(textwrap.dedent(servers_yaml), "  "))
    env = {**os.environ, "REMOTE_TOKEN": GATEWAY_TOKEN}
    check = subprocess.run([toolgate, "check", "--config", str(config), *(["--connect"] if connect else [])],
                           capture_output=True, text=True, timeout=90, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert GATEWAY_TOKEN not in check.stdout + check.stderr
    if checked is not None:
        checked.append(check.stdout)
    process = subprocess.Popen([toolgate, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        found = listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/[\w-]+)", count=len(names))
        found = found if isinstance(found, list) else [found]
        yield {url.rsplit("/", 1)[1]: url for url in found}
    finally:
        process.terminate()
        process.wait(timeout=15)


async def in_session(url, body, message_handler=None):
    """A handshake-era session (initialize), with the client's own bearer token on every request."""
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {CLIENT_TOKEN}"}, timeout=60) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write, message_handler=message_handler) as session:
                session.init_result = await session.initialize()
                return await body(session)


def test_remote_streamable_http_server(toolgate, tmp_path):
    with remote("streamable-http") as base, gateway(toolgate, tmp_path, f"""\
            - name: up
              url:
                endpoint: {base}/mcp
                bearer_token: ${{REMOTE_TOKEN}}
                call_timeout: 20s
            """, ["up"]) as urls:
        progress = []

        async def exercise(session):
            tools = sorted(t.name for t in (await session.list_tools()).tools)
            echoed = await session.call_tool("echo", {"text": "über ✓"})
            leaked = await session.call_tool("echo", {"text": f"token={GATEWAY_TOKEN}"})

            async def on_progress(value, total, message):
                progress.append((value, total, message))

            slept = await session.call_tool("sleep", {"seconds": 0.2}, progress_callback=on_progress)
            polled = await session.call_tool("poll", {"seconds": 0.3})
            seen = await session.call_tool("seen", {})
            resources = await session.list_resources()
            motd = await session.read_resource("fixture://motd")
            prompts = await session.list_prompts()
            prompt = await session.get_prompt("review", {"topic": "gateways"})
            try:
                await session.read_resource("fixture://nothing")
                missing = "no error"
            except Exception as error:
                missing = str(error)
            features = (resources, motd, prompts, prompt, missing, leaked)
            return tools, echoed, slept, seen, features, polled

        tools, echoed, slept, seen, features, polled = run(in_session(urls["up"], exercise))
    assert tools == ["cancellations", "echo", "grow", "grow_prompt", "pid", "poll", "running", "seen", "sleep"]
    assert not polled.is_error and polled.content[0].text == "polled 0.3", "the closed stream was resumed with Last-Event-ID"
    assert echoed.content[0].text == "über ✓" and not echoed.is_error
    assert slept.content[0].text == "slept 0.2" and progress == [(1.0, 2.0, "sleeping")]
    headers = seen.structured_content["result"]
    assert headers and all(value == digest(f"Bearer {GATEWAY_TOKEN}") for value in headers), "only the gateway's token reached the upstream"
    assert digest(f"Bearer {CLIENT_TOKEN}") not in headers, "the client's token reached the upstream"
    resources, motd, prompts, prompt, missing, leaked = features
    assert leaked.content[0].text == "token=[redacted]", "the upstream echoed the gateway's token; the client must not see it"
    assert [str(r.uri) for r in resources.resources] == ["fixture://motd"]
    assert motd.contents[0].text == "remote says hello"
    assert [p.name for p in prompts.prompts] == ["review"]
    assert "Please review gateways." in prompt.messages[0].content.text
    assert "fixture://nothing" in missing


@pytest.mark.parametrize("transport", ["auto", "sse"])
def test_remote_legacy_sse_server(toolgate, tmp_path, transport):
    """A 2024-11-05 server: with `auto` the gateway's initialize POST is refused (405) and it falls
    back to GET + endpoint event, as the specification describes; with `sse` it starts there."""
    with remote("sse") as base, gateway(toolgate, tmp_path, f"""\
            - name: old
              url: {{ endpoint: "{base}/sse", bearer_token: "${{REMOTE_TOKEN}}", transport: {transport} }}
            """, ["old"]) as urls:
        async def exercise(session):
            tools = sorted(t.name for t in (await session.list_tools()).tools)
            echoed = await session.call_tool("echo", {"text": "legacy"})
            seen = await session.call_tool("seen", {})
            return tools, echoed, seen

        tools, echoed, seen = run(in_session(urls["old"], exercise))
    assert "echo" in tools and echoed.content[0].text == "legacy"
    assert all(value == digest(f"Bearer {GATEWAY_TOKEN}") for value in seen.structured_content["result"])


def test_wrong_token_and_unreachable_server_give_clear_errors(toolgate, tmp_path):
    with remote("streamable-http") as base, gateway(toolgate, tmp_path, f"""\
            - name: denied
              url: {{ endpoint: "{base}/mcp", bearer_token: wrong-token, transport: streamable-http }}
            - name: gone
              url: {{ endpoint: "http://127.0.0.1:9/mcp", transport: streamable-http }}
            """, ["denied", "gone"]) as urls:
        async def listing(session):
            try:
                await session.list_tools()
            except Exception as error:  # the gateway's JSON-RPC error
                return str(error)
            return "no error"

        denied = run(in_session(urls["denied"], listing))
        gone = run(in_session(urls["gone"], listing))
        connected = subprocess.run([toolgate, "check", "--config", str(tmp_path / "toolgate.yaml"), "--connect"],
                                   capture_output=True, text=True, timeout=90)
    assert "HTTP 401" in denied and "wrong-token" not in denied
    assert "cannot be reached" in gone
    assert connected.returncode != 0 and "2 server(s) failed: denied, gone" in connected.stderr
    assert "FAIL /mcp/denied:" in connected.stdout and "HTTP 401" in connected.stdout and "wrong-token" not in connected.stdout


def test_cancellation_reaches_the_remote_server_and_an_expired_session_is_renewed(toolgate, tmp_path):
    """A client's cancellation becomes notifications/cancelled upstream; when the remote server
    restarts (its sessions are gone: HTTP 404), the gateway opens a new session and sends the
    call again, so the client sees no error."""
    with contextlib.ExitStack() as first:
        base = first.enter_context(remote("streamable-http"))
        port = int(base.rsplit(":", 1)[1])
        with gateway(toolgate, tmp_path, f"""\
                - name: up
                  url: {{ endpoint: "{base}/mcp", bearer_token: "${{REMOTE_TOKEN}}" }}
                - name: short
                  url: {{ endpoint: "{base}/mcp", bearer_token: "${{REMOTE_TOKEN}}", call_timeout: 1s }}
                """, ["up", "short"]) as urls, contextlib.ExitStack() as second:
            async def timed_out(session):
                return await session.call_tool("sleep", {"seconds": 20})

            expired = run(in_session(urls["short"], timed_out))
            assert expired.is_error and "did not answer 'sleep' within 1.0 seconds" in expired.content[0].text

            async def exercise(session):
                import anyio
                with anyio.move_on_after(1.0) as scope:
                    await session.call_tool("sleep", {"seconds": 30})
                assert scope.cancelled_caught
                stopped = []
                for _ in range(100):  # the notifications travel on POSTs of their own
                    stopped = (await session.call_tool("cancellations", {})).structured_content["result"]
                    if len(stopped) == 2:
                        break
                    await asyncio.sleep(0.05)
                before = (await session.call_tool("pid", {})).structured_content["result"]
                first.close()  # the remote server stops...
                assert second.enter_context(remote("streamable-http", port)) == base  # ...and starts again
                after = await session.call_tool("pid", {})
                return stopped, before, after

            stopped, before, after = run(in_session(urls["up"], exercise))
    assert sorted(stopped) == [20.0, 30.0], "the timed-out call and the cancelled one were both cancelled upstream"
    assert not after.is_error and after.structured_content["result"] != before


def test_tools_list_changed_reaches_the_client(toolgate, tmp_path):
    """The remote server adds a tool and sends notifications/tools/list_changed; the gateway
    empties its cache and tells its own client, whose next tools/list has the new tool. The same
    for a prompt and notifications/prompts/list_changed."""
    with remote("streamable-http") as base, gateway(toolgate, tmp_path, f"""\
            - name: up
              url: {{ endpoint: "{base}/mcp", bearer_token: "${{REMOTE_TOKEN}}" }}
            """, ["up"]) as urls:
        changed = {"notifications/tools/list_changed": asyncio.Event(), "notifications/prompts/list_changed": asyncio.Event()}

        async def on_message(message):
            method = getattr(getattr(message, "root", message), "method", None)
            if method in changed:
                changed[method].set()

        async def exercise(session):
            before = {t.name for t in (await session.list_tools()).tools}
            await session.call_tool("grow", {"name": "sprout"})
            await asyncio.wait_for(changed["notifications/tools/list_changed"].wait(), timeout=20)
            after = {t.name for t in (await session.list_tools()).tools}
            sprout = await session.call_tool("sprout", {})
            await session.call_tool("grow_prompt", {"name": "bud"})
            await asyncio.wait_for(changed["notifications/prompts/list_changed"].wait(), timeout=20)
            prompts = {p.name for p in (await session.list_prompts()).prompts}
            return before, after, sprout, prompts, session.init_result.capabilities

        before, after, sprout, prompts, capabilities = run(in_session(urls["up"], exercise, message_handler=on_message))
    assert "sprout" not in before and after == before | {"sprout"}
    assert sprout.content[0].text == "I am sprout"
    assert prompts == {"review", "bud"}
    assert capabilities.tools.list_changed is True and capabilities.prompts.list_changed is True


def test_aggregate_server_namespaces_every_source(toolgate, demo_api, tmp_path):
    """One virtual server over an OpenAPI document, a stdio child from PyPI, a remote MCP server and
    another Toolgate that pages its tools three at a time (so every upstream cursor is followed)."""
    checked = []
    with remote("streamable-http") as base, gateway(toolgate, tmp_path, f"""\
            - name: paged
              page_size: 3
              openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
            """, ["paged"]) as inner:
        with gateway(toolgate, tmp_path / ".." / tmp_path.name, f"""\
                - name: all
                  discovery: off
                  sources:
                    - name: clinic
                      openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
                    - name: time
                      stdio: {{ command: {sys.executable}, args: [-m, mcp_server_time, --local-timezone, UTC] }}
                    - name: remote
                      url: {{ endpoint: "{base}/mcp", bearer_token: "${{REMOTE_TOKEN}}" }}
                    - name: paged
                      url: {{ endpoint: "{inner['paged']}", transport: streamable-http }}
                """, ["all"], connect=True, checked=checked) as urls:
            async def exercise(session):
                names, _ = await all_tool_names(session)
                pet = await session.call_tool("clinic__getPet", {"petId": 3})
                now = await session.call_tool("time__get_current_time", {"timezone": "Asia/Tokyo"})
                echoed = await session.call_tool("remote__echo", {"text": "hi"})
                paged = await session.call_tool("paged__getPet", {"petId": 3})
                prompts = [p.name for p in (await session.list_prompts()).prompts]
                prompt = await session.get_prompt("remote__review", {"topic": "aggregates"})
                motd = await session.read_resource("fixture://motd")
                unknown = None
                try:
                    await session.call_tool("nowhere__tool", {})
                except Exception as error:
                    unknown = str(error)
                return names, pet, now, echoed, paged, unknown, (prompts, prompt, motd)

            names, pet, now, echoed, paged, unknown, features = run(in_session(urls["all"], exercise))
    clinic = ["listPets", "createPet", "getPet", "updatePet", "deletePet", "listVisits", "scheduleVisit", "clinicSummary"]
    assert f"ok   /mcp/all: {len(names)} tools from clinic = " in checked[0], checked[0]
    assert [n for n in names if n.startswith("clinic__")] == [f"clinic__{n}" for n in clinic]
    assert [n for n in names if n.startswith("paged__")] == [f"paged__{n}" for n in clinic], "a cursor was not followed"
    assert {"time__get_current_time", "time__convert_time", "remote__echo", "remote__grow"} <= set(names)
    assert all(len(n) <= 64 for n in names)
    assert pet.structured_content["name"] == "Kiwi" and paged.structured_content["name"] == "Kiwi"
    assert "Asia/Tokyo" in now.content[0].text and echoed.content[0].text == "hi"
    assert unknown and "nowhere__tool" in unknown
    prompts, prompt, motd = features
    assert prompts == ["remote__review"]
    assert "Please review aggregates." in prompt.messages[0].content.text
    assert motd.contents[0].text == "remote says hello"


def test_a_stateless_call_whose_client_goes_away_is_cancelled_upstream(toolgate, tmp_path):
    """2026-07-28: a client that closes its connection before the JSON answer cancels the
    request, and the cancellation reaches the remote server as notifications/cancelled."""
    import json
    import socket
    import urllib.parse

    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}
    call = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "sleep", "arguments": {"seconds": 25}, "_meta": meta}}).encode()
    with remote("streamable-http") as base, gateway(toolgate, tmp_path, f"""\
            - name: up
              url: {{ endpoint: "{base}/mcp", bearer_token: "${{REMOTE_TOKEN}}" }}
            """, ["up"]) as urls:
        parts = urllib.parse.urlsplit(urls["up"])
        head = (f"POST {parts.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                f"Mcp-Method: tools/call\r\nMcp-Name: sleep\r\nAuthorization: Bearer {CLIENT_TOKEN}\r\n"
                f"Content-Length: {len(call)}\r\n\r\n").encode()

        async def cancelled_upstream(session):
            # The call is on its way once the remote server counts it as running; then the client goes.
            with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
                sock.sendall(head + call)
                for _ in range(200):
                    if (await session.call_tool("running", {})).structured_content["result"] >= 1:
                        break
                    await asyncio.sleep(0.05)
            for _ in range(200):  # the cancellation travels on a POST of its own
                stopped = (await session.call_tool("cancellations", {})).structured_content["result"]
                if stopped:
                    return stopped
                await asyncio.sleep(0.05)
            return []

        assert run(in_session(urls["up"], cancelled_upstream)) == [25.0]
