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
    tools = (await session.list_tools()).tools
    pet = await session.call_tool("getPet", {"petId": 2})
    missing = await session.call_tool("getPet", {"petId": 999})
    await session.send_ping()
    return {
        "version": init.protocolVersion, "server": init.serverInfo.name, "tools": [t.name for t in tools],
        "pet": pet.structuredContent, "missingIsError": missing.isError,
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
