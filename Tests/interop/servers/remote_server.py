"""A remote MCP server (Python mcp SDK's MCPServer under uvicorn) for the `url:` upstream tests.

Usage: remote_server.py streamable-http|sse TOKEN [PORT]
Prints `listening PORT` once it accepts connections. Every request must carry
`Authorization: Bearer TOKEN` (else 401); every Authorization header seen is kept so a test can
show that a client's own token never reached this server."""
import asyncio
import hashlib
import os
import socket
import sys

import uvicorn
from starlette.responses import JSONResponse

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import Prompt
from mcp.server.streamable_http import EventMessage, EventStore

transport, token = sys.argv[1], sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
seen_authorizations = []
cancelled = []
sleeping = []
server = MCPServer("remote-fixture")


@server.tool()
def echo(text: str) -> str:
    """Returns the text."""
    return text


@server.tool()
def seen() -> list[str]:
    """The SHA-256 of every Authorization header this server has received, in order (digests, so
    the gateway's scrubbing of its own token from results does not hide what was sent)."""
    return [hashlib.sha256(value.encode()).hexdigest() for value in seen_authorizations]


@server.tool()
async def sleep(seconds: float, ctx: Context) -> str:
    """Reports progress, waits, answers."""
    await ctx.report_progress(1, 2, "sleeping")
    sleeping.append(seconds)
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        cancelled.append(seconds)
        raise
    finally:
        sleeping.remove(seconds)
    return f"slept {seconds}"


@server.tool()
def running() -> int:
    """How many sleeps are in progress."""
    return len(sleeping)


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


@server.tool()
async def grow_prompt(name: str, ctx: Context) -> str:
    """Adds a prompt called `name` and tells connected clients that the prompt list changed."""
    def text() -> str:
        return f"prompt {name}"

    server.add_prompt(Prompt.from_function(text, name=name, description=f"Added at run time: {name}"))
    await ctx.session.send_prompt_list_changed()
    return f"added prompt {name}"


@server.resource("fixture://motd", mime_type="text/plain")
def motd() -> str:
    """The message of the day."""
    return "remote says hello"


@server.prompt()
def review(topic: str) -> str:
    """Asks for a review of a topic."""
    return f"Please review {topic}."


@server.tool()
async def poll(seconds: float, ctx: Context) -> str:
    """Reports progress, closes its own response stream (the client must resume it with
    Last-Event-ID), waits, answers."""
    await ctx.report_progress(1, 2, "closing the stream")
    await ctx.close_sse_stream()
    await asyncio.sleep(seconds)
    return f"polled {seconds}"


class MemoryEventStore(EventStore):
    """Every event kept in memory, so a dropped stream can be replayed after Last-Event-ID."""

    def __init__(self):
        self.events = []  # (event id, stream id, message)

    async def store_event(self, stream_id, message):
        event_id = str(len(self.events) + 1)
        self.events.append((event_id, stream_id, message))
        return event_id

    async def replay_events_after(self, last_event_id, send_callback):
        index = next((i for i, (event_id, _, _) in enumerate(self.events) if event_id == last_event_id), None)
        if index is None:
            return None
        stream_id = self.events[index][1]
        for event_id, stream, message in self.events[index + 1:]:
            if stream == stream_id and message is not None:
                await send_callback(EventMessage(message, event_id))
        return stream_id


app = server.sse_app() if transport == "sse" else server.streamable_http_app(event_store=MemoryEventStore(), retry_interval=50)


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
