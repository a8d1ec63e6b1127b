"""`toolgate serve` over streamable HTTP on 127.0.0.1, driven by the Python mcp 2.3.0 client
(auto mode with its server/discover probe, JSON and SSE replies) and by raw HTTP probes."""
import asyncio
import json
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import ACCEPT, all_tool_names, cancel_then_use, post

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


def test_auto_client_over_http(gateway):
    """The default client probes server/discover and stays on the stateless revision: no session."""
    async def main():
        async with Client(gateway) as client:
            names, _ = await all_tool_names(client)
            pet = await client.call_tool("getPet", {"petId": 3})
            return client.protocol_version, names, pet.structured_content

    version, names, pet = run(main())
    assert version == "2026-07-28", "the client fell back to initialize instead of adopting server/discover"
    assert names == ["listPets", "createPet", "getPet", "updatePet", "deletePet", "listVisits", "scheduleVisit", "clinicSummary"]
    assert pet["name"] == "Kiwi"


def test_session_json_and_sse_replies(gateway):
    progress = []

    async def on_progress(value, total, message):
        progress.append(value)

    async def main():
        async with streamable_http_client(gateway) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                names, _ = await all_tool_names(session)
                assert len(names) == 8
                pet = await session.call_tool("getPet", {"petId": 1})
                assert pet.structured_content["name"] == "Rex"
                # A progress token makes the reply an SSE stream.
                report = await session.call_tool("clinicSummary", {}, progress_callback=on_progress)
                assert report.structured_content["total"] == 3
                missing = await session.call_tool("getPet", {"petId": 999})
                assert missing.is_error
                await session.send_ping()

    run(main())


def test_cancelled_call_over_http_leaves_the_session_working(gateway):
    """Cancelling a waiting call makes the client send notifications/cancelled; the session keeps serving."""
    async def main():
        async with streamable_http_client(gateway) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await cancel_then_use(session)

    assert run(main()) < 5


def test_two_clients_with_the_same_ids_get_their_own_answers(gateway):
    async def one(pet_id):
        async with streamable_http_client(gateway) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                results = await asyncio.gather(*[session.call_tool("getPet", {"petId": pet_id}) for _ in range(5)])
                return {r.structured_content["id"] for r in results}

    async def main():
        return await asyncio.gather(one(1), one(2))

    assert run(main()) == [{1}, {2}]


def test_status_codes(gateway):
    status, headers, body = post(gateway, INITIALIZE)
    assert status == 200
    session = headers["Mcp-Session-Id"]
    assert re.fullmatch(r"[0-9a-f]{64}", session)
    ok = {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
    assert post(gateway, {"jsonrpc": "2.0", "method": "notifications/initialized"}, ok)[0] == 202
    status, _, body = post(gateway, {"jsonrpc": "2.0", "id": 2, "method": "ping"}, ok)
    assert status == 200 and json.loads(body) == {"jsonrpc": "2.0", "id": 2, "result": {}}
    assert post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "ping"})[0] == 400, "no session id"
    assert post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, {"Mcp-Session-Id": "nope"})[0] == 404
    assert post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, {**ok, "MCP-Protocol-Version": "1999-01-01"})[0] == 400
    assert post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, {**ok, "Accept": "application/json"})[0] == 406
    assert post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, {**ok, "Content-Type": "text/plain"})[0] == 415
    status, _, body = post(gateway, b"{bad", ok)
    assert status == 400 and json.loads(body)["error"]["code"] == -32700
    status, _, body = post(gateway, [{"jsonrpc": "2.0", "id": 9, "method": "ping"}], ok)
    assert status == 400 and json.loads(body)["error"]["code"] == -32600, "no batches after 2025-03-26"
    assert post(gateway, b"x" * 70000, ok)[0] == 413
    status, headers, _ = post(gateway, INITIALIZE, {"Origin": "http://evil.example"})
    assert status == 403
    assert post(gateway, INITIALIZE, {"Host": "evil.example"})[0] == 421
    status, headers, _ = post(gateway, {"jsonrpc": "2.0", "id": 4, "method": "ping"}, {**ok, "Origin": "http://localhost:3000"})
    assert status == 200 and "Mcp-Session-Id" in headers["Access-Control-Expose-Headers"]
    assert post(gateway, None, {**ok, "Accept": "application/json"}, method="GET")[0] == 406
    assert post(gateway, None, ok, method="PUT")[0] == 405
    assert post(gateway, None, ok, method="DELETE")[0] == 204
    assert post(gateway, {"jsonrpc": "2.0", "id": 5, "method": "ping"}, ok)[0] == 404, "a deleted session is gone"
    health = urllib.request.urlopen(gateway.rsplit("/mcp/", 1)[0] + "/healthz", timeout=10)
    assert health.status == 200


def test_legacy_sse_transport(gateway):
    """The 2024-11-05 HTTP+SSE transport: GET .../sse announces the endpoint, answers travel on the stream."""
    from mcp.client.sse import sse_client

    async def main():
        async with sse_client(gateway + "/sse") as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                tools = await session.list_tools()
                pet = await session.call_tool("getPet", {"petId": 3})
                await session.send_ping()
                return init.protocol_version, [t.name for t in tools.tools], pet.structured_content

    version, names, pet = run(main())
    assert version == "2025-11-25"
    assert names == ["listPets", "createPet", "getPet"]
    assert pet["name"] == "Kiwi"
    status, _, _ = post(gateway + "/messages?session_id=unknown", {"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert status == 404


def sse_events(text):
    """(id, message) pairs of an SSE body."""
    events, current = [], {}
    for line in text.splitlines():
        if line.startswith("id: "):
            current["id"] = line[4:]
        elif line.startswith("data: "):
            current["data"] = json.loads(line[6:])
        elif line == "" and "data" in current:
            events.append((current.get("id"), current["data"]))
            current = {}
    return events


def test_resume_a_dropped_stream_with_last_event_id(gateway):
    """A client that loses a POST's SSE stream mid-call gets the rest, reply included, by GET + Last-Event-ID."""
    import http.client
    from urllib.parse import urlsplit

    status, headers, _ = post(gateway, INITIALIZE)
    session = headers["Mcp-Session-Id"]
    ok = {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
    post(gateway, {"jsonrpc": "2.0", "method": "notifications/initialized"}, ok)
    parts = urlsplit(gateway)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "clinicSummary", "arguments": {"delay_ms": 1500}, "_meta": {"progressToken": "t7"}}}
    connection.request("POST", parts.path, json.dumps(call), {"Content-Type": "application/json", "Accept": ACCEPT, **ok})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    first = b""
    while not first.endswith(b"\n\n"):
        first += response.read(1)
    (first_id, first_message), = sse_events(first.decode())
    assert first_message["method"] == "notifications/progress" and first_id
    connection.close()  # the connection drops before the answer; the call goes on

    status, headers, body = post(gateway, None, {**ok, "Accept": "text/event-stream", "Last-Event-ID": first_id}, method="GET")
    assert status == 200
    rest = sse_events(body.decode())
    assert [m.get("method") for _, m in rest] == ["notifications/progress", None]
    assert rest[-1][1]["id"] == 7 and rest[-1][1]["result"]["structuredContent"]["total"] == 3
    assert all(event_id.split(".")[0] == first_id.split(".")[0] for event_id, _ in rest), "only that stream's events"
    status, _, _ = post(gateway, None, {**ok, "Accept": "text/event-stream", "Last-Event-ID": "99.1"}, method="GET")
    assert status == 400


def test_standalone_get_stream(gateway):
    """One standalone GET stream per session; DELETE ends it."""
    import http.client
    from urllib.parse import urlsplit

    status, headers, _ = post(gateway, INITIALIZE)
    ok = {"Mcp-Session-Id": headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-06-18"}
    parts = urlsplit(gateway)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path, headers={"Accept": "text/event-stream", **ok})
    stream = connection.getresponse()
    assert stream.status == 200 and stream.getheader("Content-Type") == "text/event-stream"
    assert post(gateway, None, {**ok, "Accept": "text/event-stream"}, method="GET")[0] == 409
    assert post(gateway, None, ok, method="DELETE")[0] == 204
    assert stream.read() == b"", "the stream ends with the session"
    connection.close()


def test_reply_modes(toolgate, demo_api):
    """--replies sse answers every request after initialize on a stream (with event ids); --replies json never streams."""
    from conftest import serve

    with serve(toolgate, demo_api, "--replies", "sse") as url:
        status, headers, _ = post(url, INITIALIZE)
        assert status == 200 and headers["Content-Type"] == "application/json"
        ok = {"Mcp-Session-Id": headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-06-18"}
        status, headers, body = post(url, {"jsonrpc": "2.0", "id": 2, "method": "ping"}, ok)
        assert headers["Content-Type"] == "text/event-stream"
        (event_id, reply), = sse_events(body.decode())
        assert event_id and reply == {"jsonrpc": "2.0", "id": 2, "result": {}}

        async def main():
            async with Client(url) as client:
                return (await client.call_tool("getPet", {"petId": 1})).structured_content

        assert run(main())["name"] == "Rex"
    with serve(toolgate, demo_api, "--replies", "json") as url:
        _, headers, _ = post(url, INITIALIZE)
        ok = {"Mcp-Session-Id": headers["Mcp-Session-Id"], "MCP-Protocol-Version": "2025-06-18"}
        call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "getPet", "arguments": {"petId": 2}, "_meta": {"progressToken": 1}}}
        status, headers, body = post(url, call, ok)
        assert headers["Content-Type"] == "application/json" and json.loads(body)["result"]["structuredContent"]["id"] == 2
