"""A remote MCP server (Python mcp SDK's MCPServer under uvicorn) for the `url:` upstream tests.

Usage: remote_server.py streamable-http|sse TOKEN [PORT]
Prints `listening PORT` once it accepts connections. Every request must carry
`Authorization: Bearer TOKEN` (else 401); every Authorization header seen is kept so a test can
show that a client's own token never reached this server."""
import asyncio
import os
import socket
import sys

import uvicorn
from starlette.responses import JSONResponse

from mcp.server.mcpserver import Context, MCPServer

transport, token = sys.argv[1], sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
seen_authorizations = []
cancelled = []
server = MCPServer("remote-fixture")


@server.tool()
def echo(text: str) -> str:
    """Returns the text."""
    return text


@server.tool()
def seen() -> list[str]:
    """Every Authorization header this server has received, in order."""
    return seen_authorizations


@server.tool()
async def sleep(seconds: float, ctx: Context) -> str:
    """Reports progress, waits, answers."""
    await ctx.report_progress(1, 2, "sleeping")
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        cancelled.append(seconds)
        raise
    return f"slept {seconds}"


@server.tool()
def cancellations() -> list[float]:
    """The `seconds` of every sleep that a notifications/cancelled stopped."""
    return cancelled


@server.tool()
def pid() -> int:
    """This server's process id."""
    return os.getpid()


@server.tool()
async def grow(name: str, ctx: Context) -> str:
    """Adds a tool called `name` and tells connected clients that the tool list changed."""
    def added() -> str:
        return f"I am {name}"

    server.add_tool(added, name=name, description=f"Added at run time: {name}")
    await ctx.session.send_tool_list_changed()
    return f"added {name}"


@server.resource("fixture://motd", mime_type="text/plain")
def motd() -> str:
    """The message of the day."""
    return "remote says hello"


@server.prompt()
def review(topic: str) -> str:
    """Asks for a review of a topic."""
    return f"Please review {topic}."


app = server.sse_app() if transport == "sse" else server.streamable_http_app()


async def checked(scope, receive, send):
    if scope["type"] == "http":
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        seen_authorizations.append(headers.get("authorization", ""))
        if headers.get("authorization") != f"Bearer {token}":
            await JSONResponse({"error": "unauthorized"}, status_code=401)(scope, receive, send)
            return
    await app(scope, receive, send)


async def main():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    config = uvicorn.Config(checked, log_level="warning", lifespan="on")
    web = uvicorn.Server(config)

    async def announce():
        while not web.started:
            await asyncio.sleep(0.02)
        print(f"listening {sock.getsockname()[1]}", flush=True)

    await asyncio.gather(web.serve(sockets=[sock]), announce())


asyncio.run(main())
