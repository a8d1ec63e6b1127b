import AsyncHTTPClient
import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayServer
import LLMUpstream
import ServiceLifecycle
import GatewayStore
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

    /// The audit policy and its store, when calls are audited (a reload keeps the store).
    let audit: (policy: AuditPolicy, store: SQLiteAuditStore)?
    /// The limits' counters and settlement queue (a reload keeps both, so quotas carry over).
    let limitsState: (store: any RateLimitStore, settlements: SettlementQueue)?
    /// The model calls' pool (a reload keeps it).
    let modelPool: HTTP1ConnectionPool?
    /// The trace exporter's service, when `tracing:` is configured (bootstrapped once per process).
    let tracing: (any Service)?

    /// Builds every server of `configuration` (imports documents, prepares stdio and remote
    /// providers). On failure whatever was already started is shut down before the error is thrown.
    ///
    /// With `previous` (a reload), what must outlive one configuration is carried over: the shared
    /// client and task owner, the metrics registry, the audit store, the limits' counters, the
    /// models' pool, the access log, and every stdio or remote server whose section did not
    /// change (its children and sessions keep running). On failure only what this build started
    /// is stopped; `previous` keeps serving.
    public static func build(
        _ configuration: GatewayConfiguration, policies: PolicyChain = PolicyChain(), routes: [any GatewayRoutes] = [], logger: Logger,
        previous: Gateway? = nil
    ) async throws -> Gateway {
        let resources = previous?.resources ?? GatewayResources(client: RESTExecutor.makeHTTPClient(), logger: logger)
        let client = resources.client
        var servers: [AssembledServer] = []
        var started: [AssembledServer] = []
        /// Stops what this build started: everything on a first build, only the new servers on a reload.
        func abandon() async {
            if previous == nil {
                await resources.shutdown()
            } else {
                for server in started { await resources.release(server) }
            }
        }
        do {
            for server in configuration.servers {
                if let kept = previous?.reusableServer(for: server) {
                    servers.append(kept)
                    continue
                }
                let assembled = try await ServerAssembly.assemble(
                    server, allowedCommands: configuration.allowedCommands, client: client, owner: resources.owner, logger: logger
                )
                resources.adopt(assembled)
                started.append(assembled)
                servers.append(assembled)
            }
        } catch {
            await abandon()
            throw error
        }
        // Metrics and audit outermost (they see refusals too), then who, what and how much, then
        // the guard and moderation.
        var chain = PolicyChain()
        let tracing: (any Service)?
        do {
            tracing = try previous?.tracing ?? TracingBackend.start(configuration.tracing, logger: logger)
        } catch {
            await abandon()
            throw GatewayStartupError(.invalidConfiguration, "tracing: \(error)", underlying: error)
        }
        if tracing != nil { chain.append(TracingPolicy()) }
        let metrics = previous.map(\.metrics) ?? (configuration.metricsEnabled ? GatewayMetrics() : nil)
        if let metrics { chain.append(MetricsPolicy(metrics)) }
        let identity: (chain: PolicyChain, authenticator: Authenticator?, services: [any Service], limits: LimitsPolicy?)
        var services: [any Service] = []
        var audit: (policy: AuditPolicy, store: SQLiteAuditStore)?
        do {
            if let previous {
                audit = try previous.audit.map { (try auditPolicy(configuration, store: $0.store), $0.store) }
            } else {
                audit = try auditing(configuration, logger: logger)
            }
            if let audit {
                chain.append(audit.policy)
                services.append(audit.store)
            }
            identity = try identityPolicies(configuration, client: client, carrying: previous?.limitsState)
            chain.append(contentsOf: identity.chain)
            if let guardPolicy = try guarding(configuration) { chain.append(guardPolicy) }
            // Upstream redaction before moderation, so an external moderator never sees what it replaces.
            if let redaction = try redactingUpstream(configuration) { chain.append(redaction) }
            if let moderation = try moderating(configuration) { chain.append(moderation) }
        } catch {
            await abandon()
            throw error
        }
        services += identity.services
        chain.append(contentsOf: policies)
        var models: ModelRouter?
        var modelPool = previous?.modelPool
        if !configuration.models.isEmpty {
            if modelPool == nil {
                // Model streams are long-lived: their own pool, so they never queue behind tool calls' 64 per origin.
                let pool = HTTP1ConnectionPool(configuration: .init(maxConnectionsPerOrigin: 16_384, maxIdlePerOrigin: 512))
                resources.adopt(pool)
                modelPool = pool
            }
            models = ModelRouter(configuration.models, pool: modelPool!, logger: logger)
        }
        var accessLog = previous?.accessLog
        if previous == nil, let target = configuration.http.accessLog {
            do {
                accessLog = try AccessLog(target: target)
            } catch {
                await abandon()
                throw GatewayStartupError(.invalidConfiguration, "http.access_log: \(target) cannot be written: \(error)", underlying: error)
            }
        }
        return Gateway(
            configuration: configuration, servers: servers, policies: chain, models: models, authenticator: identity.authenticator, services: services,
            routeGroups: routes, resources: resources, accessLog: accessLog, metrics: metrics, logger: logger, audit: audit,
            limitsState: identity.limits.map { ($0.store, $0.settlements) }, modelPool: modelPool, tracing: tracing
        )
    }

    /// The running server a reload keeps for `server`: same endpoint, same section of the file,
    /// and a source that runs (stdio children, remote sessions). OpenAPI servers are imported
    /// again, since their documents may have changed.
    func reusableServer(for server: VirtualServerConfiguration) -> AssembledServer? {
        guard !server.fingerprint.isEmpty, !Self.hasOpenAPI(server.source),
            let index = configuration.servers.firstIndex(where: { $0.fingerprint == server.fingerprint }), index < servers.count
        else { return nil }
        return servers[index]
    }

    static func hasOpenAPI(_ source: VirtualServerConfiguration.Source) -> Bool {
        switch source {
        case .openAPI: return true
        case .stdio, .remote: return false
        case .aggregate(let members): return members.contains { hasOpenAPI($0.source) }
        }
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
