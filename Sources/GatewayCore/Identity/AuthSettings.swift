/// How callers prove who they are (`auth:`), and how refusals of tool calls are answered.
public struct AuthSettings: Sendable {
    /// How a refused tool call is answered: a JSON-RPC error, or an `isError` result a model reads.
    public enum ToolRejection: String, Sendable {
        case error
        case result
    }

    /// Callers must authenticate (default: true once a consumer is configured).
    public var required: Bool?
    /// A header besides `Authorization: Bearer` and `x-api-key` that carries API keys.
    public var header: String?
    public var jwt: JWTSettings?
    /// The consumer stdio sessions act as (a desktop client has no key to send).
    public var stdioIdentity: String?
    public var toolRejections: ToolRejection
    /// The price of one tool call in currency units (cost limits).
    public var toolCallPrice: Double

    public init(
        required: Bool? = nil, header: String? = nil, jwt: JWTSettings? = nil, stdioIdentity: String? = nil, toolRejections: ToolRejection = .error,
        toolCallPrice: Double = 0
    ) {
        self.required = required
        self.header = header
        self.jwt = jwt
        self.stdioIdentity = stdioIdentity
        self.toolRejections = toolRejections
        self.toolCallPrice = toolCallPrice
    }
}
