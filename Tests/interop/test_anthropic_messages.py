"""Anthropic Messages in: the official `anthropic` SDK (and a recorded Claude Code request) against
/v1/messages, served by OpenAI-format instances of the fake provider through the same model layer."""
import json

import anthropic
import httpx
import pytest

from llm_support import gateway

MESSAGES = [{"role": "user", "content": "Say hello."}]
TOOLS = [{"name": "get_current_weather", "description": "Weather now", "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}}}]


@pytest.fixture()
def gw(toolgate, fake):
    config = f"""models:
  - name: chat
    instances: [{{ name: oa, provider: openai, base_url: "{fake.base('openai')}", api_key: sk-up, model: gpt-4o-mini }}]
  - name: reasoner
    instances: [{{ name: ds, provider: deepseek, base_url: "{fake.base('deepseek')}", api_key: sk-up, model: deepseek-reasoner }}]
  - name: busy
    instances: [{{ name: limited, provider: openai, base_url: "{fake.base('openai', 'fail-429')}", api_key: sk-up, model: gpt-4o-mini }}]
  - name: claude
    instances: [{{ name: anthropic, provider: anthropic, base_url: "{fake.url}/anthropic", api_key: sk-ant-up, model: claude-sonnet-4-20250514 }}]
"""
    with gateway(toolgate, config) as running:
        yield running


def client(gw):
    return anthropic.Anthropic(base_url=gw.url, api_key="sk-ant-caller", max_retries=0)


def test_text_whole_and_streamed_with_equal_usage(gw, fake):
    raw = client(gw).messages.with_raw_response.create(model="chat", max_tokens=100, messages=MESSAGES)
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant" and message.stop_reason == "end_turn"
    assert [b.type for b in message.content] == ["text"] and message.content[0].text == "Hello! How can I assist you today?"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (19, 10)
    assert raw.headers["x-toolgate-instance"] == "oa"
    sent = json.loads(fake.requests()[-1]["body"])
    assert sent["max_completion_tokens"] == 100 and sent["messages"] == MESSAGES, "translated to OpenAI's body for the provider"
    assert "sk-ant-caller" not in json.dumps(fake.requests())
    with client(gw).messages.stream(model="chat", max_tokens=100, messages=MESSAGES) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_message()
    assert final.content[0].text == message.content[0].text
    assert (final.usage.input_tokens, final.usage.output_tokens) == (19, 10)
    assert events[0] == "message_start" and events[-1] == "message_stop"
    assert "content_block_start" in events and "content_block_stop" in events and "message_delta" in events


def test_tool_use_whole_and_with_streamed_arguments(gw):
    message = client(gw).messages.create(model="chat", max_tokens=100, messages=MESSAGES, tools=TOOLS)
    assert message.stop_reason == "tool_use"
    use = message.content[-1]
    assert (use.type, use.name, use.input) == ("tool_use", "get_current_weather", {"location": "Boston, MA"})
    with client(gw).messages.stream(model="chat", max_tokens=100, messages=MESSAGES, tools=TOOLS) as stream:
        partial = [event.delta.partial_json for event in stream if event.type == "content_block_delta" and event.delta.type == "input_json_delta"]
        final = stream.get_final_message()
    assert len(partial) >= 2, "the arguments arrive in pieces"
    assert final.content[-1].input == {"location": "Boston, MA"} and final.stop_reason == "tool_use"


def test_tool_results_go_back_as_tool_messages(gw, fake):
    history = MESSAGES + [
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_current_weather", "input": {"location": "Boston"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "22°C"}, {"type": "text", "text": "And tomorrow?"}]},
    ]
    client(gw).messages.create(model="chat", max_tokens=100, messages=history, tools=TOOLS, system="Be brief.")
    sent = json.loads(fake.requests()[-1]["body"])["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "user"]
    assert sent[2]["tool_calls"][0]["function"] == {"name": "get_current_weather", "arguments": '{"location":"Boston"}'}
    assert sent[3] == {"role": "tool", "tool_call_id": "toolu_1", "content": "22°C"}


def test_deepseek_reasoning_becomes_thinking_and_goes_back(gw, fake):
    message = client(gw).messages.create(model="reasoner", max_tokens=2000, messages=MESSAGES)
    assert [b.type for b in message.content] == ["thinking", "text"]
    thinking = message.content[0].thinking
    assert thinking.startswith("Okay, the user wrote")
    with client(gw).messages.stream(model="reasoner", max_tokens=2000, messages=MESSAGES) as stream:
        final = stream.get_final_message()
    assert final.content[0].type == "thinking" and final.content[0].thinking == thinking
    history = MESSAGES + [{"role": "assistant", "content": [{"type": "thinking", "thinking": thinking, "signature": ""}, {"type": "text", "text": "Hi"}]},
                          {"role": "user", "content": "Again."}]
    client(gw).messages.create(model="reasoner", max_tokens=2000, messages=history)
    assert json.loads(fake.requests()[-1]["body"])["messages"][1]["reasoning_content"] == thinking


def test_count_tokens_and_errors_in_anthropics_envelope(gw, fake):
    count = client(gw).messages.count_tokens(model="chat", messages=MESSAGES, system="Be brief.", tools=TOOLS)
    assert count.input_tokens > 0
    with pytest.raises(anthropic.NotFoundError) as missing:
        client(gw).messages.create(model="nope", max_tokens=10, messages=MESSAGES)
    assert missing.value.body["type"] == "error" and missing.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError) as invalid:
        client(gw).messages.create(model="chat", max_tokens=10, messages=[{"role": "user", "content": [{"type": "document", "source": {}}]}])
    assert "'document' block cannot be sent" in invalid.value.message
    with pytest.raises(anthropic.RateLimitError) as limited:
        client(gw).messages.create(model="busy", max_tokens=10, messages=MESSAGES)
    assert limited.value.body["error"]["type"] == "rate_limit_error" and limited.value.response.headers["retry-after"] == "1"
    bad = httpx.post(gw.url + "/v1/messages", json={"model": "chat", "messages": MESSAGES}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "max_tokens: Field required"
    assert all("/busy" in r["target"] or "fail-429" in r["target"] for r in fake.requests()) or len(fake.requests()) == 1


@pytest.mark.parametrize("model", ["chat", "claude"])
def test_a_recorded_claude_code_request(gw, model):
    """The shape of a Claude Code request (anthropic-messages.md §1.1): beta query, system blocks with
    the billing header and cache_control, metadata, temperature 0, tools, streamed; served by an
    OpenAI instance and by an Anthropic one (translated in, then out)."""
    body = {
        "model": model, "max_tokens": 32000, "temperature": 0, "stream": True,
        "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=1.0.62; cch=00000;"},
                   {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello.", "cache_control": {"type": "ephemeral"}}]}],
        "tools": [{"name": "Bash", "description": "Run a shell command", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}],
        "metadata": {"user_id": "user_0000_account_1111_session_2222"},
    }
    headers = {"anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219,fine-grained-tool-streaming-2025-05-14",
               "authorization": "Bearer sk-ant-oauth-token", "x-app": "cli", "user-agent": "claude-cli/1.0.62 (external, cli)",
               "x-stainless-helper-method": "stream", "content-type": "application/json"}
    with httpx.stream("POST", gw.url + "/v1/messages?beta=true", json=body, headers=headers, timeout=20) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    names = [line.split(": ", 1)[1] for line in lines if line.startswith("event: ")]
    datas = [json.loads(line.split(": ", 1)[1]) for line in lines if line.startswith("data: ")]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    assert [d["type"] for d in datas] == names, "every event's data names its event"
    starts = [d["index"] for d in datas if d["type"] == "content_block_start"]
    stops = [d["index"] for d in datas if d["type"] == "content_block_stop"]
    assert starts == stops == list(range(len(starts))), "blocks open and close in order, one at a time"
    for delta in (d for d in datas if d["type"] == "content_block_delta"):
        assert delta["index"] in starts
