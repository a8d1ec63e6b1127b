import GatewayCore
import Logging
import MCPCore
import Synchronization

/// One streamable-HTTP session: the MCP engine plus its SSE streams, where request-scoped
/// notifications (progress) go to the stream of the POST that caused them.
final class HTTPSession: Sendable {
    let id: String
    let engine: MCPServerSession
    let streams = SessionStreams()
    /// Runs the engine's ending, which `close()` (synchronous) cannot await.
    private let owner: TaskOwner
    private let lastUsed = Mutex(ContinuousClock.now)

    init(id: String, configuration: MCPServerSession.Configuration, handler: any MCPServerHandler, owner: TaskOwner, logger: Logger) {
        self.id = id
        self.owner = owner
        let streams = self.streams
        engine = MCPServerSession(configuration: configuration, handler: handler, logger: logger) { message in
            // Progress goes to the stream of the request that owns the token; the session's own
            // notifications (tools/list_changed) to the standalone GET stream.
            if let token = message.jsonValue["params"]?["progressToken"] {
                streams.yield(message, toToken: token)
            } else {
                streams.notify(message)
            }
        }
    }

    /// A one-request session of the stateless revision: never stored, no `Mcp-Session-Id`.
    var isStateless: Bool { id.isEmpty }

    func touch() { lastUsed.withLock { $0 = .now } }

    func idle(since now: ContinuousClock.Instant) -> Duration { now - lastUsed.withLock { $0 } }

    /// Ends the session's streams.
    func close() {
        streams.close()
        let engine = self.engine
        owner.start { await engine.end() }
    }
}
