import GatewayCore
import MCPCore

/// Translates an OpenAI Chat Completions request into the Messages request an `anthropic`
/// instance takes (anthropic-messages.md §6.4): system and developer messages become the
/// top-level `system`, tool messages become `tool_result` blocks in a user turn (neighbours of
/// one role merged), tool calls become `tool_use` blocks with parsed input, `reasoning_effort`
/// becomes a thinking budget, `response_format` a structured-output format. A field Anthropic
/// has no counterpart for is refused with a 400 naming it, never dropped.
///
/// `reasoning_content` on assistant turns is not sent back: Anthropic accepts thinking history
/// only with the signature an OpenAI-format client never has.
package enum AnthropicProviderRequest {
    /// The `max_tokens` Anthropic requires when the client set no bound (LiteLLM's default too).
    package static let defaultMaxTokens: Int64 = 4096

    /// Thinking budgets by `reasoning_effort`.
    static let budgets: [String: Int64] = ["low": 1024, "medium": 2048, "high": 4096]

    package static func messagesBody(_ chat: JSONObject, model: String) throws(GatewayError) -> JSONObject {
        guard let messages = chat["messages"]?.arrayValue else { throw invalid("messages: Field required", param: "messages") }
        for (field, value) in chat where !handled.contains(field) {
            if let reason = unsupported(field, value) { throw invalid(reason, param: field) }
        }
        var body: JSONObject = ["model": .string(model)]
        var system: [String] = []
        var turns: [(role: String, blocks: [JSONValue])] = []
        func append(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if turns.last?.role == role { turns[turns.count - 1].blocks += blocks } else { turns.append((role, blocks)) }
        }
        for (index, message) in messages.enumerated() {
            switch message["role"]?.stringValue {
            case "system", "developer":
                system.append(try text(of: message["content"], field: "messages[\(index)].content"))
            case "user":
                append("user", try userBlocks(message["content"], index: index))
            case "assistant":
                append("assistant", try assistantBlocks(message, index: index))
            case "tool":
                guard let id = message["tool_call_id"]?.stringValue else { throw invalid("messages[\(index)].tool_call_id: Field required", param: "messages[\(index)].tool_call_id") }
                let content = try text(of: message["content"], field: "messages[\(index)].content")
                append("user", [["type": "tool_result", "tool_use_id": .string(sanitisedID(id)), "content": .string(content)]])
            case let other:
                throw invalid("messages[\(index)].role: '\(other ?? "none")' cannot be sent to an Anthropic model (system, developer, user, assistant and tool are translated)", param: "messages[\(index)].role")
            }
        }
        let joined = system.filter { !$0.isEmpty }.joined(separator: "\n")
        if !joined.isEmpty { body["system"] = .string(joined) }
        body["messages"] = .array(turns.map { ["role": .string($0.role), "content": .array($0.blocks)] })
        var maxTokens = (chat["max_completion_tokens"] ?? chat["max_tokens"])?.intValue ?? defaultMaxTokens
        if let effort = chat["reasoning_effort"]?.stringValue, let budget = budgets[effort] {
            // The budget must stay below max_tokens; the answer keeps the room the client asked for.
            if maxTokens <= budget { maxTokens += budget }
            body["thinking"] = ["type": "enabled", "budget_tokens": .int(budget)]
        } else if let temperature = chat["temperature"]?.doubleValue {
            body["temperature"] = .double(min(temperature, 1))
        } else if let topP = chat["top_p"] {
            body["top_p"] = topP
        }
        body["max_tokens"] = .int(maxTokens)
        switch chat["stop"] {
        case .string(let stop)?: body["stop_sequences"] = [.string(stop)]
        case .array(let stops)?: body["stop_sequences"] = .array(stops)
        default: break
        }
        if let user = chat["user"]?.stringValue { body["metadata"] = ["user_id": .string(user)] }
        if chat["stream"]?.boolValue == true { body["stream"] = true }
        if let tools = chat["tools"]?.arrayValue, !tools.isEmpty {
            body["tools"] = .array(try tools.enumerated().map { index, tool throws(GatewayError) in try self.tool(tool, index: index) })
            var choice = try toolChoice(chat["tool_choice"])
            if chat["parallel_tool_calls"]?.boolValue == false { choice["disable_parallel_tool_use"] = true }
            body["tool_choice"] = .object(choice)
        }
        if let format = try outputFormat(chat["response_format"]) { body["output_config"] = ["format": format] }
        return body
    }

    /// Fields translated above (or meaningless to Anthropic and harmless to leave out).
    static let handled: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "reasoning_effort", "temperature", "top_p", "stop", "user", "stream",
        "stream_options", "tools", "tool_choice", "parallel_tool_calls", "response_format", "store", "metadata", "service_tier",
    ]

    /// Why a field the translation does not handle cannot be sent; nil when its value asks for
    /// nothing (`n: 1`, a zero penalty, `logprobs: false`).
    static func unsupported(_ field: String, _ value: JSONValue) -> String? {
        switch field {
        case "n" where value.intValue == 1: return nil
        case "frequency_penalty" where value.doubleValue == 0, "presence_penalty" where value.doubleValue == 0: return nil
        case "logprobs" where value.boolValue == false: return nil
        case "n": return "n: Anthropic models give one answer per request"
        default: return "\(field): Anthropic models have no counterpart of this field"
        }
    }

    static func userBlocks(_ content: JSONValue?, index: Int) throws(GatewayError) -> [JSONValue] {
        switch content {
        case .string(let text)?: return text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
        case .array(let parts)?:
            var blocks: [JSONValue] = []
            for (number, part) in parts.enumerated() {
                let field = "messages[\(index)].content[\(number)]"
                switch part["type"]?.stringValue {
                case "text":
                    if let text = part["text"]?.stringValue, !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
                case "image_url":
                    guard let url = (part["image_url"]?["url"] ?? part["image_url"])?.stringValue else { throw invalid("\(field).image_url.url: Field required", param: field) }
                    blocks.append(["type": "image", "source": try imageSource(url, field: field)])
                case let other:
                    throw invalid("\(field): a '\(other ?? "untyped")' part cannot be sent to an Anthropic model (text and image_url are translated)", param: field)
                }
            }
            return blocks
        default:
            throw invalid("messages[\(index)].content must be a string or a list of parts", param: "messages[\(index)].content")
        }
    }

    static func assistantBlocks(_ message: JSONValue, index: Int) throws(GatewayError) -> [JSONValue] {
        var blocks: [JSONValue] = []
        switch message["content"] {
        case nil, .null?: break
        default:
            let text = try text(of: message["content"], field: "messages[\(index)].content")
            if !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
        }
        for (number, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            let field = "messages[\(index)].tool_calls[\(number)]"
            guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else { throw invalid("\(field): id and function.name are required", param: field) }
            let arguments = call["function"]?["arguments"]?.stringValue ?? ""
            let input: JSONValue
            if arguments.allSatisfy(\.isWhitespace) {
                input = [:]
            } else {
                guard let parsed = try? JSONParser().parse(arguments), parsed.objectValue != nil else {
                    throw invalid("\(field).function.arguments: not a JSON object, which an Anthropic tool_use input must be", param: "\(field).function.arguments")
                }
                input = parsed
            }
            blocks.append(["type": "tool_use", "id": .string(sanitisedID(id)), "name": .string(name), "input": input])
        }
        return blocks
    }

    static func tool(_ tool: JSONValue, index: Int) throws(GatewayError) -> JSONValue {
        guard tool["type"]?.stringValue ?? "function" == "function", let function = tool["function"], let name = function["name"]?.stringValue else {
            throw invalid("tools[\(index)]: only function tools with a name can be sent to an Anthropic model", param: "tools[\(index)]")
        }
        var out: JSONObject = ["name": .string(name), "input_schema": function["parameters"] ?? ["type": "object", "properties": [:]]]
        if let description = function["description"] { out["description"] = description }
        return .object(out)
    }

    static func toolChoice(_ choice: JSONValue?) throws(GatewayError) -> JSONObject {
        switch choice {
        case nil, "auto"?: return ["type": "auto"]
        case "required"?: return ["type": "any"]
        case "none"?: return ["type": "none"]
        case let choice?:
            guard choice["type"]?.stringValue == "function", let name = choice["function"]?["name"]?.stringValue else {
                throw invalid("tool_choice: expected auto, required, none or a function", param: "tool_choice")
            }
            return ["type": "tool", "name": .string(name)]
        }
    }

    /// `json_schema` (and `json_object`, as any object) become Anthropic's structured output.
    static func outputFormat(_ format: JSONValue?) throws(GatewayError) -> JSONValue? {
        switch format?["type"]?.stringValue {
        case nil, "text"?: return nil
        case "json_object"?: return ["type": "json_schema", "schema": ["type": "object"]]
        case "json_schema"?:
            guard let schema = format?["json_schema"]?["schema"] else { throw invalid("response_format.json_schema.schema: Field required", param: "response_format.json_schema.schema") }
            return ["type": "json_schema", "schema": schema]
        case let other?:
            throw invalid("response_format.type: '\(other)' cannot be sent to an Anthropic model", param: "response_format.type")
        }
    }

    /// A data URL as a base64 source, an http(s) URL as a URL source.
    static func imageSource(_ url: String, field: String) throws(GatewayError) -> JSONValue {
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") {
            let media = url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(";base64".count)
            return ["type": "base64", "media_type": .string(String(media)), "data": .string(String(url[url.index(after: comma)...]))]
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw invalid("\(field).image_url.url: expected a base64 data URL or an http(s) URL", param: field) }
        return ["type": "url", "url": .string(url)]
    }

    /// A string, or the text of text parts.
    static func text(of content: JSONValue?, field: String) throws(GatewayError) -> String {
        switch content {
        case .string(let text)?: return text
        case nil, .null?: return ""
        case .array(let parts)?:
            return try TextParts.joined(parts, item: { "\(field)[\($0)]" }, what: "parts")
        default:
            throw invalid("\(field) must be a string or a list of text parts", param: field)
        }
    }

    /// Anthropic ids match `^[a-zA-Z0-9_-]+$`; other characters become `_`.
    static func sanitisedID(_ id: String) -> String {
        String(String.UnicodeScalarView(id.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-") ? scalar : "_"
        }))
    }

    static func invalid(_ message: String, param: String) -> GatewayError {
        GatewayError(.invalidRequest, message, param: param)
    }
}
