"""FastMCP's OpenAPI server on the benchmark document, forwarding to the same upstream.
Usage: fastmcp_server.py SPEC BASE_URL PORT stateless|session"""
import sys

import httpx2 as httpx
import yaml
from fastmcp import FastMCP

spec, base_url, port, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(spec) as handle:
    document = yaml.safe_load(handle)
client = httpx.AsyncClient(base_url=base_url, limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))
server = FastMCP.from_openapi(openapi_spec=document, client=client, name="bench")
server.run(transport="http", host="127.0.0.1", port=port, stateless_http=(mode == "stateless"), json_response=True,
           log_level="warning", show_banner=False)
