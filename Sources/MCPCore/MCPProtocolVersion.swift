/// An MCP protocol revision, compared by date.
public struct MCPProtocolVersion: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let v2024_11_05 = MCPProtocolVersion(rawValue: "2024-11-05")
    public static let v2025_03_26 = MCPProtocolVersion(rawValue: "2025-03-26")
    public static let v2025_06_18 = MCPProtocolVersion(rawValue: "2025-06-18")
    public static let v2025_11_25 = MCPProtocolVersion(rawValue: "2025-11-25")
    /// The stateless revision: no `initialize`, every request carries its version in `_meta`.
    public static let v2026_07_28 = MCPProtocolVersion(rawValue: "2026-07-28")

    /// The handshake-era revisions this engine speaks, oldest first.
    public static let supported: [MCPProtocolVersion] = [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25]
    /// The stateless (per-request envelope) revisions this engine speaks.
    public static let modern: [MCPProtocolVersion] = [.v2026_07_28]
    /// Every revision, handshake and stateless, oldest first.
    public static let all: [MCPProtocolVersion] = supported + modern
    /// The newest handshake-era revision: the answer to any version we do not know.
    public static let latest: MCPProtocolVersion = .v2025_11_25

    /// The version to answer an `initialize` with: the requested one when supported, else our latest.
    public static func negotiate(requested: String?) -> MCPProtocolVersion {
        guard let requested else { return latest }
        let version = MCPProtocolVersion(rawValue: requested)
        return supported.contains(version) ? version : latest
    }

    /// Whether this is a stateless revision (no handshake, no session).
    public var isModern: Bool { Self.modern.contains(self) }
    /// JSON-RPC batches are part of 2025-03-26 only.
    public var acceptsBatches: Bool { self == .v2025_03_26 }
    /// `structuredContent`, `outputSchema` and `title` arrived in 2025-06-18.
    public var hasStructuredContent: Bool { self >= .v2025_06_18 }
    /// Tool annotations and audio content arrived in 2025-03-26.
    public var hasToolAnnotations: Bool { self >= .v2025_03_26 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
