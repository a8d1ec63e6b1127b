import Foundation
import MCPCore

/// Replaces the gateway's own credentials with `[redacted]` in what leaves it: an upstream may
/// echo a key or token back in a result or an error message, and a client must never see one.
public struct SecretScrubber: Sendable {
    public static let marker = "[redacted]"
    /// Longest first, so a secret that contains another is replaced whole.
    let secrets: [String]

    /// Values shorter than 4 characters are not treated as secrets (they would garble text).
    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func scrub(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) { text = text.replacingOccurrences(of: secret, with: Self.marker) }
        return text
    }

    /// Every string in a JSON value (keys too), scrubbed.
    public func scrub(_ value: JSONValue) -> JSONValue {
        guard !secrets.isEmpty else { return value }
        return value.mappingStrings(keys: true) { scrub($0) }
    }

    /// A tool result's text and structured content, scrubbed.
    public func scrub(_ result: MCPToolResult) -> MCPToolResult {
        guard !secrets.isEmpty else { return result }
        var scrubbed = result
        scrubbed.content = result.content.map { content in
            guard case .text(let text) = content else { return content }
            return .text(scrub(text))
        }
        scrubbed.structuredContent = result.structuredContent.map(scrub)
        return scrubbed
    }
}
