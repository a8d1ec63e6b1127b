import MCPCore

/// Everything the policy chain knows about one call, passed by value down the chain.
///
/// Policies read it and may return an amended copy to `next` (e.g. a resolved identity).
public struct CallContext: Sendable {
    /// Who is calling.
    public var identity: Identity
    /// The virtual server the call is addressed to.
    public var server: String
    /// The transport it came in on (`stdio`, `http`...).
    public var transport: String
    /// The JSON-RPC id of the request, for correlation in logs and audit.
    public var requestID: JSONRPCID?
    /// The negotiated MCP revision of the caller's session.
    public var protocolVersion: MCPProtocolVersion
    /// When the gateway received the call.
    public var receivedAt: ContinuousClock.Instant
    /// The caller's request headers (HTTP transports). Upstreams never see them unless the
    /// configuration allow-lists a header by name.
    public var callerHeaders: [(name: String, value: String)]

    public init(
        identity: Identity = .anonymous, server: String, transport: String, requestID: JSONRPCID? = nil,
        protocolVersion: MCPProtocolVersion = .latest, receivedAt: ContinuousClock.Instant = .now,
        callerHeaders: [(name: String, value: String)] = []
    ) {
        self.callerHeaders = callerHeaders
        self.identity = identity
        self.server = server
        self.transport = transport
        self.requestID = requestID
        self.protocolVersion = protocolVersion
        self.receivedAt = receivedAt
    }
}

/// The caller as authentication established it.
public struct Identity: Sendable, Hashable {
    /// The consumer's name (from configuration), or `anonymous`.
    public var consumer: String
    /// True once a policy has authenticated the caller.
    public var isAuthenticated: Bool

    public init(consumer: String, isAuthenticated: Bool) {
        self.consumer = consumer
        self.isAuthenticated = isAuthenticated
    }

    /// A caller nobody has authenticated (stdio, or before the auth policy runs).
    public static let anonymous = Identity(consumer: "anonymous", isAuthenticated: false)
}
