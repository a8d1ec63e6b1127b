"""The configuration file end to end: `toolgate check`, `serve --config` with two virtual
servers on one listener, `stdio --config --server`, and errors that name file, line and field."""
import asyncio
import json
import os
import re
import subprocess
import textwrap
import time

from mcp import Client, StdioServerParameters

from conftest import DEMO_SPEC, REPO, listening_url

EXAMPLE = str(REPO / "examples" / "toolgate.yaml")


def write_config(tmp_path, demo_api):
    path = tmp_path / "gateway.yaml"
    path.write_text(textwrap.dedent(f"""\
        listen: 127.0.0.1:0
        servers:
          - name: clinic
            openapi:
              spec: {DEMO_SPEC}
              base_url: ${{CLINIC_URL}}
          - name: visits
            discovery: off
            instructions: Only the clinic's visits.
            openapi:
              spec: {DEMO_SPEC}
              base_url: ${{CLINIC_URL}}
              include: {{ tags: [visits] }}
              name_prefix: v_
        """))
    return str(path)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, timeout=60))


def test_check_reports_every_server(toolgate, demo_api, tmp_path):
    config = write_config(tmp_path, demo_api)
    result = subprocess.run([toolgate, "check", "--config", config], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CLINIC_URL": demo_api})
    assert result.returncode == 0, result.stderr
    assert re.search(r"ok\s+/mcp/clinic: 8 tools", result.stdout)
    assert re.search(r"ok\s+/mcp/visits: 2 tools", result.stdout)


def test_check_names_file_line_and_field(toolgate, tmp_path):
    config = tmp_path / "broken.yaml"
    config.write_text(f"servers:\n  - name: clinic\n    openapi:\n      spec: {DEMO_SPEC}\n      timout: 5s\n")
    result = subprocess.run([toolgate, "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{config}:5:7: servers[0].openapi.timout: unknown field 'timout' (did you mean 'timeout'?)" in result.stderr
    missing = subprocess.run([toolgate, "check", "--config", EXAMPLE.replace("toolgate.yaml", "nope.yaml")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "cannot read the file" in missing.stderr


def test_serve_config_hosts_every_server(toolgate, demo_api, tmp_path):
    config = write_config(tmp_path, demo_api)
    process = subprocess.Popen([toolgate, "serve", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "CLINIC_URL": demo_api})
    try:
        found = listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/\w+)", count=2)
        urls = {url.rsplit("/", 1)[1]: url for url in found}
        assert set(urls) == {"clinic", "visits"}

        async def main():
            found = {}
            for name, url in urls.items():
                async with Client(url) as client:
                    found[name] = [t.name for t in (await client.list_tools()).tools]
                    if name == "visits":
                        visits = await client.call_tool("v_listVisits", {"petId": 1})
                        found["call"] = visits.is_error
            return found

        found = run(main())
        assert len(found["clinic"]) == 8
        assert found["visits"] == ["v_listVisits", "v_scheduleVisit"]
        assert found["call"] is False
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_stdio_config_server(toolgate, demo_api):
    async def main():
        server = StdioServerParameters(command=toolgate, args=["stdio", "--config", EXAMPLE, "--server", "clinic", "--log-level", "warning"],
                                       env={"DEMO_API_URL": demo_api})
        async with Client(server) as client:
            summary = await client.call_tool("clinicSummary", {})
            tools = (await client.list_tools()).tools
            return summary.structured_content, {t.name: t.description for t in tools}

    summary, descriptions = run(main())
    assert summary["total"] == 3
    assert descriptions["clinicSummary"] == "Counts of pets and visits at the clinic.", "the file's tool override"
    unknown = subprocess.run([toolgate, "stdio", "--config", EXAMPLE, "--server", "nope"], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL)
    assert unknown.returncode != 0 and "no server named 'nope'; known: clinic" in unknown.stderr


def test_serve_config_with_a_stdio_server_beside_an_openapi_one(toolgate, demo_api, tmp_path):
    """A stdio MCP server from PyPI (mcp-server-time) configured beside a document; its command
    must be in allowed_commands."""
    import sys

    config = tmp_path / "mixed.yaml"
    config.write_text(textwrap.dedent(f"""\
        listen: 127.0.0.1:0
        allowed_commands: [{sys.executable}]
        servers:
          - name: time
            stdio: {{ command: {sys.executable}, args: [-m, mcp_server_time, --local-timezone, UTC], call_timeout: 10s }}
          - name: clinic
            openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
        """))
    check = subprocess.run([toolgate, "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "ok   /mcp/time: stdio:" in check.stdout, check.stdout + check.stderr
    process = subprocess.Popen([toolgate, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        found = listening_url(process, r"url=(http://127\.0\.0\.1:\d+/mcp/\w+)", count=2)
        urls = {url.rsplit("/", 1)[1]: url for url in found}

        async def main():
            async with Client(urls["time"]) as client:
                tools = [t.name for t in (await client.list_tools()).tools]
                now = await client.call_tool("get_current_time", {"timezone": "Asia/Tokyo"})
                return tools, now

        tools, now = run(main())
        assert "get_current_time" in tools and not now.is_error and "Asia/Tokyo" in now.content[0].text
    finally:
        process.terminate()
        process.wait(timeout=15)
    refused = tmp_path / "refused.yaml"
    refused.write_text("servers:\n  - name: time\n    stdio: { command: python3 }\n")
    result = subprocess.run([toolgate, "check", "--config", str(refused)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "servers[0].stdio.command: 'python3' is not in allowed_commands" in result.stderr


def test_per_server_flags_are_refused_with_a_config_file(toolgate):
    """Flags that shape the one --spec server would be ignored with --config: refused, by name."""
    result = subprocess.run([toolgate, "serve", "--config", EXAMPLE, "--page-size", "3", "--base-url", "http://127.0.0.1:1"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--page-size, --base-url apply to --spec only" in result.stderr
    named = subprocess.run([toolgate, "serve", "--config", EXAMPLE, "--name", "x"], capture_output=True, text=True, timeout=30)
    assert named.returncode != 0 and "--name applies to --spec only" in named.stderr


def test_check_json_lists_servers_tools_models_and_what_each_consumer_may_use(toolgate, demo_api, tmp_path):
    config = tmp_path / "gateway.yaml"
    config.write_text(textwrap.dedent(f"""\
        servers:
          - name: clinic
            openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
        models:
          - {{ name: chat, aliases: [gpt-4o-mini], instances: [{{ name: a, provider: openai, base_url: "http://127.0.0.1:9/v1", model: m }}] }}
        groups:
          - {{ name: readers, allow: {{ tools: ["clinic/get*", "clinic/list*"] }} }}
        consumers:
          - {{ name: alice, api_keys: ["sk-alice-0123456789abcdef"], groups: [readers], allow: {{ models: [] }} }}
          - {{ name: bob, api_keys: ["sk-bob-0123456789abcdefgh"] }}
        store: sqlite:./audit.db
        policies:
          guard: {{ deny: ["(?i)secret"] }}
        """))
    result = subprocess.run([toolgate, "check", "--config", str(config), "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["servers"][0]["endpoint"] == "/mcp/clinic"
    assert len(report["servers"][0]["tools"]) == 8
    assert report["models"][0]["aliases"] == ["gpt-4o-mini"]
    alice, bob = report["consumers"]
    assert alice["servers"] == {"clinic": ["listPets", "getPet", "listVisits"]} and alice["models"] == []
    assert len(bob["servers"]["clinic"]) == 8 and bob["models"] == ["chat"]
    assert report["policies"]["audit"]["store"] == str(tmp_path / "audit.db") and report["policies"]["guard"]["deny"] == 1
