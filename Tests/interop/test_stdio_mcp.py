"""The official Python MCP SDK (mcp 2.3.0, a client no one here wrote) drives `toolgate stdio`
against the live demo API."""
import asyncio
import json
import subprocess
import time

import pytest
from mcp import Client, ClientSession, MCPError, StdioServerParameters, stdio_client

from conftest import REPO, all_tool_names, cancel_then_use

SPEC = str(REPO / "specs" / "demo-api.yaml")


def params(toolgate: str, base_url: str, *extra: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=toolgate,
        args=["stdio", "--spec", SPEC, "--base-url", base_url, "--log-level", "warning", *extra],
    )


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


def test_auto_client_adopts_the_stateless_revision(toolgate, demo_api):
    """The default Client sends server/discover before initialize; the answer settles it on 2026-07-28."""
    async def main():
        started = time.monotonic()
        async with Client(params(toolgate, demo_api)) as client:
            elapsed = time.monotonic() - started
            tools = (await client.list_tools()).tools
            return client.protocol_version, [t.name for t in tools], elapsed

    version, names, elapsed = run(main())
    assert version == "2026-07-28"
    assert names == ["listPets", "createPet", "getPet", "updatePet", "deletePet", "listVisits", "scheduleVisit", "clinicSummary"]
    # An unanswered probe costs the client a 10 s timeout; an answered one costs milliseconds.
    assert elapsed < 8, f"handshake took {elapsed:.1f}s: the probe was not answered promptly"


def test_session_lists_pages_and_calls_tools(toolgate, demo_api):
    async def main():
        async with stdio_client(params(toolgate, demo_api, "--page-size", "3")) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.server_info.name == "toolgate"
                assert init.capabilities.tools is not None

                names, pages = await all_tool_names(session)
                assert pages == 3 and len(names) == 8

                pet = await session.call_tool("getPet", {"petId": 1})
                assert not pet.is_error
                assert pet.structured_content["name"] == "Rex"
                assert json.loads(pet.content[0].text)["species"] == "dog"

                created = await session.call_tool("createPet", {"name": "Bo", "species": "rabbit", "age": 2, "tags": ["fluffy"]})
                assert not created.is_error, created.content[0].text
                new_id = created.structured_content["id"]
                fetched = await session.call_tool("getPet", {"petId": new_id})
                assert fetched.structured_content == {"id": new_id, "name": "Bo", "species": "rabbit", "age": 2, "tags": ["fluffy"]}

                listed = await session.call_tool("listPets", {"species": "rabbit", "limit": 5})
                assert [p["name"] for p in listed.structured_content["pets"]] == ["Bo"]

                visit = await session.call_tool(
                    "scheduleVisit", {"petId": new_id, "date": "2026-12-01", "reason": "check-up", "X-Clinic-Branch": "north"}
                )
                assert visit.structured_content["branch"] == "north"

                missing = await session.call_tool("getPet", {"petId": 999})
                assert missing.is_error and missing.content[0].text.startswith("HTTP 404 Not Found")

                invalid = await session.call_tool("createPet", {"species": "dog"})
                assert invalid.is_error and "missing required argument 'name'" in invalid.content[0].text

                deleted = await session.call_tool("deletePet", {"petId": new_id})
                assert not deleted.is_error and "204" in deleted.content[0].text

                with pytest.raises(MCPError) as unknown:
                    await session.call_tool("noSuchTool", {})
                assert unknown.value.error.code == -32602

                assert (await session.list_prompts()).prompts == []
                assert (await session.list_resources()).resources == []
                await session.send_ping()

    run(main())


def test_cancelled_call_leaves_the_server_responsive(toolgate, demo_api):
    async def main():
        async with stdio_client(params(toolgate, demo_api)) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await cancel_then_use(session)

    assert run(main()) < 5


def test_upstream_down_is_a_tool_error_not_a_crash(toolgate):
    async def main():
        async with stdio_client(params(toolgate, "http://127.0.0.1:1")) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                result = await session.call_tool("getPet", {"petId": 1})
                assert result.is_error
                assert "connection refused" in result.content[0].text
                await session.send_ping()

    run(main())


def test_stdout_carries_only_json_rpc(toolgate, demo_api):
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "getPet", "arguments": {"petId": 2}}},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n{not json\n"
    completed = subprocess.run(
        [toolgate, "stdio", "--spec", SPEC, "--base-url", demo_api, "--log-level", "debug"],
        input=text, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 0
    replies = [json.loads(line) for line in completed.stdout.splitlines()]
    # initialize is handled before the next line is read, so a pipelined call already sees the session;
    # the call and the parse error may answer in either order.
    assert replies[0]["id"] == 1
    assert sorted(replies[1:], key=lambda reply: reply["id"] is None)[0]["id"] == 2
    replies = [replies[0]] + sorted(replies[1:], key=lambda reply: reply["id"] is None)
    assert replies[0]["result"]["protocolVersion"] == "2024-11-05"
    assert "structuredContent" not in replies[1]["result"], "2024-11-05 has no structuredContent"
    assert replies[2]["error"]["code"] == -32700
    assert "session initialized" in completed.stderr, "logs go to stderr"
