import Foundation
import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayServer
import HTTPTypes
import Hummingbird
import Logging
import MCPCore
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The router the gateway's routes are registered on.
public typealias GatewayRouter = Router<BasicRequestContext>

extension Gateway {
    /// The route table: every server's streamable HTTP endpoint and legacy SSE endpoints,
    /// `/healthz`, `/readyz`, and the mounted route groups (`/v1/...`).
    public func routes() -> (router: GatewayRouter, services: [any Service]) {
        let (router, services) = routes(endpoints: EndpointTable(), chain: policies, reloadable: false) { path in
            Self.fixed(self.httpAuthentication(path: path))
        }
        return (router, services.map(\.service))
    }

    /// A check that does not change, as the per-request source a transport asks; nil for none.
    static func fixed(_ check: StreamableHTTPTransport.CredentialCheck?) -> (@Sendable () -> StreamableHTTPTransport.CredentialCheck?)? {
        guard let check else { return nil }
        return { check }
    }

    /// A service of the route table, keyed so a reload starts only what is new (`endpoint:`),
    /// replaces what is rebuilt (`prober`) and keeps what it carried over (`policy:`).
    struct KeyedService: Sendable {
        var key: String
        var service: any Service
    }

    /// The route table over `endpoints`: a path that already has a transport keeps it (and its
    /// sessions); a new path gets one, whose sessions run `chain` and whose requests are checked by
    /// what `authentication` gives for the path (asked per request). `reloadable`: every server
    /// says its lists can change (a reload may change any of them).
    func routes(
        endpoints: EndpointTable, chain: PolicyChain, reloadable: Bool,
        authentication: (String) -> (@Sendable () -> StreamableHTTPTransport.CredentialCheck?)?
    ) -> (router: GatewayRouter, services: [KeyedService]) {
        let router = GatewayRouter()
        if let accessLog { router.add(middleware: AccessLogMiddleware(log: accessLog)) }
        var services = self.services.map { KeyedService(key: "policy:\(ObjectIdentifier($0 as AnyObject))", service: $0) }
        if let tracing { services.append(KeyedService(key: "tracing", service: tracing)) }
        let transportConfiguration = Self.transportConfiguration(configuration.http)
        for server in servers {
            let slot = endpoints.slot(for: server) { slot in
                var transportConfiguration = transportConfiguration
                transportConfiguration.authentication = authentication(server.endpoint.path)
                var session = server.session
                if reloadable { session.listsChange = true }
                return StreamableHTTPTransport(
                    path: server.endpoint.path, legacyPath: server.endpoint.legacyPath, configuration: transportConfiguration,
                    sessionConfiguration: session, owner: resources.owner, logger: logger
                ) { request in
                    let current = slot.server
                    return current.handler(
                        transport: "http", policies: chain, callerHeaders: request.headers.map { ($0.name.rawName, $0.value) },
                        shared: current.perSession == nil ? slot.provider : nil
                    )
                }
            }
            slot.transport.register(on: router)
            for (index, service) in slot.transport.services().enumerated() {
                services.append(KeyedService(key: "endpoint:\(server.endpoint.path):\(index)", service: service))
            }
        }
        if let models {
            ModelRoutes(
                provider: models, policies: policies, maxBodyBytes: configuration.http.maxBodyBytes, logger: logger, authenticate: modelAuthentication(),
                browsers: transportConfiguration.browsers
            ).register(on: router)
            let prober = models.prober
            if prober.isNeeded { services.append(KeyedService(key: "prober", service: prober)) }
        }
        for group in routeGroups { group.register(on: router) }
        registerProtectedResourceMetadata(on: router)
        // A path under /mcp that names no server gets a body saying which servers there are.
        let served = servers.map(\.endpoint.path).joined(separator: ", ")
        for method in [HTTPRequest.Method.get, .post, .delete] {
            router.on("/mcp/{name}", method: method) { _, context in
                let name = context.parameters.get("name") ?? ""
                return GatewayError(.notFound, "no MCP server at /mcp/\(name); this gateway serves \(served.isEmpty ? "none" : served)").response()
            }
        }
        let modelNames = (models?.groups ?? []).map(\.name)
        router.get("/healthz") { _, _ in "{\"status\":\"ok\"}" }
        if let metrics, configuration.metricsListen == nil { Self.registerMetrics(metrics, on: router) }
        // Ready when every server can list its tools (a stdio child that cannot start is not).
        router.get("/readyz") { _, _ in
            let (ready, body) = Self.readinessBody(await Self.readiness(of: servers, timeout: .seconds(10)), models: modelNames)
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serializedBytes()))
            )
        }
        // Last, so it wraps only the not-found responder (see the middleware).
        var endpoints: [(path: String, method: HTTPRequest.Method)] = [("/healthz", .get), ("/readyz", .get)]
        if metrics != nil, configuration.metricsListen == nil { endpoints.append(("/metrics", .get)) }
        if models != nil { endpoints += ModelRoutes.routes }
        router.add(middleware: UnmatchedRouteMiddleware(endpoints: endpoints, modelsServed: models != nil))
        return (router, services)
    }

    /// Serves every route on the configured listener until SIGTERM or SIGINT: stop accepting,
    /// let calls in flight finish within the shutdown timeout, close streams, then stop every
    /// provider and client. `onRunning` gets the bound address (port 0 picks a free one).
    ///
    /// With `reload`, SIGHUP reads the configuration again through it and applies a valid one
    /// without a restart (`LiveGateway`); an invalid one is refused and logged, and this one
    /// keeps serving.
    public func serveHTTP(
        reload: (@Sendable () throws -> GatewayConfiguration)? = nil,
        onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    ) async throws {
        var tls: NIOSSLContext?
        if let files = configuration.tls {
            do {
                tls = try DirectHTTP1Channel<SwappableResponder>.tlsContext(certificate: files.certificate, key: files.key)
            } catch {
                await shutdown()
                throw GatewayStartupError(.invalidConfiguration, "tls: the certificate or key cannot be used: \(error)", underlying: error)
            }
        }
        let live = LiveGateway(self, reload: reload)
        let router = live.start()
        let http = configuration.http
        let host = configuration.host
        let port = configuration.port
        let app = Application(
            router: router,
            server: DirectHTTP1Channel.builder(
                responder: live.responder, maxBodyBytes: http.maxBodyBytes, serverName: "toolgate",
                limits: ConnectionLimits(
                    headTimeout: .milliseconds(Int64(http.headerTimeout * 1000)), bodyTimeout: .milliseconds(Int64(http.bodyTimeout * 1000)),
                    idleTimeout: .milliseconds(Int64(http.keepAliveTimeout * 1000)), maxConnections: http.maxConnections
                ),
                tls: tls
            ),
            configuration: .init(address: .hostname(host, port: port), serverName: "toolgate"),
            onServerRunning: { channel in onRunning(host, channel.localAddress?.port ?? 0) },
            logger: logger
        )
        // The resources come first: a group shuts down in reverse order, so they stop after the
        // listener has drained its calls (or at once, when the listener failed to start), and
        // after the gateway's services (the audit store writes its queue after the last call).
        if let warning = BrowserGuard.listenerWarning(listenHost: host, allowedHosts: http.allowedHosts) { logger.warning("\(warning)") }
        var services: [any Service] = [resources, live.services, app]
        if let metricsListener = metricsListener() { services.insert(metricsListener, at: 2) }
        if reload != nil { services.append(live.reloader) }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(http.shutdownTimeout * 1000))
        group.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            await live.current.shutdown()
            throw Self.describeListenFailure(error, host: host, port: port)
        }
        await live.current.shutdown()
    }

    /// `GET /metrics`: the Prometheus exposition.
    static func registerMetrics(_ metrics: GatewayMetrics, on router: GatewayRouter) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
    }

    /// The listener of its own that `metrics: { listen }` asks for: `/metrics` and `/healthz` only.
    func metricsListener() -> (any Service)? {
        guard let metrics, let (host, port) = configuration.metricsListen else { return nil }
        let router = GatewayRouter()
        Self.registerMetrics(metrics, on: router)
        router.get("/healthz") { _, _ in "{\"status\":\"ok\"}" }
        let logger = self.logger
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "toolgate"),
            onServerRunning: { channel in logger.notice("metrics listening", metadata: ["url": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"]) },
            logger: logger
        )
    }

    static func transportConfiguration(_ http: HTTPSettings) -> StreamableHTTPTransport.Configuration {
        .init(
            allowedOrigins: Set(http.allowedOrigins), allowedHosts: Set(http.allowedHosts), maxBodyBytes: http.maxBodyBytes,
            maxSessions: http.maxSessions, sessionIdleTimeout: .milliseconds(Int64(http.sessionIdleTimeout * 1000)), replies: http.replies
        )
    }

    /// A bind failure names the address it could not listen on (NIO's message names only the
    /// system call and the errno).
    static func describeListenFailure(_ error: any Error, host: String, port: Int) -> any Error {
        guard let io = error as? IOError else { return error }
        let reason: String
        switch io.errnoCode {
        case EADDRINUSE: reason = "the address is already in use"
        case EADDRNOTAVAIL: reason = "the address is not one of this machine's"
        case EACCES: reason = "permission denied (ports below 1024 need privileges)"
        default: return error
        }
        return GatewayStartupError(.bindFailed, "cannot listen on \(host):\(port): \(reason)", underlying: error)
    }
}
