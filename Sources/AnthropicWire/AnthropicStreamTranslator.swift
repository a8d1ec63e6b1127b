import GatewayCore
import MCPCore
import NIOCore

/// Turns OpenAI stream chunks into Anthropic stream events, the state machine of
/// anthropic-messages.md §6.3: `message_start` on the first chunk, one content block at a time
/// (thinking, text, each tool call), deltas only inside a started block, `message_delta` held
/// until the usage arrives, then `message_stop`. Empty fragments never open a block.
package struct AnthropicStreamTranslator: Sendable {
    package let model: String
    private var started = false
    private var openBlock: Block?
    private var nextIndex = 0
    /// Tool calls by their OpenAI `index`: the Anthropic block index they were given.
    private var toolBlocks: [Int64: Int] = [:]
    private var stopReason: String?
    private var usage: TokenUsage?

    enum Block: Equatable {
        case thinking(Int)
        case text(Int)
        case tool(Int)

        var index: Int {
            switch self {
            case .thinking(let index), .text(let index), .tool(let index): return index
            }
        }
    }

    package init(model: String) {
        self.model = model
    }

    /// The events for one chunk.
    package mutating func translate(_ chunk: JSONValue) -> ByteBuffer {
        var out = ByteBuffer()
        if !started {
            started = true
            let message: JSONValue = [
                "id": .string(AnthropicOutbound.messageID(chunk["id"]?.stringValue)), "type": "message", "role": "assistant", "model": .string(model),
                "content": [], "stop_reason": .null, "stop_sequence": .null, "usage": AnthropicOutbound.usage(nil),
            ]
            Self.event("message_start", ["type": "message_start", "message": message], into: &out)
        }
        if let reported = TokenUsage(openAI: chunk["usage"]) { usage = reported }
        for choice in chunk["choices"]?.arrayValue ?? [] {
            let delta = choice["delta"]
            if let reasoning = (delta?["reasoning_content"] ?? delta?["reasoning"])?.stringValue, !reasoning.isEmpty {
                if case .thinking = openBlock {} else { open(.thinking(nextIndex), start: ["type": "thinking", "thinking": "", "signature": ""], into: &out) }
                Self.event("content_block_delta", ["type": "content_block_delta", "index": .int(Int64(openBlock!.index)), "delta": ["type": "thinking_delta", "thinking": .string(reasoning)]], into: &out)
            }
            if let text = delta?["content"]?.stringValue, !text.isEmpty {
                if case .text = openBlock {} else { open(.text(nextIndex), start: ["type": "text", "text": ""], into: &out) }
                Self.event("content_block_delta", ["type": "content_block_delta", "index": .int(Int64(openBlock!.index)), "delta": ["type": "text_delta", "text": .string(text)]], into: &out)
            }
            for call in delta?["tool_calls"]?.arrayValue ?? [] {
                let key = call["index"]?.intValue ?? 0
                let arguments = call["function"]?["arguments"]?.stringValue ?? ""
                if let block = toolBlocks[key] {
                    if !arguments.isEmpty {
                        Self.event("content_block_delta", ["type": "content_block_delta", "index": .int(Int64(block)), "delta": ["type": "input_json_delta", "partial_json": .string(arguments)]], into: &out)
                    }
                    continue
                }
                guard let name = call["function"]?["name"]?.stringValue, !name.isEmpty else { continue }
                let id = call["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "toolu_\(nextIndex)"
                toolBlocks[key] = nextIndex
                open(.tool(nextIndex), start: ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]], into: &out)
                if !arguments.isEmpty {
                    Self.event("content_block_delta", ["type": "content_block_delta", "index": .int(Int64(openBlock!.index)), "delta": ["type": "input_json_delta", "partial_json": .string(arguments)]], into: &out)
                }
            }
            if let finish = choice["finish_reason"]?.stringValue {
                closeOpenBlock(into: &out)
                stopReason = AnthropicOutbound.stopReason(finish)
            }
        }
        return out
    }

    /// The end of the stream: the held `message_delta` with the usage, then `message_stop`.
    package mutating func finish() -> ByteBuffer {
        var out = ByteBuffer()
        closeOpenBlock(into: &out)
        let usage = AnthropicOutbound.usage(usage)
        Self.event("message_delta", [
            "type": "message_delta", "delta": ["stop_reason": .string(stopReason ?? "end_turn"), "stop_sequence": .null], "usage": usage,
        ], into: &out)
        Self.event("message_stop", ["type": "message_stop"], into: &out)
        return out
    }

    /// An `error` event (after the 200: the stream ends here, without `message_stop`).
    package static func error(_ error: GatewayError) -> ByteBuffer {
        var out = ByteBuffer()
        event("error", error.anthropicBody, into: &out)
        return out
    }

    private mutating func open(_ block: Block, start: JSONValue, into out: inout ByteBuffer) {
        closeOpenBlock(into: &out)
        openBlock = block
        nextIndex += 1
        Self.event("content_block_start", ["type": "content_block_start", "index": .int(Int64(block.index)), "content_block": start], into: &out)
    }

    private mutating func closeOpenBlock(into out: inout ByteBuffer) {
        guard let block = openBlock else { return }
        Self.event("content_block_stop", ["type": "content_block_stop", "index": .int(Int64(block.index))], into: &out)
        openBlock = nil
    }

    package static func event(_ name: String, _ data: JSONValue, into out: inout ByteBuffer) {
        out.writeString("event: \(name)\ndata: ")
        out.writeBytes(data.serializedBytes())
        out.writeString("\n\n")
    }
}
