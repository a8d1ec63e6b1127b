"""Prometheus metrics at /metrics after known traffic — tool calls, an isError result, a guard
refusal, a model stream and a failed model call — read with prometheus_client's own parser."""
import asyncio

import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from prometheus_client.parser import text_string_to_metric_families

from conftest import DEMO_SPEC
from llm_support import gateway


def samples(text):
    """{(name, frozenset(labels)): value} of every sample on the page."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, metric, **labels):
    return found.get((metric, frozenset(labels.items())), 0)


def test_metrics_count_calls_outcomes_tokens_and_refusals(toolgate, demo_api, fake):
    config = f"""policies:
  guard: {{ deny: ["(?i)internal use only"] }}
servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
models:
  - name: chat
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini }}]
  - name: broken
    instances: [{{ name: down, provider: openai, base_url: "{fake.base('openai', 'fail-500')}", api_key: sk-upstream, model: gpt-4o-mini }}]
  - name: spare
    instances:
      - {{ name: first, provider: openai, base_url: "{fake.base('openai', 'fail-503')}", api_key: sk-upstream, model: gpt-4o-mini, priority: 0 }}
      - {{ name: second, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini, priority: 1 }}
"""
    with gateway(toolgate, config) as gw:
        async def calls():
            async with httpx2.AsyncClient(timeout=30) as http:
                async with streamable_http_client(gw.url + "/mcp/clinic", http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        for pet in (1, 2, 3):
                            assert not (await session.call_tool("getPet", {"petId": pet})).is_error
                        assert (await session.call_tool("getPet", {"petId": 404})).is_error
                        assert (await session.call_tool("createPet", {"name": "internal use only", "species": "cat"})).is_error
        asyncio.run(calls())
        client = openai.OpenAI(base_url=gw.v1, api_key="sk-none", max_retries=0)
        chunks = list(client.chat.completions.create(model="chat", stream=True, messages=[{"role": "user", "content": "hello"}]))
        usage = next(c.usage for c in reversed(chunks) if c.usage) if any(c.usage for c in chunks) else None
        with pytest.raises(openai.APIStatusError):
            client.chat.completions.create(model="broken", messages=[{"role": "user", "content": "hello"}])
        assert client.chat.completions.create(model="spare", messages=[{"role": "user", "content": "hello"}]).choices

        page = httpx2.get(gw.url + "/metrics")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain; version=0.0.4")
        found = samples(page.text)

    calls = "toolgate_calls_total"
    assert value(found, calls, kind="tool_call", server="clinic", name="getPet", outcome="ok") == 3
    assert value(found, calls, kind="tool_call", server="clinic", name="getPet", outcome="tool_error") == 1
    assert value(found, calls, kind="tool_call", server="clinic", name="createPet", outcome="content_filtered") == 1
    assert value(found, calls, kind="chat", server="chat", name="", outcome="ok") == 1
    assert value(found, calls, kind="chat", server="broken", name="", outcome="upstream") == 1
    assert value(found, "toolgate_policy_denials_total", policy="guard") == 1
    assert value(found, "toolgate_call_duration_seconds_count", kind="tool_call", server="clinic") == 5
    model = dict(gen_ai_operation_name="chat", gen_ai_request_model="chat", toolgate_instance="fake")
    input_tokens = value(found, "gen_ai_client_inference_usage_input_tokens_total", **model, gen_ai_token_modality="text")
    output_tokens = value(found, "gen_ai_client_inference_usage_output_tokens_total", **model, gen_ai_token_modality="text")
    assert input_tokens > 0 and output_tokens > 0
    if usage:
        assert (input_tokens, output_tokens) == (usage.prompt_tokens, usage.completion_tokens)
    assert value(found, "gen_ai_client_inference_time_to_first_chunk_seconds_count", **model) == 1
    assert value(found, "gen_ai_client_inference_duration_seconds_count", **model, error_type="") == 1
    assert value(found, "gen_ai_client_inference_duration_seconds_count", gen_ai_operation_name="chat", gen_ai_request_model="broken",
                 toolgate_instance="", error_type="upstream") == 1
    assert value(found, "toolgate_calls_in_flight", kind="tool_call") == 0
    # The upstream's share (calls that reached it) and the gateway's own time (every call).
    assert value(found, "toolgate_upstream_duration_seconds_count", kind="tool_call", server="clinic") == 4, "the guard's refusal never went upstream"
    assert value(found, "toolgate_gateway_overhead_seconds_count", kind="tool_call") == 5
    assert value(found, "toolgate_upstream_duration_seconds_count", kind="chat", server="spare") == 1
    assert value(found, "toolgate_model_retries_total", gen_ai_request_model="spare") == 1
    assert value(found, "toolgate_model_retries_total", gen_ai_request_model="broken") == 2, "one instance: tried again, the last one left"
    assert value(found, "toolgate_model_streams_open") == 0
    assert value(found, "toolgate_model_calls_waiting", gen_ai_request_model="chat") == 0
    assert value(found, "toolgate_model_instance_healthy", gen_ai_request_model="chat", toolgate_instance="fake") == 1
    assert ("toolgate_mcp_sessions", frozenset({("server", "clinic")})) in found
    assert ("toolgate_upstream_connections", frozenset({("pool", "tools"), ("state", "idle")})) in found
    assert value(found, "toolgate_upstream_connections", pool="models", state="idle") >= 1
    # No label carries a session, a consumer or free text.
    assert not any("session" in key or "consumer" in key for (_, labels) in found for key, _ in labels)


def test_metrics_on_a_listener_of_their_own(toolgate, fake):
    """`metrics: { listen }` serves /metrics there and not on the main listener."""
    import re
    import socket
    import time
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = f"""metrics: {{ listen: "127.0.0.1:{port}" }}
models:
  - name: chat
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini }}]
"""
    with gateway(toolgate, config) as gw:
        # Both listeners log "listening on" (in either order): the main one is the other port.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (re.search(rf"url=http://127\.0\.0\.1:{port}/metrics", gw.log())
                                                   and len(re.findall(r"listening on 127\.0\.0\.1:(\d+)", gw.log())) >= 2):
            time.sleep(0.05)
        assert re.search(rf"url=http://127\.0\.0\.1:{port}/metrics", gw.log()), gw.log()
        main = next(p for p in re.findall(r"listening on 127\.0\.0\.1:(\d+)", gw.log()) if int(p) != port)
        url = f"http://127.0.0.1:{main}"
        openai.OpenAI(base_url=url + "/v1", api_key="sk-none", max_retries=0).chat.completions.create(model="chat", messages=[{"role": "user", "content": "hi"}])
        page = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert page.status_code == 200
        found = samples(page.text)
        assert value(found, "toolgate_calls_total", kind="chat", server="chat", name="", outcome="ok") == 1
        assert httpx2.get(url + "/metrics", timeout=10).status_code == 404


def test_rate_limit_rejections_are_counted_by_policy(toolgate, fake):
    config = f"""consumers:
  - {{ name: alice, api_keys: [sk-alice-0123456789], limits: [{{ requests: 1, per: 1m }}] }}
auth: {{ required: true }}
models:
  - name: chat
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini }}]
"""
    with gateway(toolgate, config) as gw:
        client = openai.OpenAI(base_url=gw.v1, api_key="sk-alice-0123456789", max_retries=0)
        client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=gw.v1, api_key="sk-wrong", max_retries=0).chat.completions.create(model="chat", messages=[{"role": "user", "content": "hi"}])
        found = samples(httpx2.get(gw.url + "/metrics").text)
    assert value(found, "toolgate_calls_total", kind="chat", server="chat", name="", outcome="rate_limited") == 1
    assert value(found, "toolgate_policy_denials_total", policy="limits") == 1
