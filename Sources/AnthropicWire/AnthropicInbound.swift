import GatewayCore
import MCPCore

/// Translates an Anthropic Messages request into the OpenAI Chat Completions body the model layer
/// carries (anthropic-messages.md §6.1): system prompt, content blocks, tool use and tool results
/// (all of a turn's tool results before its text), tools and tool choice, thinking (as
/// `reasoning_content` on assistant turns, so DeepSeek gets its reasoning back), images, stop
/// sequences. What cannot be translated is refused with a 400 naming the field, never dropped.
package enum AnthropicInbound {
    package static func chatBody(_ body: JSONObject) throws(GatewayError) -> JSONObject {
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw invalid("model: Field required", param: "model") }
        guard let messages = body["messages"]?.arrayValue else { throw invalid("messages: Field required", param: "messages") }
        var chat: JSONObject = ["model": .string(model)]
        var out: [JSONValue] = []
        if let system = body["system"] {
            let text = try self.text(of: system, field: "system")
            if !text.isEmpty { out.append(["role": "system", "content": .string(text)]) }
        }
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, role == "user" || role == "assistant" else {
                throw invalid("messages.\(index).role: Input should be 'user' or 'assistant'", param: "messages[\(index)].role")
            }
            out += try role == "user" ? userTurn(message["content"], index: index) : [assistantTurn(message["content"], index: index)]
        }
        chat["messages"] = .array(out)
        if let maxTokens = body["max_tokens"] { chat["max_tokens"] = maxTokens }
        for (from, to) in [("temperature", "temperature"), ("top_p", "top_p"), ("stream", "stream")] {
            if let value = body[from] { chat[to] = value }
        }
        // The usage chunk carries what `message_delta` reports at the end.
        if body["stream"]?.boolValue == true { chat["stream_options"] = ["include_usage": true] }
        if let stops = body["stop_sequences"] { chat["stop"] = stops }
        if let user = body["metadata"]?["user_id"] { chat["user"] = user }
        if let tools = body["tools"]?.arrayValue, !tools.isEmpty {
            chat["tools"] = .array(try tools.enumerated().map { index, tool throws(GatewayError) in try self.tool(tool, index: index) })
            if let choice = body["tool_choice"] {
                chat["tool_choice"] = try toolChoice(choice)
                if choice["disable_parallel_tool_use"]?.boolValue == true { chat["parallel_tool_calls"] = false }
            }
        }
        if let thinking = body["thinking"], thinking["type"]?.stringValue == "enabled" {
            let budget = thinking["budget_tokens"]?.intValue ?? 0
            chat["reasoning_effort"] = .string(budget >= 4096 ? "high" : budget >= 2048 ? "medium" : budget >= 1024 ? "low" : "minimal")
        }
        return chat
    }

    /// A user turn: its tool results first (as `tool` messages), then its text and images as one user message.
    package static func userTurn(_ content: JSONValue?, index: Int) throws(GatewayError) -> [JSONValue] {
        guard let content else { throw invalid("messages.\(index).content: Field required", param: "messages[\(index)].content") }
        if case .string(let text) = content { return [["role": "user", "content": .string(text)]] }
        guard let blocks = content.arrayValue else { throw invalid("messages.\(index).content must be a string or a list of blocks", param: "messages[\(index)].content") }
        var tools: [JSONValue] = []
        var parts: [JSONValue] = []
        for (number, block) in blocks.enumerated() {
            let field = "messages.\(index).content.\(number)"
            switch block["type"]?.stringValue {
            case "text":
                parts.append(["type": "text", "text": block["text"] ?? ""])
            case "image":
                parts.append(["type": "image_url", "image_url": ["url": .string(try imageURL(block["source"], field: field))]])
            case "tool_result":
                guard let id = block["tool_use_id"]?.stringValue else { throw invalid("\(field).tool_use_id: Field required", param: field) }
                var text = try block["content"].map { value throws(GatewayError) in try self.text(of: value, field: field + ".content") } ?? ""
                if block["is_error"]?.boolValue == true { text = "Error: " + text }
                tools.append(["role": "tool", "tool_call_id": .string(id), "content": .string(text)])
            case let other:
                throw invalid("\(field): a '\(other ?? "untyped")' block cannot be sent to this model (text, image and tool_result are translated)", param: field)
            }
        }
        if !parts.isEmpty {
            let onlyText = parts.allSatisfy { $0["type"] == "text" }
            let content: JSONValue = onlyText ? .string(parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")) : .array(parts)
            tools.append(["role": "user", "content": content])
        }
        return tools
    }

    /// An assistant turn: text, tool calls (arguments as JSON strings) and thinking as `reasoning_content`.
    package static func assistantTurn(_ content: JSONValue?, index: Int) throws(GatewayError) -> JSONValue {
        if case .string(let text)? = content { return ["role": "assistant", "content": .string(text)] }
        guard let blocks = content?.arrayValue else { throw invalid("messages.\(index).content must be a string or a list of blocks", param: "messages[\(index)].content") }
        var text = ""
        var reasoning = ""
        var calls: [JSONValue] = []
        for (number, block) in blocks.enumerated() {
            switch block["type"]?.stringValue {
            case "text": text += block["text"]?.stringValue ?? ""
            case "thinking": reasoning += block["thinking"]?.stringValue ?? ""
            case "redacted_thinking": continue
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw invalid("messages.\(index).content.\(number): tool_use needs id and name", param: "messages[\(index)].content[\(number)]")
                }
                calls.append(["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string((block["input"] ?? [:]).serialized())]])
            case let other:
                throw invalid("messages.\(index).content.\(number): a '\(other ?? "untyped")' block cannot be sent to this model", param: "messages[\(index)].content[\(number)]")
            }
        }
        var message: JSONObject = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? .null : .string(text)]
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        return .object(message)
    }

    package static func tool(_ tool: JSONValue, index: Int) throws(GatewayError) -> JSONValue {
        guard let name = tool["name"]?.stringValue else { throw invalid("tools.\(index).name: Field required", param: "tools[\(index)].name") }
        if let type = tool["type"]?.stringValue, type != "custom" {
            throw invalid("tools.\(index): the server tool '\(type)' runs only on Anthropic's servers", param: "tools[\(index)].type")
        }
        var function: JSONObject = ["name": .string(name), "parameters": tool["input_schema"] ?? ["type": "object", "properties": [:]]]
        if let description = tool["description"] { function["description"] = description }
        return ["type": "function", "function": .object(function)]
    }

    package static func toolChoice(_ choice: JSONValue) throws(GatewayError) -> JSONValue {
        switch choice["type"]?.stringValue {
        case "auto": return "auto"
        case "any": return "required"
        case "none": return "none"
        case "tool":
            guard let name = choice["name"]?.stringValue else { throw invalid("tool_choice.name: Field required", param: "tool_choice.name") }
            return ["type": "function", "function": ["name": .string(name)]]
        default: throw invalid("tool_choice.type: expected auto, any, tool or none", param: "tool_choice.type")
        }
    }

    /// A string, or the text of text blocks (a system prompt, a tool result).
    package static func text(of value: JSONValue, field: String) throws(GatewayError) -> String {
        if case .string(let text) = value { return text }
        guard let blocks = value.arrayValue else { throw invalid("\(field) must be a string or a list of text blocks", param: field) }
        return try TextParts.joined(blocks, item: { "\(field).\($0)" }, what: "blocks")
    }

    package static func imageURL(_ source: JSONValue?, field: String) throws(GatewayError) -> String {
        switch source?["type"]?.stringValue {
        case "base64":
            guard let media = source?["media_type"]?.stringValue, let data = source?["data"]?.stringValue else {
                throw invalid("\(field).source: media_type and data are required", param: field)
            }
            return "data:\(media);base64,\(data)"
        case "url":
            guard let url = source?["url"]?.stringValue else { throw invalid("\(field).source.url: Field required", param: field) }
            return url
        default:
            throw invalid("\(field).source: expected a base64 or url image source", param: field)
        }
    }

    package static func invalid(_ message: String, param: String) -> GatewayError {
        GatewayError(.invalidRequest, message, param: param)
    }
}
