import GatewayCore

/// Everything `toolgate serve --config FILE` runs: where to listen, the HTTP limits, and the
/// virtual servers, each served at `/mcp/<name>` and over stdio.
public struct GatewayConfiguration: Sendable {
    /// The file it was read from (empty when built from command-line flags).
    public var file: String
    public var host: String
    public var port: Int
    public var http: HTTPSettings
    public var servers: [VirtualServerConfiguration]
    /// The model groups served at `/v1/...`.
    public var models: [ModelGroupSettings]
    /// Consumers, groups and authentication (empty: every caller is anonymous and unlimited).
    public var identity: IdentitySettings
    /// Commands stdio servers may run (names or absolute paths); checked at load and at every spawn.
    public var allowedCommands: [String]
    /// The audit store, the guard, redaction and the audit trail's settings.
    public var policies = PolicySettings()
    /// Serve Prometheus metrics at `/metrics` on the listener (`metrics: { enabled: false }` turns them off).
    public var metricsEnabled = true
    /// A listener of its own for `/metrics` (`metrics: { listen: host:port }`); nil: on the main one.
    public var metricsListen: (host: String, port: Int)?
    /// The listener's certificate chain and private key (PEM files), when it serves https.
    public var tls: (certificate: String, key: String)?
    /// OpenTelemetry traces over OTLP/HTTP (`tracing:`); nil: off.
    public var tracing: TracingSettings?

    public init(
        file: String = "", host: String = "127.0.0.1", port: Int = 8080, http: HTTPSettings = HTTPSettings(), servers: [VirtualServerConfiguration],
        models: [ModelGroupSettings] = [], identity: IdentitySettings = IdentitySettings(), allowedCommands: [String] = []
    ) {
        self.models = models
        self.identity = identity
        self.allowedCommands = allowedCommands
        self.file = file
        self.host = host
        self.port = port
        self.http = http
        self.servers = servers
    }

    /// The server with this name.
    public func server(named name: String) -> VirtualServerConfiguration? {
        servers.first { $0.name == name }
    }
}

/// Limits and browser-security settings of the HTTP listener.
public struct HTTPSettings: Sendable {
    /// How requests are answered: SSE only for calls that ask for progress, always SSE, or always JSON.
    public typealias Replies = ReplyMode

    public var replies: Replies
    /// Browser origins allowed besides loopback ones.
    public var allowedOrigins: [String]
    /// `Host` header values accepted besides loopback names.
    public var allowedHosts: [String]
    public var maxBodyBytes: Int
    public var maxSessions: Int
    /// Seconds a session may stay idle before it expires.
    public var sessionIdleTimeout: Double
    /// Seconds calls in flight may take to finish after SIGTERM before they are cancelled.
    public var shutdownTimeout: Double
    /// Where one JSON line per request goes: `stderr`, a file path, or nil (off).
    public var accessLog: String?
    /// Seconds a request's head may take to arrive (from its first byte, or the connection going idle).
    public var headerTimeout: Double = 60
    /// Seconds a request's body may pause.
    public var bodyTimeout: Double = 60
    /// Seconds a kept-alive connection may stay idle between requests.
    public var keepAliveTimeout: Double = 75
    /// Connections the listener holds at once.
    public var maxConnections = 16_384

    public init(
        allowedOrigins: [String] = [], allowedHosts: [String] = [], maxBodyBytes: Int = 4 << 20, maxSessions: Int = 10_000,
        sessionIdleTimeout: Double = 3600, shutdownTimeout: Double = 30, replies: Replies = .auto
    ) {
        self.replies = replies
        self.shutdownTimeout = shutdownTimeout
        self.allowedOrigins = allowedOrigins
        self.allowedHosts = allowedHosts
        self.maxBodyBytes = maxBodyBytes
        self.maxSessions = maxSessions
        self.sessionIdleTimeout = sessionIdleTimeout
    }
}
