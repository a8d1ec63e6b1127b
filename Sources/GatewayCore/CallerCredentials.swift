import Foundation
import MCPCore

/// What the transport saw of the caller's credentials, for authentication to resolve into an
/// `Identity`. Never logged, never sent upstream.
public struct CallerCredentials: Sendable, Hashable {
    /// `Authorization: Bearer …`.
    public var bearer: String?
    /// `x-api-key` (what the Anthropic SDK sends), or a configured header.
    public var apiKey: String?

    public init(bearer: String? = nil, apiKey: String? = nil) {
        self.bearer = bearer
        self.apiKey = apiKey
    }

    /// Reads `Authorization: Bearer` and `x-api-key` from request headers (names compared as
    /// the engine compares them, `MCPReceiveContext.value(of:)`). Byte-level: this runs on every
    /// authenticated request, where Foundation's trimming and grapheme counting showed in profiles.
    public init(headers: [(name: String, value: String)]) {
        let fields = MCPReceiveContext(headers: headers)
        if let authorization = fields.value(of: "authorization") {
            let bytes = authorization.utf8
            let scheme = "bearer "
            if bytes.count > scheme.utf8.count, MCPReceiveContext.equalsIgnoringASCIICase(bytes.prefix(scheme.utf8.count), lowercased: scheme) {
                bearer = Self.trimmed(bytes.dropFirst(scheme.utf8.count))
            }
        }
        apiKey = fields.value(of: "x-api-key").map { Self.trimmed($0.utf8[...]) }
    }

    /// A header value without the optional white space (spaces, tabs) around it (RFC 9110 §5.5).
    public static func trimmed(_ bytes: Substring.UTF8View) -> String {
        var start = bytes.startIndex, end = bytes.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
