import AsyncHTTPClient
import GatewayCore
import GatewayServer
import Logging
import RESTUpstream
import ServiceLifecycle
import Synchronization
import UpstreamHTTP

/// Everything the gateway started that must be stopped once: the shared HTTP client, the
/// providers' stdio children and remote sessions, the pool's idle connections, and the
/// `TaskOwner` whose jobs (children's output readers, link streams, sessions' endings) outlive
/// the calls that start them.
///
/// As a `Service` it runs the owner's jobs, waits for the group's graceful shutdown (or its
/// cancellation, when another service failed, e.g. a listener that could not bind), then stops
/// the rest and lets the jobs end, so no exit path leaves a client or a task running
/// (AsyncHTTPClient traps in debug builds when one is dropped unclosed).
final class GatewayResources: Service, Sendable {
    private struct State {
        var servers: [AssembledServer] = []
        var pools: [HTTP1ConnectionPool] = []
        var shutDown = false
    }

    /// The shared client (documents by URL, OAuth tokens), kept across reloads.
    let client: HTTPClient
    /// Runs the work that outlives the calls that start it; finished last, by `shutdown()`.
    let owner: TaskOwner
    private let logger: Logger
    private let state = Mutex(State())

    init(client: HTTPClient, logger: Logger) {
        self.client = client
        owner = TaskOwner(logger: logger)
        self.logger = logger
    }

    /// Takes charge of a built server's shutdown.
    func adopt(_ server: AssembledServer) {
        state.withLock { $0.servers.append(server) }
    }

    /// Stops a server this gateway no longer serves (a reload replaced or removed it) and forgets it.
    func release(_ server: AssembledServer) async {
        let known = state.withLock { state -> Bool in
            guard let index = state.servers.firstIndex(where: { $0.id == server.id }) else { return false }
            state.servers.remove(at: index)
            return !state.shutDown
        }
        if known { await server.shutdown() }
    }

    /// Takes charge of closing a pool's idle connections.
    func adopt(_ pool: HTTP1ConnectionPool) {
        state.withLock { $0.pools.append(pool) }
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.owner.run() }
            try? await gracefulShutdown()
            await shutdown()
        }
    }

    /// Stops every adopted server, then the client, then takes no more jobs (the running ones
    /// end as their children and links are gone); only the first call does anything.
    func shutdown() async {
        let owned: ([AssembledServer], [HTTP1ConnectionPool])? = state.withLock { state in
            guard !state.shutDown else { return nil }
            state.shutDown = true
            return (state.servers, state.pools)
        }
        guard let (servers, pools) = owned else { return }
        for pool in pools { pool.closeIdleConnections() }
        for server in servers { await server.shutdown() }
        do {
            try await client.shutdown()
        } catch {
            logger.debug("HTTP client shutdown", metadata: ["error": "\(error)"])
        }
        HTTP1ConnectionPool.shared.closeIdleConnections()
        owner.finish()
    }
}
