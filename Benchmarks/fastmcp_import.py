"""FastMCP's OpenAPI import of one document (the reference for Benchmarks/import.sh): parse the
file, build the server, list its tools; prints the tool count."""
import asyncio
import json
import sys

import httpx2
import yaml
from fastmcp import FastMCP


async def main(path: str) -> None:
    with open(path) as handle:
        spec = json.load(handle) if path.endswith(".json") else yaml.safe_load(handle)
    server = FastMCP.from_openapi(openapi_spec=spec, client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"))
    tools = await server.list_tools()
    print(len(tools))


asyncio.run(main(sys.argv[1]))
