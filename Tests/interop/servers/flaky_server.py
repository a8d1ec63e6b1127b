"""A stdio MCP server (Python mcp SDK) for the bridge tests: `pid` names its process, `sleep`
waits, `crash` kills the process at once (as a crashing child would); one prompt and one
resource show that those are passed on too."""
import asyncio
import os

from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("flaky")


@server.tool()
def pid() -> int:
    """The server's process id."""
    return os.getpid()


@server.tool()
async def sleep(seconds: float, ctx: Context) -> str:
    """Reports that it started (progress), waits, then answers."""
    await ctx.report_progress(1, 2, "sleeping")
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


@server.tool()
def crash() -> str:
    """Exits the process without answering."""
    os._exit(3)


@server.prompt()
def summarise(text: str) -> str:
    """Asks for a summary."""
    return f"Summarise: {text}"


@server.resource("flaky://pid", mime_type="text/plain")
def pid_resource() -> str:
    """The server's process id, as a resource."""
    return str(os.getpid())


server.run()
