"""The AI gateway with the official `openai` SDK as the client (base_url pointed at Toolgate,
nothing else changed) in front of the fake provider replaying recorded provider answers."""
import json

import httpx
import openai
import pytest

from llm_support import gateway

CALLER_KEY = "sk-caller-secret-0123456789"
MESSAGES = [{"role": "user", "content": "Say hello."}]
TOOLS = [{"type": "function", "function": {"name": "get_current_weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}]


def group(name, *instances, extra=""):
    lines = [f"  - name: {name}", "    timeout: 5s", extra, "    instances:"]
    for index, (instance_name, provider, base, model, *rest) in enumerate(instances):
        priority = rest[0] if rest else index
        lines.append(f"      - {{ name: {instance_name}, provider: {provider}, base_url: \"{base}\", api_key: sk-upstream-{instance_name}, model: {model}, priority: {priority} }}")
    return "\n".join(line for line in lines if line) + "\n"


@pytest.fixture()
def basic(toolgate, fake):
    config = "models:\n" + group("chat", ("primary", "openai", fake.base("openai"), "gpt-4o-mini"), extra="    aliases: [gpt-4o-mini]")
    config += group("reasoner", ("ds", "deepseek", fake.base("deepseek"), "deepseek-reasoner"))
    config += group("qwen", ("qw", "qwen", fake.base("qwen"), "qwen-plus"))
    with gateway(toolgate, config) as gw:
        yield gw


def client(gw):
    return openai.OpenAI(base_url=gw.v1, api_key=CALLER_KEY, max_retries=0, timeout=20)


def test_non_stream_answer_headers_and_usage(basic, fake):
    raw = client(basic).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES)
    completion = raw.parse()
    assert completion.choices[0].message.content == "Hello! How can I assist you today?"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (19, 10, 29)
    assert raw.headers["x-toolgate-instance"] == "primary"
    assert raw.headers["x-toolgate-attempts"] == "1"
    assert 0 <= float(raw.headers["x-toolgate-overhead-ms"]) < 1000
    sent = json.loads(fake.requests()[-1]["body"])
    assert sent["model"] == "gpt-4o-mini" and sent["messages"] == MESSAGES


def test_stream_usage_equals_non_stream_usage(basic):
    whole = client(basic).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    chunks = list(client(basic).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    usage = [c.usage for c in chunks if c.usage]
    assert len(usage) == 1 and usage[0].model_dump() == whole.usage.model_dump()
    assert chunks[-1].choices == []


def test_usage_chunk_the_client_did_not_ask_for_is_dropped(basic, fake):
    chunks = list(client(basic).chat.completions.create(model="chat", messages=MESSAGES, stream=True))
    assert all(c.choices for c in chunks), "no choices:[] usage chunk reaches a client that did not ask for it"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Hello! How can I assist you today?"
    sent = json.loads(fake.requests()[-1]["body"])
    assert sent["stream_options"] == {"include_usage": True}, "the gateway asks for usage so it can count every call"


def test_tool_calls_whole_and_streamed(basic):
    whole = client(basic).chat.completions.create(model="chat", messages=MESSAGES, tools=TOOLS)
    call = whole.choices[0].message.tool_calls[0]
    assert whole.choices[0].finish_reason == "tool_calls"
    assert (call.function.name, json.loads(call.function.arguments)) == ("get_current_weather", {"location": "Boston, MA"})
    arguments, names, finish = "", [], None
    for chunk in client(basic).chat.completions.create(model="chat", messages=MESSAGES, tools=TOOLS, stream=True):
        for choice in chunk.choices:
            for fragment in choice.delta.tool_calls or []:
                names += [fragment.function.name] if fragment.function.name else []
                arguments += fragment.function.arguments or ""
            finish = choice.finish_reason or finish
    assert names == ["get_current_weather"] and json.loads(arguments) == {"location": "Boston, MA"} and finish == "tool_calls"


def test_deepseek_reasoning_content_both_ways(basic, fake):
    whole = client(basic).chat.completions.create(model="reasoner", messages=MESSAGES)
    reasoning = whole.choices[0].message.model_extra["reasoning_content"]
    assert reasoning.startswith("Okay, the user wrote")
    assert whole.usage.completion_tokens_details.reasoning_tokens == 81
    streamed = "".join(
        (c.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
        for c in client(basic).chat.completions.create(model="reasoner", messages=MESSAGES, stream=True) if c.choices
    )
    assert streamed == reasoning
    history = MESSAGES + [{"role": "assistant", "content": whole.choices[0].message.content, "reasoning_content": reasoning}, {"role": "user", "content": "Again."}]
    client(basic).chat.completions.create(model="reasoner", messages=history)
    sent = json.loads(fake.requests()[-1]["body"])
    assert sent["messages"][1]["reasoning_content"] == reasoning, "reasoning_content goes back to DeepSeek verbatim"


def test_caller_key_never_reaches_a_provider(basic, fake):
    client(basic).chat.completions.create(model="chat", messages=MESSAGES)
    list(client(basic).chat.completions.create(model="reasoner", messages=MESSAGES, stream=True))
    seen = fake.requests()
    assert len(seen) == 2
    for request in seen:
        assert CALLER_KEY not in json.dumps(request)
    assert [r["headers"]["authorization"] for r in seen] == ["Bearer sk-upstream-primary", "Bearer sk-upstream-ds"]


@pytest.mark.parametrize("mode", ["fail-429", "fail-500", "fail-503", "reset", "stall-first"])
def test_fallback_to_the_next_instance(toolgate, fake, mode):
    config = "models:\n" + group(
        "chat", ("flaky", "openai", fake.base("openai", mode), "gpt-4o-mini"), ("backup", "deepseek", fake.base("deepseek"), "deepseek-chat"),
        extra="    ttft_timeout: 500ms",
    )
    with gateway(toolgate, config) as gw:
        for stream in (False, True):
            raw = client(gw).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES, stream=stream)
            assert raw.headers["x-toolgate-instance"] == "backup"
            assert raw.headers["x-toolgate-attempts"] == "2"
            if stream:
                assert "Hello!" in "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices)
            else:
                assert raw.parse().choices[0].message.content.startswith("Hello!")


def test_ttft_deadline_abandons_a_slow_instance(toolgate, fake):
    config = "models:\n" + group(
        "chat", ("slow", "openai", fake.base("openai", "ttft-3000"), "gpt-4o-mini"), ("fast", "qwen", fake.base("qwen"), "qwen-plus"),
        extra="    ttft_timeout: 300ms",
    )
    with gateway(toolgate, config) as gw:
        raw = client(gw).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES, stream=True)
        chunks = list(raw.parse())
        assert raw.headers["x-toolgate-instance"] == "fast"
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "我是通义千问，很高兴见到你。"
        assert float(raw.headers["x-toolgate-overhead-ms"]) < 250, "waiting on the slow instance is not the gateway's overhead"


def test_errors_that_are_not_fallback_pass_the_providers_status_and_error(toolgate, fake):
    config = "models:\n" + group("chat", ("bad", "openai", fake.base("openai", "fail-400"), "gpt-4o-mini"), ("backup", "qwen", fake.base("qwen"), "qwen-plus"))
    with gateway(toolgate, config) as gw:
        with pytest.raises(openai.BadRequestError) as caught:
            client(gw).chat.completions.create(model="chat", messages=MESSAGES)
        assert caught.value.code == "context_length_exceeded"
        assert caught.value.response.headers["x-toolgate-attempts"] == "1"
        assert len(fake.requests()) == 1


def test_provider_auth_failure_does_not_echo_the_providers_message(toolgate, fake):
    config = "models:\n" + group("chat", ("dead", "openai", fake.base("openai", "fail-401"), "gpt-4o-mini"))
    with gateway(toolgate, config) as gw:
        with pytest.raises(openai.APIStatusError) as caught:
            client(gw).chat.completions.create(model="chat", messages=MESSAGES)
        assert caught.value.status_code == 502
        assert "sk-abc" not in caught.value.response.text and "refused the gateway's credentials" in caught.value.message


def test_ejection_and_recovery(toolgate, fake):
    config = "models:\n" + group(
        "chat", ("primary", "openai", fake.base("openai", "slot-a"), "gpt-4o-mini"), ("backup", "qwen", fake.base("qwen"), "qwen-plus"),
        extra="    passive_health: { failures: 2, cooldown: 60s }\n    health_check: { interval: 200ms, unhealthy_threshold: 100, healthy_threshold: 1 }",
    )
    with gateway(toolgate, config) as gw:
        fake.set_slot("a", "fail-500")
        attempts = [client(gw).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES).headers["x-toolgate-attempts"] for _ in range(3)]
        assert attempts == ["2", "2", "1"], "after two failures the primary is ejected and calls go straight to the backup"
        fake.clear()
        fake.set_slot("a", "")
        # The next probe of the primary now succeeds: it is back in rotation.
        fake.wait_for(lambda: any("/openai/slot-a/v1/models" in r["target"] for r in fake.requests("/models")), "a probe of the recovered primary")
        fake.wait_for(lambda: len([r for r in fake.requests("/models") if "slot-a" in r["target"]]) >= 2, "a second probe (the first's result applied)")
        raw = client(gw).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES)
        assert raw.headers["x-toolgate-instance"] == "primary"


@pytest.mark.parametrize("policy,expected", [("cancel_upstream", "abandoned"), ("drain_for_accounting", "completed")])
def test_client_disconnect_policy(toolgate, fake, policy, expected):
    config = "models:\n" + group("chat", ("slow", "openai", fake.base("openai", "delay-150"), "gpt-4o-mini"), extra=f"    stream: {{ on_disconnect: {policy} }}")
    with gateway(toolgate, config) as gw:
        with httpx.stream("POST", gw.v1 + "/chat/completions", json={"model": "chat", "messages": MESSAGES, "stream": True}, timeout=10) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    break
        fake.wait_for(lambda: fake.streams()[expected] == 1, f"the provider's stream to be {expected}")
        end = "client_cancelled" if policy == "cancel_upstream" else "client_drained"
        fake.wait_for(lambda: f"end={end}" in gw.log(), "the gateway to record the early end")
        if policy == "drain_for_accounting":
            assert "completion_tokens=10" in gw.log() and "estimated=false" in gw.log(), "drained to the end, the provider's usage is exact"


def test_a_stream_cut_after_the_first_byte_is_not_retried(toolgate, fake):
    config = "models:\n" + group("chat", ("cut", "openai", fake.base("openai", "cut"), "gpt-4o-mini"), ("backup", "qwen", fake.base("qwen"), "qwen-plus"))
    with gateway(toolgate, config) as gw:
        raw = client(gw).chat.completions.with_raw_response.create(model="chat", messages=MESSAGES, stream=True)
        with pytest.raises(openai.APIError) as caught:
            list(raw.parse())
        assert "ended the stream before it was complete" in str(caught.value)
        assert raw.headers["x-toolgate-attempts"] == "1"
        assert len(fake.requests()) == 1


def test_estimated_usage_when_the_provider_sends_none(toolgate, fake):
    config = "models:\n" + group("chat", ("quiet", "openai-compatible", fake.base("vllm", "no-usage", "delay-20"), "Qwen/Qwen3-8B"), extra="    stream: { on_disconnect: drain_for_accounting }")
    with gateway(toolgate, config) as gw:
        with httpx.stream("POST", gw.v1 + "/chat/completions", json={"model": "chat", "messages": MESSAGES, "stream": True}, timeout=10) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    break
        fake.wait_for(lambda: "end=client_drained" in gw.log(), "the drained stream's record")
        assert "estimated=true" in gw.log()


def test_bad_input_is_refused_naming_the_field_and_reaches_no_provider(basic, fake):
    c = client(basic)
    with pytest.raises(openai.NotFoundError) as caught:
        c.chat.completions.create(model="no-such-model", messages=MESSAGES)
    assert caught.value.code == "model_not_found" and caught.value.body["param"] == "model"
    with pytest.raises(openai.BadRequestError) as caught:
        c.chat.completions.create(model="chat", messages=[])
    assert caught.value.body["param"] == "messages"
    with pytest.raises(openai.BadRequestError) as caught:
        c.chat.completions.create(model="chat", messages=[{"content": "no role"}])
    assert caught.value.body["param"] == "messages[0].role"
    with pytest.raises(openai.BadRequestError) as caught:
        c.chat.completions.create(model="qwen", messages=MESSAGES, extra_body={"enable_thinking": True})
    assert caught.value.body["param"] == "enable_thinking"
    with pytest.raises(openai.BadRequestError) as caught:
        c.chat.completions.create(model="chat", messages=MESSAGES, stream_options={"include_usage": True})
    assert caught.value.body["param"] == "stream_options"
    for body, status, param in [(b"{not json", 400, None), (b'{"messages": []}', 400, "model"), (b"x" * (5 << 20), 413, None)]:
        answer = httpx.post(basic.v1 + "/chat/completions", content=body, headers={"Content-Type": "application/json"}, timeout=10)
        assert answer.status_code == status and answer.json()["error"]["param"] == param
    with pytest.raises(openai.BadRequestError) as caught:
        c.embeddings.create(model="reasoner", input="hello")
    assert "serves no embeddings" in caught.value.message
    assert fake.requests("/") == [], "nothing reached a provider"
    assert c.chat.completions.create(model="chat", messages=MESSAGES).choices[0].message.content, "the gateway keeps serving"


def test_unserved_endpoints_and_methods_say_what_is_served(basic, fake):
    c = client(basic)
    # APIs this gateway does not serve (the Responses API, legacy completions) get a JSON 404 the
    # SDK reads, naming the request and the endpoints there are, instead of an empty body.
    with pytest.raises(openai.NotFoundError) as caught:
        c.responses.create(model="chat", input="Say hello.")
    assert caught.value.code == "not_found"
    assert caught.value.body["message"] == (
        "no route for POST /v1/responses; the model endpoints are POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, "
        "POST /v1/messages, POST /v1/messages/count_tokens")
    with pytest.raises(openai.NotFoundError) as caught:
        c.completions.create(model="chat", prompt="Say hello.")
    assert caught.value.body["message"].startswith("no route for POST /v1/completions; ")
    # A served path asked with another method: 405 with Allow, in the format of the path's clients.
    answer = httpx.get(basic.v1 + "/chat/completions", timeout=10)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST, OPTIONS"
    assert answer.json()["error"] == {"message": "GET /v1/chat/completions is not served; /v1/chat/completions takes POST, OPTIONS", "type": "method_not_allowed", "param": None, "code": "method_not_allowed"}
    answer = httpx.delete(basic.v1 + "/messages", timeout=10)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST, OPTIONS"
    assert answer.json() == {"type": "error", "error": {"type": "invalid_request_error", "message": "DELETE /v1/messages is not served; /v1/messages takes POST, OPTIONS"}}
    assert fake.requests("/") == [], "nothing reached a provider"
    assert c.chat.completions.create(model="chat", messages=MESSAGES).choices[0].message.content, "the gateway keeps serving"


def test_browser_host_and_origin_checks_guard_the_model_routes(toolgate, fake):
    config = 'http: { allowed_origins: ["https://app.example.com"], allowed_hosts: [gateway.example.com] }\n'
    config += "models:\n" + group("chat", ("primary", "openai", fake.base("openai"), "gpt-4o-mini"))
    anthropic_body = {"model": "chat", "max_tokens": 16, "messages": MESSAGES}
    with gateway(toolgate, config) as gw:
        # DNS rebinding: a page whose name was made to resolve to the gateway names its own host.
        answer = httpx.post(gw.v1 + "/chat/completions", json={"model": "chat", "messages": MESSAGES}, headers={"Host": "attacker.example"}, timeout=10)
        assert answer.status_code == 421
        assert answer.json()["error"] == {"message": "Host 'attacker.example' is not served here (a name other than loopback must be listed in http.allowed_hosts)", "type": "misdirected_request", "param": None, "code": "misdirected_request"}
        # A page on another site, through the official SDK as a browser build of it would send it.
        evil = openai.OpenAI(base_url=gw.v1, api_key=CALLER_KEY, max_retries=0, timeout=20, default_headers={"Origin": "https://evil.example"})
        with pytest.raises(openai.PermissionDeniedError) as caught:
            evil.chat.completions.create(model="chat", messages=MESSAGES, stream=True)
        assert caught.value.body["message"].startswith("Origin 'https://evil.example' is not allowed (")
        answer = httpx.post(gw.v1 + "/messages", json=anthropic_body, headers={"Origin": "https://evil.example"}, timeout=10)
        assert answer.status_code == 403 and answer.json()["error"]["type"] == "permission_error"
        answer = httpx.options(gw.v1 + "/chat/completions", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10)
        assert answer.status_code == 403 and "access-control-allow-origin" not in answer.headers
        assert fake.requests("/") == [], "nothing reached a provider"
        # An allowed origin: the preflight grants what the page asks to send, the answer is readable.
        asked = "authorization, content-type, x-stainless-os"
        answer = httpx.options(
            gw.v1 + "/chat/completions", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": asked}, timeout=10
        )
        assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == "https://app.example.com"
        assert answer.headers["access-control-allow-headers"] == asked and answer.headers["access-control-allow-methods"] == "POST, OPTIONS"
        app = openai.OpenAI(base_url=gw.v1, api_key=CALLER_KEY, max_retries=0, timeout=20, default_headers={"Origin": "https://app.example.com"})
        raw = app.chat.completions.with_raw_response.create(model="chat", messages=MESSAGES)
        assert raw.parse().choices[0].message.content
        assert raw.headers["access-control-allow-origin"] == "https://app.example.com" and "x-toolgate-instance" in raw.headers["access-control-expose-headers"]
        # A host the configuration names, and callers that are not browsers, are served as before.
        answer = httpx.post(gw.v1 + "/chat/completions", json={"model": "chat", "messages": MESSAGES}, headers={"Host": "gateway.example.com:443"}, timeout=10)
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
        assert [m.id for m in client(gw).models.list()] == ["chat"]


def test_embeddings_and_models(basic):
    c = client(basic)
    answer = c.embeddings.create(model="qwen", input=["one", "two"])
    assert [d.index for d in answer.data] == [0, 1] and answer.usage.prompt_tokens == 6
    assert [m.id for m in c.models.list()] == ["chat", "gpt-4o-mini", "reasoner", "qwen"]
