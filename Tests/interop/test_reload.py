"""Reload without restart: `toolgate serve --config` re-reads its file on SIGHUP. Under live traffic
(tool calls in an open MCP session and in fresh ones, model calls with the openai SDK; a bounded
loop), an edited OpenAPI document (an operation renamed) and a new model group take effect, the open session is told its
tools changed, an invalid edit is refused with `toolgate check`'s error while service continues,
and no call fails."""
import asyncio
import json
import pathlib
import re
import signal
import subprocess
import threading
import time

import httpx2
import openai
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import DEMO_SPEC



def config_text(demo_api, fake, spec, models):
    groups = "".join(f"""
  - name: {name}
    instances: [{{ name: {name}-fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-up, model: gpt-4o-mini }}]""" for name in models)
    return f"""listen: 127.0.0.1:0
servers:
  - name: clinic
    openapi: {{ spec: {spec}, base_url: "{demo_api}" }}
models:{groups}
"""


def wait_for_log(log, pattern, after=0, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text()[after:])
        if match:
            return match
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} in the log: {log.read_text()[after:]}")


def test_reload_under_traffic(toolgate, demo_api, fake, tmp_path):
    spec = tmp_path / "clinic.yaml"
    original = pathlib.Path(DEMO_SPEC).read_text()
    spec.write_text(original)
    config = tmp_path / "toolgate.yaml"
    config.write_text(config_text(demo_api, fake, spec, ["chat"]))
    log = tmp_path / "toolgate.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen([toolgate, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        url = wait_for_log(log, r"url=(http://127\.0\.0\.1:\d+)/mcp/clinic").group(1)
        endpoint = url + "/mcp/clinic"
        failures, counts, stop = [], {"tool": 0, "model": 0}, threading.Event()

        def model_load():
            client = openai.OpenAI(base_url=url + "/v1", api_key="anything", max_retries=0, timeout=20)
            for _ in range(5000):
                if stop.is_set():
                    return
                try:
                    answer = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "Say hello."}])
                    assert answer.choices[0].message.content
                    counts["model"] += 1
                except Exception as error:  # every failure is reported below
                    failures.append(f"model call: {error!r}")

        async def tool_load():
            async with httpx2.AsyncClient(timeout=30) as http, streamable_http_client(endpoint, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    for _ in range(5000):
                        if stop.is_set():
                            return
                        result = await session.call_tool("listPets", {})
                        if result.is_error:
                            failures.append(f"tool call: {result.content}")
                        counts["tool"] += 1

        loaders = [threading.Thread(target=model_load), threading.Thread(target=lambda: asyncio.run(tool_load()))]
        for thread in loaders:
            thread.start()

        changed = asyncio.Event()
        notified = []

        async def on_message(message):
            method = getattr(getattr(message, "root", message), "method", None)
            if method == "notifications/tools/list_changed":
                notified.append(method)
                changed.set()

        async def watched_session():
            async with httpx2.AsyncClient(timeout=30) as http, streamable_http_client(endpoint, http_client=http) as (read, write):
                async with ClientSession(read, write, message_handler=on_message) as session:
                    init = await session.initialize()
                    before = {t.name for t in (await session.list_tools()).tools}
                    # Edit the document and the configuration under traffic, then SIGHUP.
                    spec.write_text(original.replace("operationId: clinicSummary", "operationId: clinicReport"))
                    config.write_text(config_text(demo_api, fake, spec, ["chat", "chat2"]))
                    mark = len(log.read_text())
                    process.send_signal(signal.SIGHUP)
                    await asyncio.wait_for(changed.wait(), timeout=30)
                    wait_for_log(log, r"configuration reloaded", after=mark)
                    after = {t.name for t in (await session.list_tools()).tools}
                    again = await session.call_tool("clinicReport", {})
                    return init, before, after, again

        init, before, after, again = asyncio.run(asyncio.wait_for(watched_session(), timeout=60))
        assert init.capabilities.tools.list_changed is True, "a reloadable server says its tools can change"
        assert "clinicSummary" in before and after == before - {"clinicSummary"} | {"clinicReport"}
        assert not again.is_error and json.loads(again.content[0].text) is not None
        client = openai.OpenAI(base_url=url + "/v1", api_key="anything", max_retries=0, timeout=20)
        assert client.chat.completions.create(model="chat2", messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content
        assert "chat2" in [m.id for m in client.models.list().data]

        # An invalid edit is refused with check's error; the running configuration keeps serving.
        config.write_text(config_text(demo_api, fake, spec, ["chat"]).replace("servers:", "servers:\n  - name: broken\n    openapi: { spec: /nonexistent.yaml }", 1))
        check = subprocess.run([toolgate, "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
        assert check.returncode != 0
        mark = len(log.read_text())
        process.send_signal(signal.SIGHUP)
        refused = wait_for_log(log, r"reload refused[^\n]*", after=mark).group(0)
        message = (check.stdout + check.stderr).strip().splitlines()[-1].removeprefix("error: ")
        assert "/nonexistent.yaml" in message and message in refused, (message, refused)
        assert client.chat.completions.create(model="chat2", messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content, "the old configuration still serves"
        time.sleep(0.5)  # let the loads run on the kept configuration for a moment
        stop.set()
        for thread in loaders:
            thread.join(timeout=60)
        assert not failures, failures[:5]
        assert counts["tool"] > 10 and counts["model"] > 10, counts
        print("calls during the test:", counts)
        assert process.poll() is None, "the gateway kept running"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_reload_changes_consumers_and_limits(toolgate, demo_api, fake, tmp_path):
    """A new consumer's key works after a reload, on the MCP endpoint and the model routes; a
    tightened limit applies at once, counting what the consumer used before the reload."""
    def text(bob, alice_limit):
        consumers = f"""
consumers:
  - {{ name: alice, api_keys: [sk-alice-0123456789], limits: [{{ requests: {alice_limit}, per: 1m }}] }}"""
        if bob:
            consumers += "\n  - { name: bob, api_keys: [sk-bob-0123456789] }"
        return config_text(demo_api, fake, DEMO_SPEC, ["chat"]) + consumers + "\nauth: { required: true }\n"

    config = tmp_path / "toolgate.yaml"
    config.write_text(text(bob=False, alice_limit=100))
    log = tmp_path / "toolgate.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen([toolgate, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        url = wait_for_log(log, r"url=(http://127\.0\.0\.1:\d+)/mcp/clinic").group(1)
        initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                      "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
        headers = {"Accept": "application/json, text/event-stream"}

        def chat(key):
            return httpx2.post(url + "/v1/chat/completions", json={"model": "chat", "messages": [{"role": "user", "content": "Hi"}]},
                               headers={"Authorization": f"Bearer {key}"}, timeout=20)

        assert httpx2.post(url + "/mcp/clinic", json=initialize, headers={**headers, "Authorization": "Bearer sk-bob-0123456789"}, timeout=20).status_code == 401
        assert chat("sk-bob-0123456789").status_code == 401
        assert [chat("sk-alice-0123456789").status_code for _ in range(3)] == [200, 200, 200]
        config.write_text(text(bob=True, alice_limit=3))
        mark = len(log.read_text())
        process.send_signal(signal.SIGHUP)
        wait_for_log(log, r"configuration reloaded", after=mark)
        assert httpx2.post(url + "/mcp/clinic", json=initialize, headers={**headers, "Authorization": "Bearer sk-bob-0123456789"}, timeout=20).status_code == 200
        assert chat("sk-bob-0123456789").status_code == 200
        limited = chat("sk-alice-0123456789")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0, "the three calls before the reload count"
    finally:
        process.terminate()
        process.wait(timeout=15)
