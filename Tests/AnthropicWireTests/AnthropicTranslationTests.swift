import GatewayCore
import MCPCore
import NIOCore
import Testing

@testable import AnthropicWire

/// The Anthropic ↔ OpenAI translation on its own: requests in, answers and streams out.
@Suite("Anthropic translation")
struct AnthropicTranslationTests {
    @Test("a request: system first, a turn's tool results before its text, tool calls with JSON arguments, thinking as reasoning_content")
    func inbound() throws {
        let body: JSONValue = [
            "model": "chat", "max_tokens": 64, "system": [["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral"]]],
            "stop_sequences": ["###"], "metadata": ["user_id": "u1"], "tool_choice": ["type": "any", "disable_parallel_tool_use": true],
            "tools": [["name": "weather", "input_schema": ["type": "object"]]],
            "messages": [
                ["role": "user", "content": "Weather?"],
                ["role": "assistant", "content": [["type": "thinking", "thinking": "Look it up.", "signature": "x"], ["type": "tool_use", "id": "t1", "name": "weather", "input": ["city": "Rome"]]]],
                ["role": "user", "content": [["type": "text", "text": "Thanks"], ["type": "tool_result", "tool_use_id": "t1", "content": [["type": "text", "text": "20°C"]], "is_error": false]]],
                ["role": "user", "content": [["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "AAAA"]], ["type": "text", "text": "And this?"]]],
            ],
        ]
        let chat = try AnthropicInbound.chatBody(body.objectValue!)
        let messages = try #require(chat["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["system", "user", "assistant", "tool", "user", "user"])
        #expect(messages[0]["content"] == "Be brief.")
        #expect(messages[2]["reasoning_content"] == "Look it up." && messages[2]["content"] == .null)
        #expect(messages[2]["tool_calls"] == [["id": "t1", "type": "function", "function": ["name": "weather", "arguments": #"{"city":"Rome"}"#]]])
        #expect(messages[3] == ["role": "tool", "tool_call_id": "t1", "content": "20°C"])
        #expect(messages[4] == ["role": "user", "content": "Thanks"], "the tool result comes before the turn's text")
        #expect(messages[5]["content"]?.arrayValue?.first?["image_url"]?["url"] == "data:image/png;base64,AAAA")
        #expect(chat["stop"] == ["###"] && chat["user"] == "u1" && chat["tool_choice"] == "required" && chat["parallel_tool_calls"] == false)
        #expect(chat["tools"] == [["type": "function", "function": ["name": "weather", "parameters": ["type": "object"]]]])
    }

    @Test("what cannot be translated is refused naming the block")
    func refusals() {
        let document: JSONValue = ["model": "m", "max_tokens": 1, "messages": [["role": "user", "content": [["type": "document", "source": [:]]]]]]
        #expect(throws: GatewayError.self) { try AnthropicInbound.chatBody(document.objectValue!) }
        let server: JSONValue = ["model": "m", "max_tokens": 1, "messages": [["role": "user", "content": "x"]], "tools": [["type": "web_search_20250305", "name": "web_search"]]]
        do {
            _ = try AnthropicInbound.chatBody(server.objectValue!)
            Issue.record("a server tool was accepted")
        } catch {
            #expect(error.param == "tools[0].type")
        }
    }

    @Test("an answer: thinking, text, tool use with parsed input; stop reasons; cached tokens apart")
    func outbound() {
        let chat: JSONValue = [
            "id": "chatcmpl-42", "choices": [["index": 0, "finish_reason": "tool_calls", "message": [
                "role": "assistant", "content": "Checking.", "reasoning_content": "Need the weather.",
                "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "weather", "arguments": #"{"city":"Rome"}"#]]],
            ]]],
            "usage": ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_tokens_details": ["cached_tokens": 64]],
        ]
        let message = AnthropicOutbound.message(chat, model: "chat")
        #expect(message["id"] == "msg_42" && message["stop_reason"] == "tool_use")
        #expect(message["content"] == [
            ["type": "thinking", "thinking": "Need the weather.", "signature": ""], ["type": "text", "text": "Checking."],
            ["type": "tool_use", "id": "call_1", "name": "weather", "input": ["city": "Rome"]],
        ])
        #expect(message["usage"] == ["input_tokens": 36, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 64, "output_tokens": 20])
        #expect(AnthropicOutbound.stopReason("length") == "max_tokens" && AnthropicOutbound.stopReason("stop") == "end_turn")
    }

    @Test("a stream: one block at a time, deltas only inside a started block, empty fragments open nothing, usage at the end")
    func stream() throws {
        var translator = AnthropicStreamTranslator(model: "chat")
        let chunks: [JSONValue] = [
            ["id": "chatcmpl-1", "choices": [["index": 0, "delta": ["role": "assistant", "content": ""]]]],
            ["choices": [["index": 0, "delta": ["reasoning_content": "Hmm."]]]],
            ["choices": [["index": 0, "delta": ["content": "Hi", "reasoning_content": .null]]]],
            ["choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "id": "call_a", "type": "function", "function": ["name": "weather", "arguments": "{\"ci"]]]]]]],
            ["choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "id": "", "type": "function", "function": ["arguments": "ty\":1}"]]]]]]],
            ["choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "function": ["arguments": .null]]]]]]],
            ["choices": [["index": 0, "delta": [:], "finish_reason": "tool_calls"]]],
            ["choices": [], "usage": ["prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15]],
        ]
        var out = ByteBuffer()
        for chunk in chunks {
            var events = translator.translate(chunk)
            out.writeBuffer(&events)
        }
        var end = translator.finish()
        out.writeBuffer(&end)
        let lines = String(buffer: out).split(separator: "\n").filter { $0.hasPrefix("data: ") }
        let events = try lines.map { try JSONParser().parse(String($0.dropFirst(6))) }
        #expect(events.map { $0["type"]?.stringValue ?? "" } == [
            "message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta",
            "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(events[1]["content_block"]?["type"] == "thinking" && events[4]["content_block"]?["type"] == "text")
        #expect(events[7]["content_block"] == ["type": "tool_use", "id": "call_a", "name": "weather", "input": [:]], "the empty continuation id did not overwrite it")
        #expect(events[9]["delta"] == ["type": "input_json_delta", "partial_json": "ty\":1}"] && events[9]["index"] == 2)
        #expect(events[11]["delta"]?["stop_reason"] == "tool_use" && events[11]["usage"]?["output_tokens"] == 5)
    }
}
