import Foundation
import GatewayCore
import MCPCore

/// Translates an Anthropic message into an OpenAI chat completion (anthropic-messages.md §6.5):
/// text blocks joined into `content`, `tool_use` blocks as `tool_calls` with JSON-string
/// arguments, thinking as `reasoning_content`, stop reasons as finish reasons, usage with the
/// cache reads and writes counted into `prompt_tokens`.
package enum AnthropicProviderAnswer {
    package static func chatCompletion(_ message: JSONValue) -> JSONValue {
        var text = ""
        var reasoning = ""
        var calls: [JSONValue] = []
        for block in message["content"]?.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "text": text += block["text"]?.stringValue ?? ""
            case "thinking": reasoning += block["thinking"]?.stringValue ?? ""
            case "tool_use":
                calls.append([
                    "id": block["id"] ?? "", "type": "function",
                    "function": ["name": block["name"] ?? "", "arguments": .string((block["input"] ?? [:]).serialized())],
                ])
            default: continue
            }
        }
        var reply: JSONObject = ["role": "assistant", "content": text.isEmpty ? .null : .string(text)]
        if !reasoning.isEmpty { reply["reasoning_content"] = .string(reasoning) }
        if !calls.isEmpty { reply["tool_calls"] = .array(calls) }
        var completion: JSONObject = [
            "id": message["id"] ?? "", "object": "chat.completion", "created": .int(Int64(Date().timeIntervalSince1970)), "model": message["model"] ?? "",
            "choices": [["index": 0, "message": .object(reply), "logprobs": .null, "finish_reason": .string(finishReason(message["stop_reason"]?.stringValue))]],
        ]
        if let usage = TokenUsage(anthropic: message["usage"]) { completion["usage"] = usage.openAIJSON }
        return .object(completion)
    }

    /// `stop_reason` → `finish_reason`; what OpenAI has no word for (`pause_turn`) is `stop`.
    package static func finishReason(_ stop: String?) -> String {
        switch stop {
        case "max_tokens", "model_context_window_exceeded": return "length"
        case "tool_use": return "tool_calls"
        case "refusal": return "content_filter"
        default: return "stop"
        }
    }
}
