/// Why a gateway could not be built from its configuration: a document that does not import, a
/// command that is not there, an address that cannot be bound. The message names the server,
/// file or address (never a secret).
public struct GatewayStartupError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A server's OpenAPI document could not be imported.
        public static let importFailed = Code(rawValue: "import_failed")
        /// A stdio server's command is not installed.
        public static let commandNotFound = Code(rawValue: "command_not_found")
        /// The configuration names something that does not exist (a server for stdio).
        public static let invalidSelection = Code(rawValue: "invalid_selection")
        /// A setting cannot be used as given (a JWT secret too short, a JWKS file unreadable).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The listener could not be opened.
        public static let bindFailed = Code(rawValue: "bind_failed")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
