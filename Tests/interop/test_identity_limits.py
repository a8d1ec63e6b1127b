"""One identity and one quota for tool calls and model calls: API keys and JWTs, grants, limits,
with real clients (the Python `mcp` SDK, the `openai` SDK, httpx)."""
import asyncio
import base64
import hashlib
import hmac
import json
import subprocess
import time

import anthropic
import httpx
import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp import MCPError

from conftest import DEMO_SPEC
from llm_support import gateway

ALICE = "sk-alice-0123456789abcdef"
BOB = "sk-bob-0123456789abcdefgh"
SECRET = "a-shared-secret-of-at-least-32-bytes!"
LONG_PROMPT = [{"role": "user", "content": "Please say hello to me in a friendly way, as one would greet a colleague in the morning."}]


def config(demo_api, fake, consumers, groups="", auth="auth: { required: true }\n"):
    return f"""servers:
  - name: clinic
    openapi: {{ spec: {DEMO_SPEC}, base_url: "{demo_api}" }}
models:
  - name: chat
    instances: [{{ name: fake, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini }}]
  - name: slow
    instances: [{{ name: fake-slow, provider: openai, base_url: "{fake.base('openai', 'delay-100')}", api_key: sk-upstream, model: gpt-4o-mini }}]
{groups}consumers:
{consumers}{auth}"""


def mcp_session(url, key=None, token=None):
    headers = {"Authorization": f"Bearer {token or key}"} if (key or token) else {}
    return httpx2.AsyncClient(headers=headers, timeout=30), url


async def with_session(url, key, body):
    http, url = mcp_session(url, key)
    async with http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await body(session)


def jwt(claims, secret=SECRET):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def curl(url, body, *headers):
    """POST `body` with curl (as an operator would); (status, lower-cased headers, body text)."""
    command = ["curl", "-s", "-i", "-X", "POST", url, "-H", "Content-Type: application/json", "--data-binary", body]
    for header in headers:
        command += ["-H", header]
    text = subprocess.run(command, capture_output=True, timeout=30, check=True).stdout.decode()  # bytes: keep the CRLFs
    head, _, rest = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, rest


def test_unauthenticated_requests_get_401_with_a_challenge(toolgate, demo_api, fake):
    consumers = f"  - {{ name: alice, api_keys: [\"{ALICE}\"] }}\n"
    with gateway(toolgate, config(demo_api, fake, consumers)) as gw:
        answer = httpx.post(gw.url + "/mcp/clinic", json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
                            headers={"Accept": "application/json, text/event-stream"})
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == 'Bearer realm="toolgate"'
        status, headers, _ = curl(gw.url + "/mcp/clinic", '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', "Accept: application/json, text/event-stream")
        assert status == 401 and headers["www-authenticate"] == 'Bearer realm="toolgate"', "curl, no key"
        wrong = httpx.post(gw.url + "/mcp/clinic", json={}, headers={"Authorization": "Bearer sk-wrong-0000000000000"})
        assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
        assert "sk-wrong" not in wrong.text
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=gw.v1, api_key="sk-wrong-0000000000000", max_retries=0).chat.completions.create(model="chat", messages=LONG_PROMPT)
        for body in (b'{"model": "no-such-model", "messages": []}', b"{not json"):
            probe = httpx.post(gw.v1 + "/chat/completions", content=body, headers={"Content-Type": "application/json"})
            assert probe.status_code == 401, "an unknown caller learns nothing, not even which models exist"
        assert fake.requests("/") == []
        names = asyncio.run(with_session(gw.url + "/mcp/clinic", ALICE, lambda s: s.list_tools()))
        assert len(names.tools) == 8
        direct = httpx.post(gw.v1 + "/chat/completions", json={"model": "chat", "messages": LONG_PROMPT}, headers={"x-api-key": ALICE})
        assert direct.status_code == 200, "the Anthropic SDK's x-api-key header is accepted too"
        claude = anthropic.Anthropic(base_url=gw.url, api_key=ALICE, max_retries=0)
        assert claude.messages.create(model="chat", max_tokens=50, messages=LONG_PROMPT).content[0].text
        with pytest.raises(anthropic.AuthenticationError) as refused:
            anthropic.Anthropic(base_url=gw.url, api_key="sk-ant-wrong-000000000", max_retries=0).messages.create(model="chat", max_tokens=50, messages=LONG_PROMPT)
        assert refused.value.body["error"]["type"] == "authentication_error"


def test_jwt_checks_and_protected_resource_metadata(toolgate, demo_api, fake):
    auth = f"""auth:
  required: true
  jwt: {{ issuer: "https://auth.example.com", audiences: [toolgate], algorithms: [HS256], secret: "{SECRET}", consumer_claim: sub,
          authorization_servers: ["https://auth.example.com"], scopes: [mcp:tools] }}
"""
    consumers = f"  - {{ name: alice, api_keys: [\"{ALICE}\"], allow: {{ models: [chat] }} }}\n"
    with gateway(toolgate, config(demo_api, fake, consumers, auth=auth)) as gw:
        answer = httpx.post(gw.url + "/mcp/clinic", json={}, headers={"Accept": "application/json, text/event-stream"})
        host = gw.url.removeprefix("http://")
        assert answer.status_code == 401
        assert f'resource_metadata="http://{host}/.well-known/oauth-protected-resource/mcp/clinic"' in answer.headers["www-authenticate"]
        metadata = httpx.get(gw.url + "/.well-known/oauth-protected-resource/mcp/clinic").json()
        assert metadata["resource"] == f"http://{host}/mcp/clinic" and metadata["authorization_servers"] == ["https://auth.example.com"]
        assert metadata["scopes_supported"] == ["mcp:tools"] and metadata["bearer_methods_supported"] == ["header"]
        now = int(time.time())
        good = {"iss": "https://auth.example.com", "aud": "toolgate", "sub": "alice", "exp": now + 300}
        client = lambda token: openai.OpenAI(base_url=gw.v1, api_key=token, max_retries=0)
        assert client(jwt(good)).chat.completions.create(model="chat", messages=LONG_PROMPT).choices[0].message.content
        for bad in (jwt(good, secret="another-secret-of-at-least-32-bytes!!"), jwt({**good, "aud": "someone-else"}), jwt({**good, "exp": now - 600})):
            with pytest.raises(openai.AuthenticationError):
                client(bad).chat.completions.create(model="chat", messages=LONG_PROMPT)
        with pytest.raises(openai.PermissionDeniedError):
            client(jwt(good)).chat.completions.create(model="slow", messages=LONG_PROMPT)
        tools = asyncio.run(with_session(gw.url + "/mcp/clinic", jwt({**good, "sub": "carol"}), lambda s: s.list_tools()))
        assert len(tools.tools) == 8, "a token's subject need not be a configured consumer"


def test_denied_tools_are_hidden_and_refused_and_models_filtered(toolgate, demo_api, fake):
    consumers = f"""  - name: alice
    api_keys: ["{ALICE}"]
    allow: {{ servers: [clinic], tools: ["clinic/get*", "clinic/list*"], models: [chat] }}
"""
    with gateway(toolgate, config(demo_api, fake, consumers)) as gw:
        async def body(session):
            listed = sorted(t.name for t in (await session.list_tools()).tools)
            assert listed == ["getPet", "listPets", "listVisits"]
            assert (await session.call_tool("getPet", {"petId": 1})).structured_content["name"] == "Rex"
            with pytest.raises(MCPError) as refused:
                await session.call_tool("deletePet", {"petId": 1})
            assert "alice may not use the tool 'deletePet'" in refused.value.error.message
        asyncio.run(with_session(gw.url + "/mcp/clinic", ALICE, body))
        models = openai.OpenAI(base_url=gw.v1, api_key=ALICE).models.list()
        assert [m.id for m in models] == ["chat"] and "toolgate_group" not in models.data[0].model_extra


def test_request_limit_is_shared_by_tool_calls_and_model_calls(toolgate, demo_api, fake):
    consumers = f"  - {{ name: alice, api_keys: [\"{ALICE}\"], limits: [{{ requests: 3, per: 1m }}] }}\n"
    with gateway(toolgate, config(demo_api, fake, consumers)) as gw:
        async def body(session):
            await session.list_tools()  # lists do not count
            assert not (await session.call_tool("getPet", {"petId": 1})).is_error
            assert not (await session.call_tool("getPet", {"petId": 2})).is_error
        asyncio.run(with_session(gw.url + "/mcp/clinic", ALICE, body))
        client = openai.OpenAI(base_url=gw.v1, api_key=ALICE, max_retries=0)
        client.chat.completions.create(model="chat", messages=LONG_PROMPT)
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="chat", messages=LONG_PROMPT)
        headers = limited.value.response.headers
        assert 1 <= int(headers["retry-after"]) <= 60
        assert headers["ratelimit-policy"] == '"requests-60s";q=3;w=60'
        assert headers["ratelimit"].startswith('"requests-60s";r=0;t=')
        assert "alice has used its limit of 3 requests per minute" in limited.value.message
        status, headers, text = curl(gw.v1 + "/chat/completions", json.dumps({"model": "chat", "messages": LONG_PROMPT}), f"Authorization: Bearer {ALICE}")
        assert status == 429 and int(headers["retry-after"]) >= 1 and headers["ratelimit-policy"] == '"requests-60s";q=3;w=60', "curl at the limit"
        assert headers["ratelimit"].startswith('"requests-60s";r=0;t=') and json.loads(text)["error"]["type"] == "rate_limited"

        async def tool_call(session):
            with pytest.raises(MCPError) as refused:
                await session.call_tool("getPet", {"petId": 1})
            assert refused.value.error.data["reason"] == "rate_limited" and refused.value.error.data["retryAfter"] >= 1
            assert "resets in" in refused.value.error.message
        asyncio.run(with_session(gw.url + "/mcp/clinic", ALICE, tool_call))


def test_token_limit_holds_under_20_concurrent_streams(toolgate, demo_api, fake):
    # Each call reserves its prompt estimate plus max_tokens (10); the fake answers 29 tokens.
    consumers = f"  - {{ name: alice, api_keys: [\"{ALICE}\"], limits: [{{ tokens: 200, per: 1h }}] }}\n"
    with gateway(toolgate, config(demo_api, fake, consumers)) as gw:
        async def one(client):
            try:
                stream = await client.chat.completions.create(model="slow", messages=LONG_PROMPT, max_tokens=10, stream=True, stream_options={"include_usage": True})
                usage = None
                async for chunk in stream:
                    usage = chunk.usage or usage
                return usage.total_tokens
            except openai.RateLimitError:
                return None

        async def run():
            async with openai.AsyncOpenAI(base_url=gw.v1, api_key=ALICE, max_retries=0) as client:
                return await asyncio.gather(*(one(client) for _ in range(20)))
        results = asyncio.run(run())
        served = [r for r in results if r is not None]
        reservation = (len(LONG_PROMPT[0]["content"]) + 3) // 4 + 10
        assert 0 < len(served) < 20, results
        assert sum(served) <= 200 + reservation, f"{len(served)} streams used {sum(served)} tokens of a 200 limit (one reservation is {reservation})"
        print(f"\n20 concurrent streams, 200-token limit: {len(served)} served, {sum(served)} tokens used, overshoot {max(0, sum(served) - 200)}")


def test_a_stream_is_cut_when_its_budget_ends(toolgate, demo_api, fake):
    # max_tokens 2 reserves ~26 tokens; the answer needs more, and the limit leaves no room to grow.
    consumers = f"  - {{ name: alice, api_keys: [\"{ALICE}\"], limits: [{{ completion_tokens: 3, per: 1h }}] }}\n"
    with gateway(toolgate, config(demo_api, fake, consumers)) as gw:
        stream = openai.OpenAI(base_url=gw.v1, api_key=ALICE, max_retries=0).chat.completions.create(
            model="slow", messages=LONG_PROMPT, max_tokens=2, stream=True)
        text = ""
        with pytest.raises(openai.APIError) as cut:
            for chunk in stream:
                text += "".join(c.delta.content or "" for c in chunk.choices)
        assert "ran out during this answer" in str(cut.value)
        assert text and text != "Hello! How can I assist you today?"
        fake.wait_for(lambda: fake.streams()["abandoned"] == 1, "the provider's stream to be closed")
