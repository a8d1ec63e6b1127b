import GatewayConfig
import GatewayServer
import Hummingbird
import Logging
import ServiceLifecycle

/// What `serve` and `bridge` share: the transport settings from the configuration, and running
/// the HTTP application (over `DirectHTTP1Channel` connections) until SIGTERM/SIGINT (stop accepting, let calls in flight finish within
/// the shutdown timeout, close streams).
enum HTTPGateway {
    static func transportConfiguration(_ http: HTTPSettings) -> StreamableHTTPTransport.Configuration {
        .init(
            allowedOrigins: Set(http.allowedOrigins), allowedHosts: Set(http.allowedHosts), maxBodyBytes: http.maxBodyBytes,
            maxSessions: http.maxSessions, sessionIdleTimeout: .milliseconds(Int64(http.sessionIdleTimeout * 1000)),
            replies: StreamableHTTPTransport.Configuration.Replies(rawValue: http.replies.rawValue) ?? .auto
        )
    }

    static func run(
        router: Router<BasicRequestContext>, host: String, port: Int, maxBodyBytes: Int, services: [any Service], shutdownTimeout: Double,
        logger: Logger, onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void
    ) async throws {
        let app = Application(
            router: router,
            server: DirectHTTP1Channel.builder(responder: router.buildResponder(), maxBodyBytes: maxBodyBytes, serverName: "toolgate"),
            configuration: .init(address: .hostname(host, port: port), serverName: "toolgate"),
            services: services,
            onServerRunning: { channel in onRunning(host, channel.localAddress?.port ?? 0) },
            logger: logger
        )
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownTimeout * 1000))
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }
}
