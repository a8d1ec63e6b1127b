import MCPCore

/// A model call as the gateway carries it inside: the OpenAI Chat Completions or Embeddings
/// body the client sent (parsed once, kept intact across attempts; each attempt rewrites a copy
/// for its provider) and the facts policies and the balancer need without parsing it again.
public struct ModelRequest: Sendable {
    /// Which API the call is for.
    public enum Operation: String, Sendable, Hashable {
        case chatCompletions = "chat.completions"
        case embeddings
    }

    public var operation: Operation
    /// The model group or alias the client named as `model`.
    public var model: String
    /// The client's body, as sent.
    public var body: JSONObject
    /// `stream: true` (chat only).
    public var stream: Bool
    /// The client asked for the usage chunk itself (`stream_options.include_usage`); the gateway
    /// asks for it anyway and drops it when the client did not.
    public var clientWantsStreamUsage: Bool
    /// The prompt's size in tokens, estimated from its text (for reservations and estimates).
    public var estimatedPromptTokens: Int
    /// `max_completion_tokens` or `max_tokens`, when the client set one.
    public var maxOutputTokens: Int?

    public init(operation: Operation, model: String, body: JSONObject) {
        self.operation = operation
        self.model = model
        self.body = body
        self.stream = operation == .chatCompletions && body["stream"]?.boolValue == true
        self.clientWantsStreamUsage = body["stream_options"]?["include_usage"]?.boolValue == true
        self.maxOutputTokens = (body["max_completion_tokens"]?.intValue ?? body["max_tokens"]?.intValue).map { Int($0) }
        self.estimatedPromptTokens = TokenEstimate.tokens(inBytes: Self.texts(of: body, operation: operation).reduce(0) { $0 + $1.utf8.count })
    }

    /// The texts a payload policy reads: every message's text content, or the embedding inputs.
    public var texts: [String] { Self.texts(of: body, operation: operation) }

    static func texts(of body: JSONObject, operation: Operation) -> [String] {
        switch operation {
        case .chatCompletions:
            return (body["messages"]?.arrayValue ?? []).flatMap { message -> [String] in
                switch message["content"] {
                case .string(let text)?: return [text]
                case .array(let parts)?: return parts.compactMap { $0["text"]?.stringValue }
                default: return []
                }
            }
        case .embeddings:
            switch body["input"] {
            case .string(let text)?: return [text]
            case .array(let items)?: return items.compactMap(\.stringValue)
            default: return []
            }
        }
    }
}
