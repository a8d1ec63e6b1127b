import Foundation
import GatewayCore
import MCPCore

/// Reads an Anthropic Messages stream event by event and gives the OpenAI chunks it stands for
/// (anthropic-messages.md §6.5): `message_start` opens with the role, text and thinking deltas
/// become `content` and `reasoning_content`, each `tool_use` block a tool call numbered among the
/// tool calls only, `message_delta` the finish chunk, `message_stop` the usage chunk and the end.
/// Usage is cumulative in Anthropic's stream: the last value of each counter wins.
package struct AnthropicEventReader: Sendable {
    /// What one event stands for.
    package enum Output: Sendable, Equatable {
        case chunk(JSONValue)
        /// A `ping`: a keep-alive.
        case keepAlive
        /// The provider's `error` event (its `error` object).
        case error(JSONValue)
        /// `message_stop`.
        case done
    }

    private var id: JSONValue = ""
    private var model: JSONValue = ""
    private let created = Int64(Date().timeIntervalSince1970)
    /// Anthropic block index → tool-call index.
    private var toolIndexes: [Int64: Int64] = [:]
    private var usage: JSONObject = [:]

    package init() {}

    /// The chunks for one event (`data` parsed; its `type` names the event).
    package mutating func read(_ event: JSONValue) -> [Output] {
        switch event["type"]?.stringValue {
        case "message_start":
            id = event["message"]?["id"] ?? ""
            model = event["message"]?["model"] ?? ""
            merge(event["message"]?["usage"])
            return [.chunk(chunk(["role": "assistant", "content": ""]))]
        case "content_block_start":
            let block = event["content_block"]
            switch block?["type"]?.stringValue {
            case "tool_use":
                let index = Int64(toolIndexes.count)
                toolIndexes[event["index"]?.intValue ?? -1] = index
                return [.chunk(chunk(["tool_calls": [[
                    "index": .int(index), "id": block?["id"] ?? "", "type": "function", "function": ["name": block?["name"] ?? "", "arguments": ""],
                ]]]))]
            case "text": return delta("content", block?["text"])
            case "thinking": return delta("reasoning_content", block?["thinking"])
            default:
                return []
            }
        case "content_block_delta":
            let delta = event["delta"]
            switch delta?["type"]?.stringValue {
            case "text_delta": return self.delta("content", delta?["text"])
            case "thinking_delta": return self.delta("reasoning_content", delta?["thinking"])
            case "input_json_delta":
                guard let part = delta?["partial_json"]?.stringValue, !part.isEmpty, let index = toolIndexes[event["index"]?.intValue ?? -1] else { return [] }
                return [.chunk(chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(part)]]]]))]
            default:
                // signature_delta, citations_delta: no OpenAI counterpart.
                return []
            }
        case "message_delta":
            merge(event["usage"])
            let reason = AnthropicProviderAnswer.finishReason(event["delta"]?["stop_reason"]?.stringValue)
            return [.chunk(chunk([:], finishReason: reason))]
        case "message_stop":
            var last: JSONObject = ["id": id, "object": "chat.completion.chunk", "created": .int(created), "model": model, "choices": []]
            if let usage = TokenUsage(anthropic: .object(usage)) { last["usage"] = usage.openAIJSON }
            return [.chunk(.object(last)), .done]
        case "ping":
            return [.keepAlive]
        case "error":
            return [.error(event["error"] ?? ["type": "api_error", "message": "the provider sent an error event"])]
        default:
            // content_block_stop, and event types newer than this reader.
            return []
        }
    }

    /// A chunk with one text field of the delta; nothing for an empty fragment.
    private func delta(_ field: String, _ text: JSONValue?) -> [Output] {
        guard let text = text?.stringValue, !text.isEmpty else { return [] }
        return [.chunk(chunk([field: .string(text)]))]
    }

    private mutating func merge(_ reported: JSONValue?) {
        for (key, value) in reported?.objectValue ?? [:] { usage[key] = value }
    }

    private func chunk(_ delta: JSONObject, finishReason: String? = nil) -> JSONValue {
        [
            "id": id, "object": "chat.completion.chunk", "created": .int(created), "model": model,
            "choices": [["index": 0, "delta": .object(delta), "logprobs": .null, "finish_reason": finishReason.map { .string($0) } ?? .null]],
        ]
    }
}
