import Foundation
import GatewayCore

/// Where a remote MCP server listens and how the gateway presents itself there. The headers are
/// the gateway's own credentials for that server; a client's headers are never forwarded.
public struct RemoteMCPEndpoint: Sendable {
    /// Streamable HTTP, legacy HTTP+SSE (2024-11-05), or streamable HTTP falling back to SSE.
    /// How the server is spoken to (`RemoteMCPTransport`).
    public typealias Transport = RemoteMCPTransport

    public var url: URL
    public var headers: [(name: String, value: String)]
    public var transport: Transport
    /// The largest message accepted from the server.
    public var maxMessageBytes: Int

    public init(url: URL, headers: [(name: String, value: String)] = [], transport: Transport = .auto, maxMessageBytes: Int = 16 << 20) {
        self.url = url
        self.headers = headers
        self.transport = transport
        self.maxMessageBytes = maxMessageBytes
    }

    /// The URL without credentials or query, for logs and error messages.
    public var redacted: String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(invalid URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "(invalid URL)"
    }

    /// The configured header values, and the credential part of an `Authorization` value
    /// (`Bearer <token>` → the token): what results and errors must never show.
    public var secrets: [String] {
        headers.flatMap { header -> [String] in
            guard header.name.lowercased() == "authorization", let space = header.value.firstIndex(of: " ") else { return [header.value] }
            return [header.value, String(header.value[header.value.index(after: space)...]).trimmingCharacters(in: .whitespaces)]
        }
    }

    /// Whether `other` has the same scheme, host and port: the legacy transport's message
    /// endpoint must, so the server cannot send the gateway's credentials elsewhere.
    func sameOrigin(_ other: URL) -> Bool {
        url.scheme?.lowercased() == other.scheme?.lowercased() && url.host?.lowercased() == other.host?.lowercased()
            && (url.port ?? Self.defaultPort(url)) == (other.port ?? Self.defaultPort(other))
    }

    private static func defaultPort(_ url: URL) -> Int {
        url.scheme?.lowercased() == "https" ? 443 : 80
    }
}
