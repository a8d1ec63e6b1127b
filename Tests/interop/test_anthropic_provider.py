"""Anthropic out: an `anthropic` instance (the fake provider's Anthropic persona, replaying recorded
Messages answers) serving the official `openai` SDK through /v1/chat/completions and the official
`anthropic` SDK through /v1/messages."""
import json

import anthropic
import openai
import pytest

from llm_support import gateway

CALLER_KEY = "sk-caller-secret-0123456789"
MESSAGES = [{"role": "user", "content": "Say hello."}]
OPENAI_TOOLS = [{"type": "function", "function": {"name": "add", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}}]
ANTHROPIC_TOOLS = [{"name": "add", "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}]
TEXT = 'Olá!\n\n(This is the most common way to say "hi" in Portuguese.)'


@pytest.fixture()
def gw(toolgate, fake):
    claude = f'{{ name: claude, provider: anthropic, base_url: "{fake.url}/anthropic", api_key: sk-ant-upstream, model: claude-sonnet-4-20250514 }}'
    config = f"""models:
  - name: claude
    timeout: 5s
    instances: [{claude}]
  - name: overloaded
    timeout: 5s
    fallback_on: [529, 500, timeout, connect]
    instances:
      - {{ name: busy, provider: anthropic, base_url: "{fake.url}/anthropic/fail-529", api_key: sk-ant-upstream, model: claude-sonnet-4-20250514, priority: 0 }}
      - {{ name: spare, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-upstream, model: gpt-4o-mini, priority: 1 }}
  - name: breaking
    timeout: 5s
    instances: [{{ name: broken, provider: anthropic, base_url: "{fake.url}/anthropic/delay-30/error-mid", api_key: sk-ant-upstream, model: claude-sonnet-4-20250514 }}]
"""
    with gateway(toolgate, config) as running:
        yield running


def oa(gw):
    return openai.OpenAI(base_url=gw.v1, api_key=CALLER_KEY, max_retries=0, timeout=20)


def an(gw):
    return anthropic.Anthropic(base_url=gw.url, api_key=CALLER_KEY, max_retries=0, timeout=20)


def sent_messages(fake):
    return [r for r in fake.requests("/v1/messages") if "count_tokens" not in r["target"]]


def test_openai_sdk_whole_and_streamed_with_equal_usage(gw, fake):
    raw = oa(gw).chat.completions.with_raw_response.create(model="claude", messages=[{"role": "system", "content": "Be brief."}] + MESSAGES, max_tokens=200)
    whole = raw.parse()
    assert whole.choices[0].message.content == TEXT and whole.choices[0].finish_reason == "stop"
    assert (whole.usage.prompt_tokens, whole.usage.completion_tokens, whole.usage.prompt_tokens_details.cached_tokens) == (1040, 38, 1024)
    assert raw.headers["x-toolgate-instance"] == "claude"
    request = sent_messages(fake)[-1]
    body = json.loads(request["body"])
    assert body == {"model": "claude-sonnet-4-20250514", "system": "Be brief.", "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello."}]}], "max_tokens": 200}
    assert request["headers"]["x-api-key"] == "sk-ant-upstream" and request["headers"]["anthropic-version"] == "2023-06-01"
    assert "authorization" not in request["headers"] and CALLER_KEY not in json.dumps(fake.requests())
    chunks = list(oa(gw).chat.completions.create(model="claude", messages=MESSAGES, stream=True, stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TEXT
    usage = [c.usage for c in chunks if c.usage]
    assert len(usage) == 1 and (usage[0].prompt_tokens, usage[0].completion_tokens) == (whole.usage.prompt_tokens, whole.usage.completion_tokens)
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    plain = list(oa(gw).chat.completions.create(model="claude", messages=MESSAGES, stream=True))
    assert not any(c.usage for c in plain), "the usage chunk the client did not ask for is dropped"


def test_openai_sdk_tool_calls_whole_and_streamed(gw, fake):
    whole = oa(gw).chat.completions.create(model="claude", messages=MESSAGES, tools=OPENAI_TOOLS, parallel_tool_calls=False, tool_choice="required")
    calls = whole.choices[0].message.tool_calls
    assert whole.choices[0].finish_reason == "tool_calls"
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("toolu_01GrN36ErVgy85ECZ6pbzBL4", "add", {"a": 2, "b": 3}), ("toolu_0113xQa4VtccyoXcHaukkzom", "multiply", {"a": 2, "b": 3})]
    body = json.loads(sent_messages(fake)[-1]["body"])
    assert body["tools"] == [{"name": "add", "input_schema": OPENAI_TOOLS[0]["function"]["parameters"]}]
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    arguments = {}
    for chunk in oa(gw).chat.completions.create(model="claude", messages=MESSAGES, tools=OPENAI_TOOLS, stream=True):
        for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            arguments[call.index] = arguments.get(call.index, "") + (call.function.arguments or "")
    assert {k: json.loads(v) for k, v in arguments.items()} == {0: {"a": 2, "b": 3}, 1: {"a": 2, "b": 3}}
    history = MESSAGES + [whole.choices[0].message.model_dump(exclude_none=True)] + [
        {"role": "tool", "tool_call_id": c.id, "content": "5" if c.function.name == "add" else "6"} for c in calls] + [{"role": "user", "content": "Sum them."}]
    oa(gw).chat.completions.create(model="claude", messages=history, tools=OPENAI_TOOLS)
    turns = json.loads(sent_messages(fake)[-1]["body"])["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"], "the tool results and the next text are one user turn"
    assert [b["type"] for b in turns[2]["content"]] == ["tool_result", "tool_result", "text"]


def test_openai_sdk_reasoning_effort_becomes_thinking(gw, fake):
    whole = oa(gw).chat.completions.create(model="claude", messages=MESSAGES, reasoning_effort="low", max_completion_tokens=500)
    assert whole.choices[0].message.model_extra["reasoning_content"].startswith("The user is asking for a greeting")
    assert whole.choices[0].message.content == "Hello! How can I help you today?"
    assert json.loads(sent_messages(fake)[-1]["body"])["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    streamed = list(oa(gw).chat.completions.create(model="claude", messages=MESSAGES, reasoning_effort="low", stream=True))
    reasoning = "".join((c.choices[0].delta.model_extra or {}).get("reasoning_content") or "" for c in streamed if c.choices)
    assert reasoning == whole.choices[0].message.model_extra["reasoning_content"]


def test_anthropic_sdk_through_an_anthropic_instance(gw, fake):
    message = an(gw).messages.create(model="claude", max_tokens=100, messages=MESSAGES)
    assert message.content[0].text == TEXT and message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens) == (16, 1024, 38)
    with an(gw).messages.stream(model="claude", max_tokens=100, messages=MESSAGES) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == TEXT and (final.usage.input_tokens, final.usage.output_tokens) == (16, 38)
    with an(gw).messages.stream(model="claude", max_tokens=100, messages=MESSAGES, tools=ANTHROPIC_TOOLS) as stream:
        partial = [e.delta.partial_json for e in stream if e.type == "content_block_delta" and e.delta.type == "input_json_delta"]
        final = stream.get_final_message()
    assert len(partial) >= 2 and [b.input for b in final.content if b.type == "tool_use"] == [{"a": 2, "b": 3}, {"a": 2, "b": 3}]
    thinking = an(gw).messages.create(model="claude", max_tokens=3000, messages=MESSAGES, thinking={"type": "enabled", "budget_tokens": 2048})
    assert [b.type for b in thinking.content] == ["thinking", "text"]
    assert json.loads(sent_messages(fake)[-1]["body"])["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    count = an(gw).messages.count_tokens(model="claude", messages=MESSAGES, tools=ANTHROPIC_TOOLS)
    assert count.input_tokens > 0
    assert CALLER_KEY not in json.dumps(fake.requests())


def test_failures_of_an_anthropic_instance(gw, fake):
    raw = oa(gw).chat.completions.with_raw_response.create(model="overloaded", messages=MESSAGES)
    assert raw.headers["x-toolgate-instance"] == "spare" and raw.headers["x-toolgate-attempts"] == "2", "529 overloaded falls back"
    received = []
    with pytest.raises(openai.APIError) as broken:
        for chunk in oa(gw).chat.completions.create(model="breaking", messages=MESSAGES, stream=True):
            received.append(chunk)
    assert received and "Overloaded" in str(broken.value), "the provider's error event ends the stream after its first chunk"
    with pytest.raises(anthropic.APIStatusError) as event:
        with an(gw).messages.stream(model="breaking", max_tokens=100, messages=MESSAGES) as stream:
            for _ in stream:
                pass
    assert event.value.response.status_code == 200, "the error came as an event after the answer began"
    assert event.value.body["error"]["type"] == "overloaded_error", "Anthropic's own error type, which Claude Code retries on"
    fake.clear()
    with pytest.raises(openai.BadRequestError) as refused:
        oa(gw).chat.completions.create(model="claude", messages=MESSAGES, n=2)
    assert refused.value.body["param"] == "n" and "one answer" in refused.value.message
    assert fake.requests("/v1/messages") == [], "refused before any instance was tried"
