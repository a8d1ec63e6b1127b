"""`toolgate bridge -- COMMAND`: a stdio MCP server from PyPI (mcp-server-time) shared over
streamable HTTP and legacy SSE, driven by the Python mcp client; ids remapped for concurrent
clients; a crashing child gives an error, not a hang, and is restarted."""
import asyncio
import json
import pathlib
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from conftest import listening_url

HERE = pathlib.Path(__file__).resolve().parent


@contextmanager
def bridge(toolgate, *command):
    process = subprocess.Popen([toolgate, "bridge", "--port", "0", "--call-timeout", "20", "--", *command],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp)")
    finally:
        process.terminate()
        process.wait(timeout=15)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=90))


async def session_for(url, body):
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await body(session)


def test_time_server_over_streamable_http_and_sse(toolgate):
    with bridge(toolgate, sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC") as url:
        async def exercise(session):
            tools = [t.name for t in (await session.list_tools()).tools]
            now = await session.call_tool("get_current_time", {"timezone": "Europe/Paris"})
            bad = await session.call_tool("get_current_time", {"timezone": "Mars/Olympus"})
            try:
                await session.call_tool("no_such_tool", {})
                unknown = "no error"
            except Exception as error:  # McpError with the JSON-RPC message
                unknown = str(error)
            # The same words an OpenAPI server uses (the child says `Unknown tool: no_such_tool`).
            assert unknown == "Unknown tool: 'no_such_tool'", unknown
            return tools, now, bad

        tools, now, bad = run(session_for(url, exercise))
        assert {"get_current_time", "convert_time"} <= set(tools)
        assert not now.is_error and "Europe/Paris" in now.content[0].text
        assert bad.is_error

        async def legacy():
            async with sse_client(url.rsplit("/mcp", 1)[0] + "/sse") as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    result = await session.call_tool("convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"})
                    return result

        converted = run(legacy())
        assert not converted.is_error and "21:00" in converted.content[0].text


def test_two_clients_with_the_same_ids_through_one_child(toolgate):
    with bridge(toolgate, sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC") as url:
        async def calls(zone):
            async def body(session):
                results = await asyncio.gather(*[session.call_tool("get_current_time", {"timezone": zone}) for _ in range(5)])
                return {zone in r.content[0].text for r in results}
            return await session_for(url, body)

        async def main():
            return await asyncio.gather(calls("Asia/Tokyo"), calls("America/New_York"))

        assert run(main()) == [{True}, {True}]


def test_a_crashing_child_fails_the_call_and_is_restarted(toolgate):
    with bridge(toolgate, sys.executable, str(HERE / "servers" / "flaky_server.py")) as url:
        async def body(session):
            first_pid = (await session.call_tool("pid", {})).structured_content["result"]
            running = asyncio.Event()

            async def on_progress(progress, total, message):
                running.set()  # the child's progress came back through the gateway's remapped token

            slow = asyncio.create_task(session.call_tool("sleep", {"seconds": 30}, progress_callback=on_progress))
            await asyncio.wait_for(running.wait(), timeout=10)
            crashed = await session.call_tool("crash", {})
            slept = await asyncio.wait_for(slow, timeout=10)
            second_pid = (await session.call_tool("pid", {})).structured_content["result"]
            prompt = await session.get_prompt("summarise", {"text": "the log"})
            resource = await session.read_resource("flaky://pid")
            return first_pid, crashed, slept, second_pid, (prompt, resource)

        started = time.monotonic()
        first_pid, crashed, slept, second_pid, (prompt, resource) = run(session_for(url, body))
        assert crashed.is_error and "exited" in crashed.content[0].text
        assert slept.is_error and "exited" in slept.content[0].text, "the call in flight fails, it does not hang"
        assert time.monotonic() - started < 20
        assert second_pid != first_pid, "the child was restarted"
        assert prompt.messages[0].content.text == "Summarise: the log"
        assert resource.contents[0].text == str(second_pid), "resources come from the running child"


@pytest.mark.parametrize("aggregate", [False, True], ids=["stdio-server", "source-of-an-aggregate"])
def test_per_session_children_end_with_their_sessions(toolgate, tmp_path, aggregate):
    """mode: per-session gives each client session its own child, stopped when the session ends;
    also when the children are sources of an aggregate server (there mcp-server-time, from PyPI,
    runs per session too)."""
    import os

    child = f"stdio: {{ command: {sys.executable}, args: [{HERE / 'servers' / 'flaky_server.py'}], mode: per-session }}"
    config = tmp_path / "per-session.yaml"
    if aggregate:
        config.write_text(f"listen: 127.0.0.1:0\nallowed_commands: [{sys.executable}]\nservers:\n  - name: flaky\n    sources:\n"
                          f"      - {{ name: flaky, {child} }}\n"
                          f"      - {{ name: time, stdio: {{ command: {sys.executable}, args: [-m, mcp_server_time], mode: per-session }} }}\n")
    else:
        config.write_text(f"listen: 127.0.0.1:0\nallowed_commands: [{sys.executable}]\nservers:\n  - name: flaky\n    {child}\n")
    tool = "flaky__pid" if aggregate else "pid"
    process = subprocess.Popen([toolgate, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/flaky)")

        async def pid_of_one_session():
            async def body(session):
                if aggregate:
                    assert (await session.call_tool("time__get_current_time", {"timezone": "UTC"})).is_error is False
                return (await session.call_tool(tool, {})).structured_content["result"]
            return await session_for(url, body)  # the client deletes its session on exit

        async def main():
            return await asyncio.gather(pid_of_one_session(), pid_of_one_session())

        first, second = run(main())
        assert first != second, "each session has its own child"
        deadline = time.monotonic() + 10
        alive = {first, second}
        while alive and time.monotonic() < deadline:
            for pid in list(alive):
                try:
                    os.kill(pid, 0)
                    if open(f"/proc/{pid}/stat").read().split()[2] == "Z":
                        alive.discard(pid)
                except (ProcessLookupError, FileNotFoundError):
                    alive.discard(pid)
            time.sleep(0.1)  # polling the OS for the exits; nothing here to await
        assert not alive, f"children still running after their sessions ended: {alive}"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_child_that_cannot_start_says_why(toolgate):
    """The reason a child stopped (its last stderr lines, the signal that killed it) reaches the
    client's error, not only the gateway's log."""
    failing = "import sys; sys.stderr.write(\"ModuleNotFoundError: No module named 'nosuch'\\n\"); sys.exit(1)"
    with bridge(toolgate, sys.executable, "-c", failing) as url:
        async def body(session):
            try:
                await session.list_tools()
            except Exception as error:  # the SDK raises McpError with the JSON-RPC message
                return str(error)
            return "no error"

        message = run(session_for(url, body))
    assert "exited with status 1" in message, message
    assert "No module named 'nosuch'" in message, message

    killed = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    with bridge(toolgate, sys.executable, "-c", killed) as url:
        async def body(session):
            try:
                await session.list_tools()
            except Exception as error:
                return str(error)
            return "no error"

        message = run(session_for(url, body))
    assert "was killed by signal 9 (SIGKILL)" in message, message


def test_readiness_asks_the_child(toolgate):
    """`/readyz` is ready only when the child lists its tools; a child that cannot start is
    reported at error level before "listening", and `/readyz` answers 503 with its reason."""
    failing = "import sys; sys.stderr.write(\"ModuleNotFoundError: No module named 'nosuch'\\n\"); sys.exit(1)"
    process = subprocess.Popen([toolgate, "bridge", "--port", "0", "--", sys.executable, "-c", failing],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        before, url = [], None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            before.append(line)
            match = re.search(r"url=(http://127\.0\.0\.1:\d+)/mcp", line)
            url = match.group(1) if match else None
        assert url, "".join(before)
        threading.Thread(target=process.stderr.read, daemon=True).start()
        assert any(" error " in line and "cannot start" in line and "No module named 'nosuch'" in line for line in before), "".join(before)
        assert "not ready" in before[-1], before[-1]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "/readyz", timeout=30)
        assert refused.value.code == 503
        body = json.loads(refused.value.read())
        assert body["status"] == "not_ready"
        assert [name for name, value in body["servers"].items() if "No module named 'nosuch'" in value["error"]], body
    finally:
        process.terminate()
        process.wait(timeout=15)

    with bridge(toolgate, sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC") as url:
        with urllib.request.urlopen(url.rsplit("/mcp", 1)[0] + "/readyz", timeout=30) as answer:
            body = json.loads(answer.read())
        assert answer.status == 200 and body["status"] == "ready"
        assert list(body["servers"].values())[0] >= 2, body
