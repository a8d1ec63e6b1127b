/// A JSON-RPC error object (`code`, `message`, optional `data`), also used as the engine's typed error.
public struct JSONRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Standard and MCP error codes.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Invalid JSON was received.
        public static let parseError = Code(rawValue: -32700)
        /// The JSON is not a valid JSON-RPC message.
        public static let invalidRequest = Code(rawValue: -32600)
        /// The method does not exist or is not available now.
        public static let methodNotFound = Code(rawValue: -32601)
        /// Invalid method parameters (unknown tool, bad cursor, bad log level...).
        public static let invalidParams = Code(rawValue: -32602)
        /// An internal error.
        public static let internalError = Code(rawValue: -32603)
        /// MCP: the resource does not exist.
        public static let resourceNotFound = Code(rawValue: -32002)
        /// MCP 2026-07-28: an HTTP routing header disagrees with the body.
        public static let headerMismatch = Code(rawValue: -32020)
        /// MCP 2026-07-28: the request needs a client capability the envelope does not declare.
        public static let missingRequiredClientCapability = Code(rawValue: -32021)
        /// MCP 2026-07-28: the envelope's protocol version is not served here (`data.supported` lists ours).
        public static let unsupportedProtocolVersion = Code(rawValue: -32022)
    }

    public var code: Code
    public var message: String
    public var data: JSONValue?

    public init(code: Code, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error object as it appears in a response.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["code": .int(Int64(code.rawValue)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    public var description: String { "JSON-RPC error \(code.rawValue): \(message)" }

    public static func parseError(_ message: String) -> JSONRPCError { .init(code: .parseError, message: message) }
    public static func invalidRequest(_ message: String) -> JSONRPCError { .init(code: .invalidRequest, message: message) }
    public static func methodNotFound(_ message: String) -> JSONRPCError { .init(code: .methodNotFound, message: message) }
    public static func invalidParams(_ message: String) -> JSONRPCError { .init(code: .invalidParams, message: message) }
    public static func internalError(_ message: String) -> JSONRPCError { .init(code: .internalError, message: message) }
}
