import MCPCore

/// The gateway's typed error: a code, a message fit for the client (never a secret), how long to
/// wait before trying again where that applies, and the cause.
///
/// It leaves the gateway through one conversion per wire format: `jsonRPCError` and
/// `toolResult` (MCP), `httpStatus` + `httpBody` (plain HTTP); model-call formats add theirs
/// beside these, from the same code.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The named tool does not exist on this server.
        public static let unknownTool = Code(rawValue: "unknown_tool")
        /// The request itself is malformed.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The caller brought no valid credentials.
        public static let unauthenticated = Code(rawValue: "unauthenticated")
        /// A policy refused the call.
        public static let denied = Code(rawValue: "denied")
        /// What the call names does not exist (a model group, a resource, a route).
        public static let notFound = Code(rawValue: "not_found")
        /// The `model` a client named is no group or alias of this gateway (OpenAI's code).
        public static let modelNotFound = Code(rawValue: "model_not_found")
        /// The guard found content its rules deny (answered as a refusal in each wire format).
        public static let contentFiltered = Code(rawValue: "content_filtered")
        /// A rate or token limit was hit.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// The `Host` the request names is not served here (HTTP 421: the DNS-rebinding guard).
        public static let misdirected = Code(rawValue: "misdirected_request")
        /// The path is served, but not with the request's method (HTTP 405, with `Allow`).
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        /// The request body is larger than allowed.
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        /// The upstream failed in a way that is not a tool result.
        public static let upstream = Code(rawValue: "upstream")
        /// The upstream did not answer in time.
        public static let timeout = Code(rawValue: "timeout")
        /// No upstream can take the call now (all instances down, shutting down).
        public static let unavailable = Code(rawValue: "unavailable")
        /// No upstream offers the feature (resources or prompts): the engine answers as if the
        /// server had none.
        public static let notOffered = Code(rawValue: "not_offered")
        /// Configuration is missing or invalid.
        public static let configuration = Code(rawValue: "configuration")
        /// A bug or an unexpected state.
        public static let `internal` = Code(rawValue: "internal")
    }

    /// The fields live in one shared box, so the error is one word wide: async frames keep a slot
    /// for the error of every `throws(GatewayError)` call they await, and 168 bytes a slot made
    /// each streamed model call's task hold kilobytes more. Copy on write keeps value semantics.
    private var box: Box

    public var code: Code {
        get { box.fields.code }
        set { unique().fields.code = newValue }
    }
    public var message: String {
        get { box.fields.message }
        set { unique().fields.message = newValue }
    }
    /// Seconds the caller should wait before trying again (rate limits, overload).
    public var retryAfter: Int? {
        get { box.fields.retryAfter }
        set { unique().fields.retryAfter = newValue }
    }
    public var underlying: (any Error)? {
        get { box.fields.underlying }
        set { unique().fields.underlying = newValue }
    }
    /// An upstream MCP server's own JSON-RPC error, passed on to the client as it is.
    public var upstreamError: JSONRPCError? {
        get { box.fields.upstreamError }
        set { unique().fields.upstreamError = newValue }
    }
    /// The request field the error is about (`model`, `messages`...), for OpenAI-style `param`.
    public var param: String? {
        get { box.fields.param }
        set { unique().fields.param = newValue }
    }
    /// A model provider's own HTTP status and error object, passed on when no fallback applied
    /// (never for the provider's authentication errors, which name the gateway's key).
    public var providerStatus: Int? {
        get { box.fields.providerStatus }
        set { unique().fields.providerStatus = newValue }
    }
    public var providerError: JSONValue? {
        get { box.fields.providerError }
        set { unique().fields.providerError = newValue }
    }
    /// Headers the HTTP answer carries besides `Retry-After` (which instance failed, how many attempts).
    public var extraHeaders: [(name: String, value: String)] {
        get { box.fields.extraHeaders }
        set { unique().fields.extraHeaders = newValue }
    }

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil, param: String? = nil, underlying: (any Error)? = nil) {
        box = Box(Fields(code: code, message: message, retryAfter: retryAfter, underlying: underlying, param: param))
    }

    /// The box, copied first when another error value shares it.
    private mutating func unique() -> Box {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        return box
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// An upstream MCP server's JSON-RPC error, to be passed on unchanged.
    public static func passedOn(_ error: JSONRPCError) -> GatewayError {
        var wrapped = GatewayError(.upstream, error.message)
        wrapped.upstreamError = error
        return wrapped
    }

    /// The error's fields, as plain stored properties.
    private struct Fields {
        var code: Code
        var message: String
        var retryAfter: Int?
        var underlying: (any Error)?
        var upstreamError: JSONRPCError?
        var param: String?
        var providerStatus: Int?
        var providerError: JSONValue?
        var extraHeaders: [(name: String, value: String)] = []
    }

    /// The shared box; only mutated through `unique()`, so a box two errors share never changes.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }
}
