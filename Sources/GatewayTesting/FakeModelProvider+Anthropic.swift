import MCPCore

/// The fake provider's Anthropic persona: `POST /v1/messages` (whole and streamed, replaying the
/// recorded Messages answers) and `/v1/messages/count_tokens`, with the request validation of
/// anthropic-messages.md §1.6 that a translating gateway can trip over (missing `max_tokens`,
/// extra fields, a thinking budget over `max_tokens`, `temperature` with thinking or with
/// `top_p`, tool uses without their results right after, block types a role cannot carry).
extension FakeModelProvider {
    func messages(_ body: [UInt8], version: String?, fixtures: ProviderFixtures, behaviour: FakeBehaviour, exchange: FakeExchange) async throws -> Bool {
        guard let request = try? JSONParser().parse(body), request.objectValue != nil else {
            try await exchange.json(400, Self.anthropicError("invalid_request_error", "There was an error parsing the body of your request as JSON"))
            return true
        }
        if let refusal = Self.anthropicRefusal(request, version: version) {
            try await exchange.json(400, Self.anthropicError("invalid_request_error", refusal))
            return true
        }
        let model = request["model"]?.stringValue ?? ""
        guard model.hasPrefix("claude") else {
            try await exchange.json(404, Self.anthropicError("not_found_error", "model: \(model)"))
            return true
        }
        var kind = "chat"
        if request["tools"]?.arrayValue?.isEmpty == false { kind = "tools" }
        if request["thinking"]?["type"]?.stringValue == "enabled" { kind = "reasoning" }
        guard request["stream"]?.boolValue == true, let events = fixtures.streams[kind] else {
            try await exchange.json(200, fixtures.bodies[kind] ?? [], extra: [("request-id", "req_011CRjWgu2Ghz3mHtwZ2Thbx")])
            return true
        }
        return try await replayStream(events, anthropic: true, behaviour: behaviour, exchange: exchange)
    }

    func countTokens(_ body: [UInt8], fixtures: ProviderFixtures, exchange: FakeExchange) async throws -> Bool {
        guard let request = try? JSONParser().parse(body), request["messages"]?.arrayValue != nil else {
            try await exchange.json(400, Self.anthropicError("invalid_request_error", "messages: Field required"))
            return true
        }
        let tokens = max(1, body.count / 4)
        try await exchange.json(200, Array(#"{"input_tokens":\#(tokens)}"#.utf8))
        return true
    }

    /// Anthropic's error envelope.
    static func anthropicError(_ type: String, _ message: String) -> [UInt8] {
        JSONValue.object(["type": "error", "error": ["type": .string(type), "message": .string(message)], "request_id": "req_011CFakeProvider"]).serializedBytes()
    }

    /// What `malformed` sends in an Anthropic stream: an event whose JSON is cut off.
    static let brokenAnthropicEvent = Array("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated\n\n".utf8)

    /// What `error-mid` sends in an Anthropic stream (§3.6): no `message_stop` follows.
    static let anthropicErrorEvent = Array("event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n".utf8)

    static let topLevelFields: Set<String> = [
        "model", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k", "metadata", "tools", "tool_choice", "thinking",
        "stream", "service_tier", "output_config", "cache_control", "container", "context_management", "inference_geo",
    ]

    /// Why Anthropic would refuse the request (its words where the reference quotes them).
    static func anthropicRefusal(_ request: JSONValue, version: String?) -> String? {
        guard version != nil else { return "anthropic-version: header is required" }
        for field in request.objectValue?.keys ?? [] where !topLevelFields.contains(field) {
            return "\(field): Extra inputs are not permitted"
        }
        for field in ["model", "max_tokens", "messages"] where request[field] == nil {
            return "\(field): Field required"
        }
        let maxTokens = request["max_tokens"]?.intValue ?? 0
        if request["thinking"]?["type"]?.stringValue == "enabled" {
            if (request["thinking"]?["budget_tokens"]?.intValue ?? 0) >= maxTokens {
                return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size"
            }
            if let temperature = request["temperature"]?.doubleValue, temperature != 1 {
                return "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking"
            }
        }
        if request["temperature"] != nil, request["top_p"] != nil { return "`temperature` and `top_p` cannot both be specified for this model. Please use only one." }
        if let temperature = request["temperature"]?.doubleValue, !(0...1).contains(temperature) { return "temperature: Input should be less than or equal to 1" }
        if let system = request["system"], system.stringValue == nil, system.arrayValue?.allSatisfy({ $0["type"] == "text" }) != true {
            return "system: Input should be a valid string or a list of text blocks"
        }
        for (index, tool) in (request["tools"]?.arrayValue ?? []).enumerated() where tool["type"] == nil || tool["type"] == "custom" {
            if tool["name"]?.stringValue == nil || tool["input_schema"]?["type"] != "object" { return "tools.\(index): name and an object input_schema are required" }
        }
        return messagesRefusal(request["messages"]?.arrayValue ?? [])
    }

    /// The message list's rules: roles, the block types each role carries, tool_use ids, and
    /// every tool use answered at the start of the next user message.
    static func messagesRefusal(_ messages: [JSONValue]) -> String? {
        let allowed: [String: Set<String>] = [
            "user": ["text", "image", "document", "search_result", "tool_result"], "assistant": ["text", "tool_use", "thinking", "redacted_thinking"],
        ]
        var unanswered: [String] = []
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, let types = allowed[role] else { return "messages.\(index).role: Input should be 'user' or 'assistant'" }
            let blocks: [JSONValue]
            switch message["content"] {
            case .string?: blocks = [["type": "text"]]
            case .array(let list)?: blocks = list
            default: return "messages.\(index).content: Field required"
            }
            if !unanswered.isEmpty {
                let results = blocks.prefix { $0["type"] == "tool_result" }.compactMap { $0["tool_use_id"]?.stringValue }
                let missing = unanswered.filter { !results.contains($0) }
                if role != "user" || !missing.isEmpty {
                    return "messages.\(index): `tool_use` ids were found without `tool_result` blocks immediately after: \(missing.joined(separator: ", ")). Each `tool_use` block must have a corresponding `tool_result` block in the next message."
                }
                unanswered = []
            }
            for (number, block) in blocks.enumerated() {
                guard let type = block["type"]?.stringValue, types.contains(type) else {
                    return "messages.\(index).content.\(number).type: '\(block["type"]?.stringValue ?? "")' is not a valid block type for the \(role) role"
                }
                if type == "tool_use" {
                    guard let id = block["id"]?.stringValue, !id.isEmpty, id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }),
                        block["input"]?.objectValue != nil
                    else { return "messages.\(index).content.\(number): tool_use needs an id matching ^[a-zA-Z0-9_-]+$ and an object input" }
                    unanswered.append(id)
                }
                if type == "text", block["text"]?.stringValue?.isEmpty == true { return "messages.\(index).content.\(number).text: text content blocks must be non-empty" }
            }
        }
        return nil
    }
}
