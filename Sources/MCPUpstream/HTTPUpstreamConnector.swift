import GatewayCore
import Logging
import MCPCore
import UpstreamHTTP

/// Opens sessions with a remote MCP server over HTTP (streamable HTTP, or legacy HTTP+SSE).
public struct HTTPUpstreamConnector: MCPUpstreamConnector {
    public let endpoint: RemoteMCPEndpoint
    let pool: HTTP1ConnectionPool
    let requestTimeout: Duration
    public let owner: TaskOwner
    let logger: Logger

    /// `requestTimeout` bounds one POST (its answer included); calls are bounded by the provider too.
    public init(
        endpoint: RemoteMCPEndpoint, pool: HTTP1ConnectionPool = .shared, requestTimeout: Duration = .seconds(90), owner: TaskOwner, logger: Logger
    ) {
        self.endpoint = endpoint
        self.owner = owner
        self.pool = pool
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    public var name: String { endpoint.redacted }

    public var secrets: [String] { endpoint.secrets }

    public func connect(
        onNotification: @escaping @Sendable (String, JSONValue?) async -> Void, onClose: @escaping @Sendable (String) -> Void
    ) async throws(GatewayError) -> any MCPUpstreamLink {
        let link = HTTPUpstreamLink(
            endpoint: endpoint, pool: pool, requestTimeout: requestTimeout, owner: owner, logger: logger, onNotification: onNotification, onClose: onClose
        )
        if endpoint.transport == .sse { try await link.openLegacy() }
        return link
    }
}
