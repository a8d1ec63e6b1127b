import MCPCore

/// The gateway's typed error: a code, a message fit for the client (never a secret), and the cause.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The named tool does not exist on this server.
        public static let unknownTool = Code(rawValue: "unknown_tool")
        /// The request itself is malformed.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// A policy refused the call.
        public static let denied = Code(rawValue: "denied")
        /// A rate or token limit was hit.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// The upstream failed in a way that is not a tool result.
        public static let upstream = Code(rawValue: "upstream")
        /// Configuration is missing or invalid.
        public static let configuration = Code(rawValue: "configuration")
        /// A bug or an unexpected state.
        public static let `internal` = Code(rawValue: "internal")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension GatewayError {
    /// The one conversion point from gateway errors to JSON-RPC errors.
    public var jsonRPCError: JSONRPCError {
        switch code {
        case .unknownTool, .invalidRequest: return .invalidParams(message)
        case .denied, .rateLimited:
            return JSONRPCError(code: .invalidRequest, message: message, data: ["reason": .string(code.rawValue)])
        default: return .internalError(message)
        }
    }
}
