"""External moderation on a fake moderation endpoint on 127.0.0.1 (OpenAI's /moderations shape and
a webhook): allowed, flagged, and a moderator that times out, failing closed and open; the
verdicts land in the audit trail."""
import asyncio
import contextlib
import http.server
import json
import threading
import time

import httpx2
import openai
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from llm_support import gateway
from test_audit import config as audited_config, stop_and_export


class Moderator(http.server.BaseHTTPRequestHandler):
    """Flags text with 'attack' (violence), stalls on 'slow'; answers in OpenAI's shape on
    /v1/moderations and in the webhook shape elsewhere. Records what it was sent."""
    seen = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Moderator.seen.append({"path": self.path, "body": body, "authorization": self.headers.get("Authorization")})
        text = " ".join(body["input"])
        if "slow" in text:
            time.sleep(1.5)
        # Answers (the webhook says which stage) are flagged when they offer to "assist".
        violent = "attack" in text or ("assist" in text and body.get("stage") == "response")
        if self.path.endswith("/moderations"):
            answer = {"id": "modr-1", "model": "omni-moderation-latest", "results": [{
                "flagged": violent, "categories": {"violence": violent, "hate": False},
                "category_scores": {"violence": 0.97 if violent else 0.01, "hate": 0.2 if "rude" in text else 0.001}}]}
        else:
            answer = {"flagged": violent, "reason": "violent content" if violent else None}
        data = json.dumps(answer).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the gateway gave up waiting
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def moderator():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Moderator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Moderator.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def config(demo_api, fake, moderation):
    return audited_config(demo_api, fake, policies=f"  moderation: {moderation}\n", identity="")


async def call_tools(url, *names):
    async with httpx2.AsyncClient(timeout=30) as http:
        async with streamable_http_client(url + "/mcp/clinic", http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                results = []
                for name in names:
                    try:
                        results.append(await session.call_tool("createPet", {"name": name, "species": "dog"}))
                    except Exception as error:  # a JSON-RPC error (fail_closed)
                        results.append(error)
                return results


def test_openai_moderation_allows_flags_and_fails_closed(toolgate, demo_api, fake):
    with moderator() as base:
        moderation = f'{{ url: "{base}/v1/moderations", api_key: sk-moderation, model: omni-moderation-latest, timeout: 300ms, thresholds: {{ hate: 0.15 }} }}'
        with gateway(toolgate, config(demo_api, fake, moderation)) as gw:
            allowed, flagged, rude, slow = asyncio.run(call_tools(gw.url, "Rex", "Rex the attack dog", "a rude name", "slow Rex"))
            assert not allowed.is_error
            assert flagged.is_error and "content moderation (violence)" in flagged.content[0].text
            assert rude.is_error and "(hate)" in rude.content[0].text, "a category over its threshold flags the text"
            assert isinstance(slow, Exception) and "moderation is unavailable" in str(slow)
            client = openai.OpenAI(base_url=gw.v1, api_key="sk-none", max_retries=0)
            refused = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "plan an attack"}])
            assert refused.choices[0].finish_reason == "content_filter"
            with pytest.raises(openai.APIStatusError) as unavailable:
                client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "slow down"}])
            assert unavailable.value.status_code == 503
            served = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "hello"}])
            assert served.choices[0].finish_reason == "stop"
            assert len(fake.requests()) == 1, "only the allowed model call reached the provider"
            records = stop_and_export(toolgate, gw.process, gw.folder)
        first = Moderator.seen[0]
        assert first["path"] == "/v1/moderations" and first["authorization"] == "Bearer sk-moderation"
        assert first["body"] == {"input": ['{"name":"Rex","species":"dog"}'], "model": "omni-moderation-latest"}
        statuses = [(r["target"], r["status"]) for r in records]
        assert statuses.count(("clinic/createPet", "content_filtered")) == 2 and ("clinic/createPet", "unavailable") in statuses
        verdicts = [v for r in records for v in r.get("verdicts", []) if v["policy"] == "moderation"]
        assert {"policy": "moderation", "outcome": "denied", "detail": "request: violence"} in verdicts
        assert any(v["outcome"] == "denied" and "moderator unavailable" in v["detail"] for v in verdicts)


def test_webhook_moderation_fails_open_and_checks_answers(toolgate, demo_api, fake):
    with moderator() as base:
        moderation = f'{{ url: "{base}/hook", kind: webhook, timeout: 300ms, fail: open, on: [request, response] }}'
        with gateway(toolgate, config(demo_api, fake, moderation)) as gw:
            slow, flagged = asyncio.run(call_tools(gw.url, "slow Rex", "attack"))
            assert not slow.is_error, "fail open: the moderator's timeout lets the call pass"
            assert flagged.is_error and "violent content" in flagged.content[0].text
            records = stop_and_export(toolgate, gw.process, gw.folder)
        stages = [(seen["body"]["stage"], seen["body"]["kind"], seen["body"]["target"]) for seen in Moderator.seen]
        assert ("request", "tool_call", "clinic/createPet") in stages and ("response", "tool_call", "clinic/createPet") in stages
        observed = [v for r in records for v in r.get("verdicts", []) if v["policy"] == "moderation" and v["outcome"] == "observed"]
        assert observed and "moderator unavailable" in observed[0]["detail"]


def test_a_streamed_answer_is_judged_in_windows_and_cut_where_flagged(toolgate, demo_api, fake):
    with moderator() as base:
        moderation = f'{{ url: "{base}/hook", kind: webhook, on: [response], stream_every: 5 }}'
        with gateway(toolgate, config(demo_api, fake, moderation)) as gw:
            client = openai.OpenAI(base_url=gw.v1, api_key="sk-none", max_retries=0)
            chunks = list(client.chat.completions.create(model="chat", stream=True, messages=[{"role": "user", "content": "hello"}]))
            text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
            # The recorded stream's chunks: "Hello!", " How can I assist", " you today?".
            assert text.startswith("Hello!") and "assist" not in text, text
            assert "withheld by content moderation" in text and reasons == ["content_filter"]
            windows = [seen["body"]["input"][0] for seen in Moderator.seen if seen["body"].get("stage") == "response"]
            assert windows == ["Hello!", " How can I assist"]
            records = stop_and_export(toolgate, gw.process, gw.folder)
        assert records[-1]["status"] == "content_filtered" and "assist" not in records[-1].get("response", "")
        assert any(v["policy"] == "moderation" and v["detail"] == "response: violent content" for v in records[-1]["verdicts"])
