import AsyncHTTPClient
import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayServer
import LLMUpstream
import ServiceLifecycle
import Logging
import RESTUpstream
import UpstreamHTTP

/// The whole runtime built from one validated configuration: the virtual servers and their
/// providers, the policy chain every call passes, the route table of the HTTP listener, and the
/// lifecycle of every long-running part.
///
/// `toolgate serve`, `stdio` and `bridge` only parse arguments into a `GatewayConfiguration` and
/// hand it here; the setup and the teardown are written once.
public struct Gateway: Sendable {
    public let configuration: GatewayConfiguration
    /// The virtual servers, in the configuration's order.
    public let servers: [AssembledServer]
    /// The chain every tool call, resource read, prompt get and list request passes.
    public let policies: PolicyChain
    /// The model groups behind `/v1/...` (nil when the configuration has none).
    public let models: ModelRouter?
    /// Who callers are (nil when the configuration names no consumers, groups or auth).
    public let authenticator: Authenticator?
    /// Long-running parts of the policies (the audit store's writer, the limits' settlement queue), run beside the listener.
    let services: [any Service]
    /// Route groups mounted beside the MCP and model endpoints.
    let routeGroups: [any GatewayRoutes]
    /// What shuts down the shared clients and the providers' children once, on every exit path.
    let resources: GatewayResources
    /// One JSON line per HTTP request (`http.access_log`), when configured.
    let accessLog: AccessLog?
    /// What `/metrics` renders (nil when `metrics: { enabled: false }`).
    public let metrics: GatewayMetrics?
    let logger: Logger

    /// Builds every server of `configuration` (imports documents, prepares stdio and remote
    /// providers). On failure whatever was already started is shut down before the error is thrown.
    public static func build(
        _ configuration: GatewayConfiguration, policies: PolicyChain = PolicyChain(), routes: [any GatewayRoutes] = [], logger: Logger
    ) async throws -> Gateway {
        let client = RESTExecutor.makeHTTPClient()
        let resources = GatewayResources(client: client, logger: logger)
        var servers: [AssembledServer] = []
        do {
            for server in configuration.servers {
                let assembled = try await ServerAssembly.assemble(
                    server, allowedCommands: configuration.allowedCommands, client: client, owner: resources.owner, logger: logger
                )
                resources.adopt(assembled)
                servers.append(assembled)
            }
        } catch {
            await resources.shutdown()
            throw error
        }
        // Metrics and audit outermost (they see refusals too), then who, what and how much, then
        // the guard and moderation.
        var chain = PolicyChain()
        let metrics = configuration.metricsEnabled ? GatewayMetrics() : nil
        if let metrics { chain.append(MetricsPolicy(metrics)) }
        let identity: (chain: PolicyChain, authenticator: Authenticator?, services: [any Service])
        var services: [any Service] = []
        do {
            if let audit = try auditing(configuration, logger: logger) {
                chain.append(audit.policy)
                services.append(audit.store)
            }
            identity = try identityPolicies(configuration, client: client)
            chain.append(contentsOf: identity.chain)
            if let guardPolicy = try guarding(configuration) { chain.append(guardPolicy) }
            // Upstream redaction before moderation, so an external moderator never sees what it replaces.
            if let redaction = try redactingUpstream(configuration) { chain.append(redaction) }
            if let moderation = try moderating(configuration) { chain.append(moderation) }
        } catch {
            await resources.shutdown()
            throw error
        }
        services += identity.services
        chain.append(contentsOf: policies)
        var models: ModelRouter?
        if !configuration.models.isEmpty {
            // Model streams are long-lived: their own pool, so they never queue behind tool calls' 64 per origin.
            let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 16_384, maxIdlePerOrigin: 512))
            resources.adopt(pool)
            models = ModelRouter(configuration.models, pool: pool, logger: logger)
        }
        var accessLog: AccessLog?
        if let target = configuration.http.accessLog {
            do {
                accessLog = try AccessLog(target: target)
            } catch {
                await resources.shutdown()
                throw GatewayStartupError(.invalidConfiguration, "http.access_log: \(target) cannot be written: \(error)", underlying: error)
            }
        }
        return Gateway(
            configuration: configuration, servers: servers, policies: chain, models: models, authenticator: identity.authenticator, services: services,
            routeGroups: routes, resources: resources, accessLog: accessLog, metrics: metrics, logger: logger
        )
    }

    /// The directory of consumers, when identity is configured.
    var directory: ConsumerDirectory? { authenticator?.directory }

    /// Stops the providers' children and remote sessions, closes the shared clients and the
    /// pool's idle connections. Safe to call more than once; `serveHTTP` and `serveStdio` call it
    /// on their way out.
    public func shutdown() async {
        await resources.shutdown()
    }

    /// Runs `body` while the runtime's background jobs run beside it (the `TaskOwner` that
    /// `serveHTTP` runs as part of its resources), then shuts everything down and waits for the jobs.
    /// For runs without a listener: `serveStdio`, `toolgate check --connect`.
    func withJobs<T: Sendable>(_ body: () async -> T) async -> T {
        let owner = resources.owner
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await owner.run() }
            let result = await body()
            await shutdown()
            return result
        }
    }
}

/// A group of routes the gateway mounts on its HTTP listener beside the MCP endpoints (the
/// OpenAI- and Anthropic-compatible `/v1/...` routes mount here).
public protocol GatewayRoutes: Sendable {
    func register(on router: GatewayRouter)
}
