"""Sharp edges a new user meets first: bad flag values, a taken port, a path that names no server."""
import json
import socket
import subprocess

from conftest import DEMO_SPEC, post, serve


def run(toolgate, *arguments):
    return subprocess.run([toolgate, *arguments], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_port_out_of_range_is_refused_not_wrapped(toolgate):
    for command in (["serve", "--spec", DEMO_SPEC], ["bridge"]):
        extra = ["--", "python3", "-c", "pass"] if command == ["bridge"] else []
        result = run(toolgate, *command, "--port", "99999", *extra)
        assert result.returncode != 0
        assert "--port: expected 0 to 65535 (0 picks a free port), found 99999" in result.stderr, result.stderr


def test_base_url_must_be_a_url(toolgate):
    result = run(toolgate, "stdio", "--spec", DEMO_SPEC, "--base-url", "not a url")
    assert result.returncode != 0
    assert "--base-url: expected an http(s) URL with a host" in result.stderr, result.stderr


def test_taken_port_names_the_address_and_shuts_down_cleanly(toolgate):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(toolgate, "serve", "--spec", DEMO_SPEC, "--base-url", "http://127.0.0.1:9", "--port", str(port))
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}: the address is already in use" in result.stderr, result.stderr
    # Every client is shut down on this exit path too (a debug build traps on one left running).
    assert "not shut down" not in result.stderr and "Fatal error" not in result.stderr, result.stderr


def test_unknown_server_path_gets_a_json_404_naming_the_served_ones(toolgate, demo_api):
    with serve(toolgate, demo_api) as url:
        base = url.rsplit("/mcp/", 1)[0]
        status, headers, body = post(base + "/mcp/nope", {"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert status == 404
        assert headers.get("Content-Type") == "application/json"
        error = json.loads(body)["error"]
        assert error["type"] == "not_found"
        assert error["message"] == "no MCP server at /mcp/nope; this gateway serves /mcp/clinic"
        # The served server still answers.
        status, _, _ = post(url, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
        assert status == 200
