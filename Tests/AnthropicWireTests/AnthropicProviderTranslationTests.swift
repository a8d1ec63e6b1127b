import GatewayCore
import MCPCore
import Testing

@testable import AnthropicWire

/// The outbound direction on its own: OpenAI requests to an `anthropic` instance, its answers and
/// streams back to OpenAI's format.
@Suite("Anthropic provider translation")
struct AnthropicProviderTranslationTests {
    @Test("a request: system on top, tool messages as tool_result blocks in one user turn, tool calls as tool_use, bounds and choices mapped")
    func request() throws {
        let chat: JSONValue = [
            "model": "chat", "max_completion_tokens": 300, "temperature": 1.4, "top_p": 0.9, "stop": "###", "user": "u1", "parallel_tool_calls": false,
            "tool_choice": "required", "stream": true, "stream_options": ["include_usage": true],
            "tools": [["type": "function", "function": ["name": "weather", "description": "Now", "parameters": ["type": "object"]]], ["type": "function", "function": ["name": "bare"]]],
            "messages": [
                ["role": "system", "content": "Be brief."],
                ["role": "user", "content": [["type": "text", "text": "Weather?"], ["type": "image_url", "image_url": ["url": "data:image/png;base64,AAAA"]]]],
                ["role": "assistant", "content": .null, "reasoning_content": "Look it up.", "tool_calls": [
                    ["id": "call.1", "type": "function", "function": ["name": "weather", "arguments": #"{"city":"Rome"}"#]],
                    ["id": "call_2", "type": "function", "function": ["name": "weather", "arguments": ""]],
                ]],
                ["role": "tool", "tool_call_id": "call.1", "content": "20°C"],
                ["role": "tool", "tool_call_id": "call_2", "content": [["type": "text", "text": "18°C"]]],
                ["role": "developer", "content": "Use Celsius."],
                ["role": "user", "content": "Thanks"],
            ],
        ]
        let body = try AnthropicProviderRequest.messagesBody(chat.objectValue!, model: "claude-sonnet-4-20250514")
        #expect(body["model"] == "claude-sonnet-4-20250514" && body["max_tokens"] == 300 && body["system"] == "Be brief.\nUse Celsius.")
        #expect(body["temperature"] == .double(1) && body["top_p"] == nil, "clamped to Anthropic's range, and only one of the two")
        #expect(body["stop_sequences"] == ["###"] && body["metadata"] == ["user_id": "u1"] && body["stream"] == true && body["stream_options"] == nil)
        #expect(body["tool_choice"] == ["type": "any", "disable_parallel_tool_use": true])
        #expect(body["tools"] == [
            ["name": "weather", "input_schema": ["type": "object"], "description": "Now"], ["name": "bare", "input_schema": ["type": "object", "properties": [:]]],
        ])
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user"], "the two tool messages and the next user text merge into one turn")
        #expect(messages[0]["content"] == [
            ["type": "text", "text": "Weather?"], ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "AAAA"]],
        ])
        #expect(messages[1]["content"] == [
            ["type": "tool_use", "id": "call_1", "name": "weather", "input": ["city": "Rome"]], ["type": "tool_use", "id": "call_2", "name": "weather", "input": [:]],
        ], "reasoning_content is not sent back (no signature); ids sanitised; empty arguments are {}")
        #expect(messages[2]["content"] == [
            ["type": "tool_result", "tool_use_id": "call_1", "content": "20°C"], ["type": "tool_result", "tool_use_id": "call_2", "content": "18°C"],
            ["type": "text", "text": "Thanks"],
        ])
    }

    @Test("reasoning effort becomes a thinking budget below max_tokens, without temperature; structured output; the default bound")
    func thinkingAndFormats() throws {
        let chat: JSONValue = [
            "model": "m", "reasoning_effort": "medium", "max_tokens": 1000, "temperature": 0.2, "messages": [["role": "user", "content": "Hi"]],
            "response_format": ["type": "json_schema", "json_schema": ["name": "x", "schema": ["type": "object", "properties": ["a": ["type": "integer"]]]]],
        ]
        let body = try AnthropicProviderRequest.messagesBody(chat.objectValue!, model: "m")
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048] && body["max_tokens"] == 3048 && body["temperature"] == nil)
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": ["type": "object", "properties": ["a": ["type": "integer"]]]]])
        let plain = try AnthropicProviderRequest.messagesBody(["model": "m", "messages": [["role": "user", "content": "Hi"]]], model: "m")
        #expect(plain["max_tokens"] == .int(AnthropicProviderRequest.defaultMaxTokens) && plain["tool_choice"] == nil)
    }

    @Test("what has no Anthropic counterpart is refused naming the field; neutral values pass")
    func refusals() throws {
        func param(_ extra: JSONObject) -> String? {
            var chat: JSONObject = ["model": "m", "messages": [["role": "user", "content": "Hi"]]]
            chat.merge(extra) { $1 }
            do {
                _ = try AnthropicProviderRequest.messagesBody(chat, model: "m")
                return nil
            } catch {
                return error.param
            }
        }
        #expect(param(["n": 2]) == "n" && param(["logit_bias": ["1": 2]]) == "logit_bias" && param(["seed": 7]) == "seed")
        #expect(param(["n": 1, "presence_penalty": 0, "frequency_penalty": 0, "logprobs": false]) == nil)
        #expect(param(["messages": [["role": "user", "content": [["type": "input_audio", "input_audio": [:]]]]]]) == "messages[0].content[0]")
        #expect(param(["messages": [["role": "assistant", "tool_calls": [["id": "c", "function": ["name": "f", "arguments": "[1]"]]]]]]) == "messages[0].tool_calls[0].function.arguments")
        #expect(param(["messages": [["role": "function", "content": "x"]]]) == "messages[0].role")
    }

    @Test("an answer: text joined, tool uses as tool calls with JSON-string arguments, thinking as reasoning_content, usage with cache counted in")
    func answer() {
        let message: JSONValue = [
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
            "content": [
                ["type": "thinking", "thinking": "Hmm.", "signature": "sig"], ["type": "text", "text": "Adding."],
                ["type": "tool_use", "id": "toolu_1", "name": "add", "input": ["a": 2, "b": 3]],
            ],
            "stop_reason": "tool_use", "stop_sequence": .null,
            "usage": ["input_tokens": 16, "cache_creation_input_tokens": 8, "cache_read_input_tokens": 1024, "output_tokens": 38],
        ]
        let chat = AnthropicProviderAnswer.chatCompletion(message)
        let choice = chat["choices"]?.arrayValue?.first
        #expect(chat["object"] == "chat.completion" && chat["id"] == "msg_1" && choice?["finish_reason"] == "tool_calls")
        #expect(choice?["message"] == [
            "role": "assistant", "content": "Adding.", "reasoning_content": "Hmm.",
            "tool_calls": [["id": "toolu_1", "type": "function", "function": ["name": "add", "arguments": #"{"a":2,"b":3}"#]]],
        ])
        #expect(chat["usage"]?["prompt_tokens"] == 1048 && chat["usage"]?["completion_tokens"] == 38 && chat["usage"]?["total_tokens"] == 1086)
        #expect(chat["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 1024)
        #expect(["end_turn", "stop_sequence", "max_tokens", "refusal", "pause_turn", "model_context_window_exceeded"].map(AnthropicProviderAnswer.finishReason)
            == ["stop", "stop", "length", "content_filter", "stop", "length"])
    }

    @Test("a stream: one chunk per delta, tool calls numbered among tool calls, the finish chunk, then the usage chunk and the end")
    func stream() {
        var reader = AnthropicEventReader()
        let events: [JSONValue] = [
            ["type": "message_start", "message": ["id": "msg_9", "model": "claude-x", "usage": ["input_tokens": 16, "cache_read_input_tokens": 4, "output_tokens": 1]]],
            ["type": "content_block_start", "index": 0, "content_block": ["type": "thinking", "thinking": "", "signature": ""]],
            ["type": "content_block_delta", "index": 0, "delta": ["type": "thinking_delta", "thinking": "Hmm."]],
            ["type": "content_block_delta", "index": 0, "delta": ["type": "signature_delta", "signature": "sig"]],
            ["type": "content_block_stop", "index": 0],
            ["type": "ping"],
            ["type": "content_block_start", "index": 1, "content_block": ["type": "text", "text": ""]],
            ["type": "content_block_delta", "index": 1, "delta": ["type": "text_delta", "text": "Hi"]],
            ["type": "content_block_start", "index": 2, "content_block": ["type": "tool_use", "id": "toolu_1", "name": "add", "input": [:]]],
            ["type": "content_block_delta", "index": 2, "delta": ["type": "input_json_delta", "partial_json": ""]],
            ["type": "content_block_delta", "index": 2, "delta": ["type": "input_json_delta", "partial_json": "{\"a\":1}"]],
            ["type": "something_new"],
            ["type": "message_delta", "delta": ["stop_reason": "tool_use", "stop_sequence": .null], "usage": ["output_tokens": 38]],
            ["type": "message_stop"],
        ]
        let outputs = events.flatMap { reader.read($0) }
        let chunks = outputs.compactMap { output -> JSONValue? in
            if case .chunk(let json) = output { return json }
            return nil
        }
        let deltas = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"] }
        #expect(deltas == [
            ["role": "assistant", "content": ""], ["reasoning_content": "Hmm."], ["content": "Hi"],
            ["tool_calls": [["index": 0, "id": "toolu_1", "type": "function", "function": ["name": "add", "arguments": ""]]]],
            ["tool_calls": [["index": 0, "function": ["arguments": "{\"a\":1}"]]]], [:],
        ])
        #expect(chunks.allSatisfy { $0["id"] == "msg_9" && $0["model"] == "claude-x" && $0["object"] == "chat.completion.chunk" })
        #expect(chunks[5]["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")
        #expect(chunks[6]["choices"] == [] && chunks[6]["usage"]?["prompt_tokens"] == 20 && chunks[6]["usage"]?["completion_tokens"] == 38)
        #expect(outputs.contains(.keepAlive) && outputs.last == .done)
        #expect(reader.read(["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]]) == [.error(["type": "overloaded_error", "message": "Overloaded"])])
    }

    @Test("usage read both ways: cache reads and writes are part of the prompt, thinking tokens are reasoning")
    func usage() {
        let usage = TokenUsage(anthropic: ["input_tokens": 3, "cache_creation_input_tokens": 22156, "cache_read_input_tokens": 11204, "output_tokens": 581, "output_tokens_details": ["thinking_tokens": 200]])
        #expect(usage == TokenUsage(promptTokens: 33363, completionTokens: 581, cachedPromptTokens: 11204, reasoningTokens: 200))
        #expect(TokenUsage(anthropic: ["service_tier": "standard"]) == nil && TokenUsage(anthropic: .null) == nil)
        #expect(TokenUsage(openAI: usage!.openAIJSON) == usage)
    }
}
