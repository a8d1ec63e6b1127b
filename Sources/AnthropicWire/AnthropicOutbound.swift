import Foundation
import GatewayCore
import MCPCore

/// Translates an OpenAI Chat Completions answer into an Anthropic message (anthropic-messages.md
/// §6.2): thinking from `reasoning_content` or `reasoning`, the text, then one `tool_use` block per
/// tool call; finish reasons to stop reasons; usage with the cached tokens split out.
package enum AnthropicOutbound {
    package static func message(_ chat: JSONValue, model: String) -> JSONValue {
        let choice = chat["choices"]?.arrayValue?.first
        let message = choice?["message"]
        var content: [JSONValue] = []
        if let reasoning = (message?["reasoning_content"] ?? message?["reasoning"])?.stringValue, !reasoning.isEmpty {
            content.append(["type": "thinking", "thinking": .string(reasoning), "signature": ""])
        }
        if let text = message?["content"]?.stringValue, !text.isEmpty {
            content.append(["type": "text", "text": .string(text)])
        }
        for call in message?["tool_calls"]?.arrayValue ?? [] {
            content.append([
                "type": "tool_use", "id": call["id"] ?? .string("toolu_\(UUID().uuidString.prefix(12))"), "name": call["function"]?["name"] ?? "",
                "input": toolInput(call["function"]?["arguments"]?.stringValue ?? ""),
            ])
        }
        return [
            "id": .string(messageID(chat["id"]?.stringValue)), "type": "message", "role": "assistant", "model": .string(model),
            "content": .array(content), "stop_reason": .string(stopReason(choice?["finish_reason"]?.stringValue)), "stop_sequence": .null,
            "usage": usage(TokenUsage(openAI: chat["usage"])),
        ]
    }

    /// `msg_…` from the upstream's id (kept, so logs correlate).
    package static func messageID(_ upstream: String?) -> String {
        guard let upstream, !upstream.isEmpty else { return "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
        return upstream.hasPrefix("msg_") ? upstream : "msg_" + upstream.replacingOccurrences(of: "chatcmpl-", with: "")
    }

    /// A tool call's arguments as an object (an empty string is `{}`; text that is not a JSON
    /// object is kept under `_raw` rather than lost).
    package static func toolInput(_ arguments: String) -> JSONValue {
        if arguments.trimmingCharacters(in: .whitespaces).isEmpty { return [:] }
        if let parsed = try? JSONParser().parse(arguments), parsed.objectValue != nil { return parsed }
        return ["_raw": .string(arguments)]
    }

    package static func stopReason(_ finish: String?) -> String {
        switch finish {
        case "length": return "max_tokens"
        case "tool_calls", "function_call": return "tool_use"
        case "content_filter": return "refusal"
        default: return "end_turn"
        }
    }

    /// Anthropic usage: `input_tokens` the uncached part, cache reads apart (§6.5).
    package static func usage(_ usage: TokenUsage?) -> JSONValue {
        guard let usage else { return ["input_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 0] }
        return [
            "input_tokens": .int(Int64(max(0, usage.promptTokens - usage.cachedPromptTokens))), "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": .int(Int64(usage.cachedPromptTokens)), "output_tokens": .int(Int64(usage.completionTokens)),
        ]
    }
}
