import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayServer
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A gateway that serves and can be reloaded: the listener's responder, the policy chain and
/// the MCP endpoints outlive any one configuration. `reload()` builds the next `Gateway` from
/// the configuration again (carrying over the audit store, the limits' counters, the metrics,
/// running stdio and remote servers) and swaps it in for new requests and calls; calls, sessions
/// and streams in flight finish on what they started with. A configuration that does not load or
/// build is refused with the error `toolgate check` gives, and the running one keeps serving.
final class LiveGateway: Sendable {
    /// The configuration serving new requests, with each MCP endpoint's credential check under
    /// it (nil: callers need not authenticate), made once per build so that a request does not
    /// copy the `Gateway`; swapped together.
    private let state: Mutex<(gateway: Gateway, checks: [String: Check?])>
    private let started = Mutex<Set<String>>([])
    let endpoints = EndpointTable()
    let chain: LiveChain
    /// The gateway's services: the policies', the endpoints' housekeeping, the health prober.
    let services = ServiceHost()
    let responder: SwappableResponder
    let reloadConfiguration: (@Sendable () throws -> GatewayConfiguration)?

    init(_ gateway: Gateway, reload: (@Sendable () throws -> GatewayConfiguration)?) {
        state = Mutex((gateway, Self.checks(of: gateway)))
        chain = LiveChain(gateway.policies)
        reloadConfiguration = reload
        responder = SwappableResponder(GatewayRouter().buildResponder(), streamingPaths: ModelRoutes.streamingPaths)
    }

    /// The configuration serving new requests.
    var current: Gateway { state.withLock { $0.gateway } }

    /// Builds the first route table, starts its services; returns the router for the listener.
    func start() -> GatewayRouter {
        let gateway = current
        let (router, keyed) = routes(of: gateway)
        responder.replace(with: router.buildResponder())
        startServices(keyed)
        gateway.metrics?.setSampler("runtime") { [endpoints] samples in RuntimeSamples.report(self.current, endpoints: endpoints, to: samples) }
        return router
    }

    /// SIGHUP → `reload()`, until graceful shutdown.
    var reloader: some Service { ReloadOnSignal(live: self) }

    /// The route table of `gateway` over the kept endpoints: sessions run the live chain, and
    /// (when reloads can change who may call) each request takes the current configuration's check.
    private func routes(of gateway: Gateway) -> (GatewayRouter, [Gateway.KeyedService]) {
        gateway.routes(endpoints: endpoints, chain: reloadConfiguration == nil ? gateway.policies : chain.policy, reloadable: reloadConfiguration != nil) { path in
            guard self.reloadConfiguration != nil else { return Gateway.fixed(gateway.httpAuthentication(path: path)) }
            return { self.check(for: path) }
        }
    }

    typealias Check = StreamableHTTPTransport.CredentialCheck

    /// The current check of `path`; a path the last build did not list asks the configuration.
    private func check(for path: String) -> Check? {
        if let made = state.withLock({ $0.checks[path] }) { return made }
        return current.httpAuthentication(path: path)
    }

    private static func checks(of gateway: Gateway) -> [String: Check?] {
        var checks: [String: Check?] = [:]
        for path in gateway.servers.map(\.endpoint.path) {
            checks[path] = .some(gateway.httpAuthentication(path: path))
        }
        return checks
    }

    private func startServices(_ keyed: [Gateway.KeyedService]) {
        let fresh = started.withLock { started in
            keyed.filter { $0.key == "prober" || started.insert($0.key).inserted }
        }
        for service in fresh { services.start(service.service, key: service.key) }
    }

    /// Reads and builds the configuration again and swaps it in; refused (and logged) when it
    /// does not load or build. Returns whether the new configuration serves.
    @discardableResult
    func reload() async -> Bool {
        guard let reloadConfiguration else { return false }
        let previous = current
        let logger = previous.logger
        let configuration: GatewayConfiguration
        let next: Gateway
        do {
            configuration = try reloadConfiguration()
            next = try await Gateway.build(configuration, routes: previous.routeGroups, logger: logger, previous: previous)
        } catch {
            logger.error("reload refused, the running configuration keeps serving: \(error)")
            return false
        }
        for change in Self.restartOnlyChanges(from: previous.configuration, to: configuration) {
            logger.warning("this change takes effect after a restart", metadata: ["field": "\(change)"])
        }
        // Endpoints whose server was rebuilt get it (their sessions are told the lists changed);
        // the replaced and the removed servers stop once their calls have ended.
        for server in next.servers {
            guard let slot = endpoints.existing(server.endpoint.path) else { continue }
            let old = slot.server
            guard old.id != server.id else { continue }
            let sameTools = await Self.sameTools(old, server)
            slot.update(server)
            let replaced = await slot.provider.replace(with: server.provider, notify: !sameTools)
            retire(old, after: replaced, resources: previous)
        }
        let served = Set(next.servers.map(\.endpoint.path))
        for path in endpoints.paths where !served.contains(path) {
            guard let slot = endpoints.remove(path) else { continue }
            retire(slot.server, after: slot.provider.generation, resources: previous)
            let prefix = "endpoint:\(path):"
            let gone = started.withLock { started in
                let gone = started.filter { $0.hasPrefix(prefix) }
                started.subtract(gone)
                return gone
            }
            for key in gone { services.stop(key: key) }
        }
        let (router, keyed) = routes(of: next)
        chain.replace(with: next.policies)
        let checks = Self.checks(of: next)
        state.withLock { $0 = (next, checks) }
        responder.replace(with: router.buildResponder())
        if !keyed.contains(where: { $0.key == "prober" }) { services.stop(key: "prober") }
        startServices(keyed)
        logger.notice(
            "configuration reloaded",
            metadata: ["servers": "\(next.servers.map(\.name))", "models": "\((next.models?.groups ?? []).map(\.name))"]
        )
        return true
    }

    /// Shuts `server` down once the calls on `generation` (its provider before the reload) have ended.
    private func retire(_ server: AssembledServer, after generation: ReloadableToolProvider.Generation?, resources gateway: Gateway) {
        gateway.resources.owner.start {
            await generation?.drained()
            await gateway.resources.release(server)
        }
    }

    /// Whether two builds of a server list the same tools (an imported document that did not
    /// change): then its sessions need no `list_changed`.
    static func sameTools(_ old: AssembledServer, _ new: AssembledServer) async -> Bool {
        guard old.toolCount != nil, new.toolCount != nil else { return false }
        do throws(GatewayError) {
            return try await old.provider.tools() == new.provider.tools()
        } catch {
            return false
        }
    }

    /// What a reload cannot change while the listener runs.
    static func restartOnlyChanges(from old: GatewayConfiguration, to new: GatewayConfiguration) -> [String] {
        var changes: [String] = []
        if old.host != new.host || old.port != new.port { changes.append("listen") }
        if old.metricsEnabled != new.metricsEnabled { changes.append("metrics.enabled") }
        if old.metricsListen?.host != new.metricsListen?.host || old.metricsListen?.port != new.metricsListen?.port { changes.append("metrics.listen") }
        if old.tracing != new.tracing { changes.append("tracing") }
        if old.policies.store != new.policies.store || old.policies.auditsCalls != new.policies.auditsCalls { changes.append("store") }
        if old.http.accessLog != new.http.accessLog { changes.append("http.access_log") }
        if old.tls?.certificate != new.tls?.certificate || old.tls?.key != new.tls?.key { changes.append("tls") }
        if old.http.maxBodyBytes != new.http.maxBodyBytes || old.http.maxSessions != new.http.maxSessions || old.http.replies != new.http.replies
            || old.http.headerTimeout != new.http.headerTimeout || old.http.bodyTimeout != new.http.bodyTimeout
            || old.http.keepAliveTimeout != new.http.keepAliveTimeout || old.http.maxConnections != new.http.maxConnections
        {
            changes.append("http")
        }
        return changes
    }
}

/// Reloads the configuration on SIGHUP until graceful shutdown.
struct ReloadOnSignal: Service {
    let live: LiveGateway

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals { await live.reload() }
        }
    }
}
