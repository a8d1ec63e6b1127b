import AnthropicWire
import GatewayCore
import MCPCore
import NIOHTTP1

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

    /// The API a provider speaks.
    enum Wire: Sendable {
        /// OpenAI's Chat Completions (and Embeddings): bodies pass through with the quirks below.
        case chatCompletions
        /// Anthropic's Messages: requests, answers and streams translated (AnthropicWire).
        case anthropicMessages
    }

    var kind: ModelProviderKind
    var wire: Wire = .chatCompletions
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
        case .anthropic:
            return ProviderDialect(kind: kind, wire: .anthropicMessages, maxTokensField: .maxTokens, servesEmbeddings: false, refusals: [
                { body, _ in
                    // What has no Anthropic counterpart is refused here, before any instance is tried.
                    do throws(GatewayError) {
                        _ = try AnthropicProviderRequest.messagesBody(body, model: "")
                        return nil
                    } catch {
                        return (error.param ?? "messages", error.message)
                    }
                }
            ])
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
    /// Anthropic instances get the Messages translation (usage is always in their streams).
    func upstreamBody(for request: ModelRequest, model: String) -> JSONObject {
        if wire == .anthropicMessages {
            // `refusal(of:)` ran the same translation before the instance was chosen.
            return (try? AnthropicProviderRequest.messagesBody(request.body, model: model)) ?? ["model": .string(model)]
        }
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

    /// The path under `base_url` for an operation. Anthropic's documented base URL has no `/v1`
    /// (the SDK appends `/v1/messages`); one that ends in `/v1` is taken as it is.
    func path(for operation: ModelRequest.Operation, baseURL: String) -> String {
        switch (wire, operation) {
        case (.chatCompletions, .chatCompletions): return "/chat/completions"
        case (.chatCompletions, .embeddings): return "/embeddings"
        case (.anthropicMessages, _): return baseURL.hasSuffix("/v1") ? "/messages" : "/v1/messages"
        }
    }

    /// The path of the provider's model list (the default health probe).
    func modelsPath(baseURL: String) -> String {
        wire == .anthropicMessages && !baseURL.hasSuffix("/v1") ? "/v1/models" : "/models"
    }

    /// Anthropic's API version header, sent unless the instance's headers set another.
    static let anthropicVersion = "2023-06-01"

    /// The provider's credentials (its key, never the caller's), the version header Anthropic
    /// requires, and the instance's own headers.
    func addCredentials(_ settings: ModelInstanceSettings, to headers: inout HTTPHeaders) {
        if let key = settings.apiKey, !key.isEmpty {
            switch wire {
            case .chatCompletions: headers.add(name: "Authorization", value: "Bearer \(key)")
            case .anthropicMessages: headers.add(name: "x-api-key", value: key)
            }
        }
        if wire == .anthropicMessages, !settings.headers.contains(where: { $0.name.lowercased() == "anthropic-version" }) {
            headers.add(name: "anthropic-version", value: Self.anthropicVersion)
        }
        for (name, value) in settings.headers { headers.add(name: name, value: value) }
    }
}
