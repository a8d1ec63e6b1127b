import GatewayCore
import MCPCore

/// A provider family's quirks, as data: how the gateway rewrites a client's body for it, what
/// it refuses before sending, and what it can serve. Everything else passes through untouched
/// (unknown fields, `reasoning_content` on assistant messages, tool definitions).
struct ProviderDialect: Sendable {
    /// The field that bounds the answer's length.
    enum MaxTokensField: String, Sendable {
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        /// Whichever the client sent (vLLM takes both).
        case asSent
    }

    var kind: ModelProviderKind
    var maxTokensField: MaxTokensField
    /// The provider has an embeddings API.
    var servesEmbeddings: Bool
    /// Request fields the provider does not take: refused with the reason before sending.
    var refusals: [@Sendable (_ body: JSONObject, _ stream: Bool) -> (param: String, message: String)?]

    static func of(_ kind: ModelProviderKind) -> ProviderDialect {
        switch kind {
        case .openai:
            return ProviderDialect(kind: kind, maxTokensField: .maxCompletionTokens, servesEmbeddings: true, refusals: [])
        case .deepseek:
            return ProviderDialect(kind: kind, maxTokensField: .maxTokens, servesEmbeddings: false, refusals: [
                { body, _ in
                    // DeepSeek takes `thinking` as an object (`{"type": "enabled"}`); a boolean is a 422 there.
                    guard let thinking = body["thinking"], thinking.objectValue == nil else { return nil }
                    return ("thinking", "DeepSeek takes 'thinking' as an object such as {\"type\": \"enabled\"}, not \(thinking.typeName)")
                }
            ])
        case .qwen:
            return ProviderDialect(kind: kind, maxTokensField: .maxTokens, servesEmbeddings: true, refusals: [
                { body, stream in
                    // DashScope: "parameter.enable_thinking must be set to false for non-streaming calls".
                    guard !stream, body["enable_thinking"]?.boolValue == true else { return nil }
                    return ("enable_thinking", "Qwen takes enable_thinking: true only with stream: true")
                }
            ])
        case .openaiCompatible:
            return ProviderDialect(kind: kind, maxTokensField: .asSent, servesEmbeddings: true, refusals: [])
        }
    }

    /// Why this provider cannot take the body, if it cannot.
    func refusal(of request: ModelRequest) -> (param: String, message: String)? {
        if request.operation == .embeddings, !servesEmbeddings { return ("model", "\(kind.rawValue) has no embeddings API") }
        for check in refusals {
            if let refusal = check(request.body, request.stream) { return refusal }
        }
        return nil
    }

    /// The body sent to this instance: the upstream's model name, the length bound under the
    /// field this provider reads, and (streams) usage asked for, so every call can be counted.
    func upstreamBody(for request: ModelRequest, model: String) -> JSONObject {
        var body = request.body
        body["model"] = .string(model)
        if request.operation == .chatCompletions {
            switch maxTokensField {
            case .asSent: break
            case .maxTokens:
                if let bound = body.removeValue(forKey: "max_completion_tokens"), body["max_tokens"] == nil { body["max_tokens"] = bound }
            case .maxCompletionTokens:
                if let bound = body.removeValue(forKey: "max_tokens"), body["max_completion_tokens"] == nil { body["max_completion_tokens"] = bound }
            }
            if request.stream {
                var options = body["stream_options"]?.objectValue ?? [:]
                options["include_usage"] = true
                body["stream_options"] = .object(options)
            }
        }
        return body
    }

    /// The path under `base_url` for an operation.
    static func path(for operation: ModelRequest.Operation) -> String {
        switch operation {
        case .chatCompletions: return "/chat/completions"
        case .embeddings: return "/embeddings"
        }
    }
}
