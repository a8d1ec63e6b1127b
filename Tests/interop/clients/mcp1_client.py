"""An mcp 1.30.0 client session (run with .venv-interop1): prints what it saw as one JSON line.
Usage: mcp1_client.py stdio TOOLGATE SPEC BASE_URL | mcp1_client.py http URL
       mcp1_client.py proxy MCP_PROXY ARGS... (mcp-proxy as a stdio bridge to Toolgate's HTTP endpoint)"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client


async def exercise(session):
    init = await session.initialize()
    tools, cursor, pages = [], None, 0
    while True:  # every page, following nextCursor
        page = await session.list_tools(cursor=cursor) if cursor else await session.list_tools()
        tools += page.tools
        pages += 1
        cursor = page.nextCursor
        if not cursor:
            break
    pet = await session.call_tool("getPet", {"petId": 2})
    missing = await session.call_tool("getPet", {"petId": 999})
    progress = []

    async def on_progress(value, total, message):
        progress.append(value)

    summary = await session.call_tool("clinicSummary", {}, progress_callback=on_progress)
    try:  # cancelling the waiting task makes the client send notifications/cancelled
        await asyncio.wait_for(session.call_tool("clinicSummary", {"delay_ms": 8000}), timeout=0.5)
        cancelled = False
    except asyncio.TimeoutError:
        cancelled = True
    await session.send_ping()
    after = await session.call_tool("getPet", {"petId": 1})
    return {
        "version": init.protocolVersion, "server": init.serverInfo.name, "tools": [t.name for t in tools], "pages": pages,
        "pet": pet.structuredContent, "missingIsError": missing.isError, "progress": progress,
        "summaryTotal": summary.structuredContent["total"], "cancelled": cancelled, "afterCancel": after.structuredContent["name"],
    }


async def main(kind, args):
    if kind == "stdio":
        params = StdioServerParameters(command=args[0], args=["stdio", "--spec", args[1], "--base-url", args[2], "--log-level", "error"])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                return await exercise(session)
    if kind == "proxy":
        params = StdioServerParameters(command=args[0], args=args[1:])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                return await exercise(session)
    async with streamablehttp_client(args[0]) as (read, write, _session_id):
        async with ClientSession(read, write) as session:
            return await exercise(session)


print(json.dumps(asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2:]), timeout=60))))
