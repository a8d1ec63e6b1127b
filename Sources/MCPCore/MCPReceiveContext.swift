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

    /// The first value of a header, by case-insensitive name (`name` given in lowercase); compared
    /// byte by byte, without building a lowercased copy of every header name.
    public func value(of name: String) -> String? {
        headers.first { Self.matches($0.name, lowercased: name) }?.value
    }

    static func matches(_ field: String, lowercased name: String) -> Bool {
        equalsIgnoringASCIICase(field.utf8[...], lowercased: name)
    }

    /// Whether `bytes` spell `lowercased` with any ASCII letters in either case (header names,
    /// authentication schemes).
    package static func equalsIgnoringASCIICase(_ bytes: Substring.UTF8View, lowercased: String) -> Bool {
        guard bytes.count == lowercased.utf8.count else { return false }
        return zip(bytes, lowercased.utf8).allSatisfy { have, want in have == want || (0x41...0x5A).contains(have) && have | 0x20 == want }
    }
}
