/// What the carrying transport knows about one received message: the HTTP request's headers
/// (empty on stdio). The engine reads the stateless revision's routing headers from them and
/// hands them to the handler with each `tools/call`, so header passthrough follows each call.
public struct MCPReceiveContext: Sendable {
    /// Header fields as received (names compared case-insensitively).
    public var headers: [(name: String, value: String)]
    /// Whether the stateless revision's routing headers (MCP-Protocol-Version, Mcp-Method,
    /// Mcp-Name) must agree with the body: true for HTTP, false for stdio.
    public var checksRoutingHeaders: Bool

    public init(headers: [(name: String, value: String)] = [], checksRoutingHeaders: Bool = false) {
        self.headers = headers
        self.checksRoutingHeaders = checksRoutingHeaders
    }

    /// No transport facts (stdio, tests).
    public static let none = MCPReceiveContext()

    /// The first value of a header, by case-insensitive name.
    public func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }
}
