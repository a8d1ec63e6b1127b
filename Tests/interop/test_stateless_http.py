"""The stateless revision 2026-07-28 on the same endpoint as the handshake revisions, probed
over raw HTTP the way the Python mcp 2.x client sends it (captured from its wire traffic)."""
import json

from conftest import post

META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}}


def modern(method, params=None, id=1, **headers):
    body = {"jsonrpc": "2.0", "id": id, "method": method, "params": {**(params or {}), "_meta": META}}
    fields = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
    if method == "tools/call":
        fields["Mcp-Name"] = body["params"]["name"]
    return body, {**fields, **headers}


def test_discover_and_call_without_a_session(gateway):
    status, headers, body = post(gateway, *modern("server/discover"))
    assert status == 200 and "Mcp-Session-Id" not in headers
    result = json.loads(body)["result"]
    assert "2026-07-28" in result["supportedVersions"] and "2025-11-25" in result["supportedVersions"]
    assert result["resultType"] == "complete" and result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "toolgate"
    status, headers, body = post(gateway, *modern("tools/call", {"name": "getPet", "arguments": {"petId": 2}}, id="x"))
    reply = json.loads(body)
    assert status == 200 and reply["id"] == "x" and "Mcp-Session-Id" not in headers
    assert reply["result"]["structuredContent"]["id"] == 2 and reply["result"]["resultType"] == "complete"


def test_progress_travels_on_the_requests_own_stream(gateway):
    body, headers = modern("tools/call", {"name": "listPets", "arguments": {}})
    body["params"]["_meta"] = {**META, "progressToken": "p1"}
    status, response_headers, raw = post(gateway, body, headers)
    assert status == 200 and response_headers["Content-Type"] == "text/event-stream"
    events = [json.loads(line[6:]) for line in raw.decode().splitlines() if line.startswith("data: ")]
    assert any(e.get("method") == "notifications/progress" and e["params"]["progressToken"] == "p1" for e in events)
    assert events[-1]["id"] == 1 and events[-1]["result"]["resultType"] == "complete"


def test_stateless_errors_and_status_codes(gateway):
    status, _, body = post(gateway, *modern("ping"))
    assert status == 404 and json.loads(body)["error"]["code"] == -32601, "ping is gone in 2026-07-28"
    body, headers = modern("tools/call", {"name": "getPet", "arguments": {"petId": 1}})
    status, _, raw = post(gateway, body, {**headers, "Mcp-Name": "deletePet"})
    assert status == 400 and json.loads(raw)["error"]["code"] == -32020
    status, _, raw = post(gateway, body, {**headers, "Mcp-Method": "tools/list"})
    assert status == 400 and json.loads(raw)["error"]["code"] == -32020
    status, _, raw = post(gateway, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
                          {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"})
    error = json.loads(raw)["error"]
    assert status == 400 and error["code"] == -32602 and "protocolVersion" in error["message"]
    later = {**META, "io.modelcontextprotocol/protocolVersion": "2027-01-01"}
    status, _, raw = post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "server/discover", "params": {"_meta": later}},
                          {"Mcp-Method": "server/discover"})
    assert status == 400 and json.loads(raw)["error"]["code"] == -32020, "the header is missing, so it cannot match"
    status, _, raw = post(gateway, {"jsonrpc": "2.0", "id": 3, "method": "server/discover", "params": {"_meta": later}},
                          {"Mcp-Method": "server/discover", "MCP-Protocol-Version": "2027-01-01"})
    error = json.loads(raw)["error"]
    assert status == 400 and error["code"] == -32022 and "2026-07-28" in error["data"]["supported"]
    status, _, raw = post(gateway, *modern("tools/call", {"name": "nope", "arguments": {}}))
    assert status == 400 and json.loads(raw)["error"]["code"] == -32602
    status, _, raw = post(gateway, {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"_meta": META}},
                          {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "notifications/cancelled"})
    assert status == 202
