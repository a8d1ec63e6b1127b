"""A stdio MCP server (Python mcp SDK) for the bridge tests: `pid` names its process, `sleep`
waits, `crash` kills the process at once (as a crashing child would)."""
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


server.run()
