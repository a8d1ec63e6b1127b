import Foundation
import GatewayConfig
import GatewayCore
import GatewayServer
import HTTPTypes
import Hummingbird
import Logging
import MCPCore
import NIOCore
import ServiceLifecycle

/// The router the gateway's routes are registered on.
public typealias GatewayRouter = Router<BasicRequestContext>

extension Gateway {
    /// The route table: every server's streamable HTTP endpoint and legacy SSE endpoints,
    /// `/healthz`, `/readyz`, and the mounted route groups (`/v1/...`).
    public func routes() -> (router: GatewayRouter, services: [any Service]) {
        let router = GatewayRouter()
        if let accessLog { router.add(middleware: AccessLogMiddleware(log: accessLog)) }
        var services: [any Service] = self.services
        let transportConfiguration = Self.transportConfiguration(configuration.http)
        let policies = self.policies
        for server in servers {
            var transportConfiguration = transportConfiguration
            transportConfiguration.authenticate = httpAuthentication(path: server.endpoint.path)
            let transport = StreamableHTTPTransport(
                path: server.endpoint.path, legacyPath: server.endpoint.legacyPath, configuration: transportConfiguration,
                sessionConfiguration: server.session, owner: resources.owner, logger: logger
            ) { request in
                server.handler(transport: "http", policies: policies, callerHeaders: request.headers.map { ($0.name.rawName, $0.value) })
            }
            transport.register(on: router)
            services += transport.services()
        }
        if let models {
            ModelRoutes(provider: models, policies: policies, maxBodyBytes: configuration.http.maxBodyBytes, logger: logger, authenticate: modelAuthentication())
                .register(on: router)
            let prober = models.prober
            if prober.isNeeded { services.append(prober) }
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
        let ready = servers.map { "\"\($0.name)\":\($0.toolCount.map(String.init) ?? "null")" }.joined(separator: ",")
        let modelNames = (models?.groups ?? []).map { JSONValue.string($0.name).serialized() }.joined(separator: ",")
        router.get("/healthz") { _, _ in "{\"status\":\"ok\"}" }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
                )
            }
        }
        router.get("/readyz") { _, _ in "{\"status\":\"ready\",\"servers\":{\(ready)},\"models\":[\(modelNames)]}" }
        return (router, services)
    }

    /// Serves every route on the configured listener until SIGTERM or SIGINT: stop accepting,
    /// let calls in flight finish within the shutdown timeout, close streams, then stop every
    /// provider and client. `onRunning` gets the bound address (port 0 picks a free one).
    public func serveHTTP(onRunning: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) async throws {
        let (router, services) = routes()
        let http = configuration.http
        let host = configuration.host
        let port = configuration.port
        let app = Application(
            router: router,
            server: DirectHTTP1Channel.builder(responder: router.buildResponder(), maxBodyBytes: http.maxBodyBytes, serverName: "toolgate"),
            configuration: .init(address: .hostname(host, port: port), serverName: "toolgate"),
            services: services,
            onServerRunning: { channel in onRunning(host, channel.localAddress?.port ?? 0) },
            logger: logger
        )
        // The resources come first: a group shuts down in reverse order, so they stop after the
        // listener has drained its calls (or at once, when the listener failed to start).
        var group = ServiceGroupConfiguration(services: [resources, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(http.shutdownTimeout * 1000))
        group.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            await shutdown()
            throw Self.describeListenFailure(error, host: host, port: port)
        }
        await shutdown()
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
