"""Drives `toolgate stdio` with the official Python MCP client, as an AI agent would, on the
example configuration's `clinic` server (its base URL comes from DEMO_API_URL)."""
import asyncio
import json
import sys

from mcp import Client, StdioServerParameters


async def main(toolgate: str, config: str, base_url: str) -> None:
    server = StdioServerParameters(
        command=toolgate, args=["stdio", "--config", config, "--server", "clinic", "--log-level", "warning"],
        env={"DEMO_API_URL": base_url},
    )
    async with Client(server) as client:
        print(f"connected: MCP {client.protocol_version}")
        tools = (await client.list_tools()).tools
        print(f"{len(tools)} tools from the 'clinic' server of {config}:")
        for tool in tools:
            arguments = ", ".join(tool.input_schema.get("properties", {}))
            print(f"  {tool.name}({arguments}) - {tool.description.splitlines()[0]}")

        async def call(name: str, arguments: dict) -> None:
            result = await client.call_tool(name, arguments)
            text = result.content[0].text if result.content else ""
            status = "error" if result.is_error else "ok"
            print(f"\n> {name} {json.dumps(arguments)}\n  [{status}] {text[:300]}")

        await call("listPets", {"limit": 5})
        await call("createPet", {"name": "Bo", "species": "rabbit", "age": 2})
        await call("scheduleVisit", {"petId": 4, "date": "2026-12-01", "reason": "vaccination", "X-Clinic-Branch": "north"})
        await call("getPet", {"petId": 42})
        await call("createPet", {"species": "dog"})
        await call("createPet", {"name": "Internal use only: Max", "species": "dog"})
        await call("clinicSummary", {})


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
