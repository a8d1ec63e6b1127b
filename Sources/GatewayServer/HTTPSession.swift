import Logging
import MCPCore
import Synchronization

/// One streamable-HTTP session: the MCP engine plus the routing of request-scoped notifications
/// (progress) to the stream of the POST that caused them.
final class HTTPSession: Sendable {
    let id: String
    let engine: MCPServerSession
    private let streams = ProgressStreams()
    private let lastUsed = Mutex(ContinuousClock.now)

    init(id: String, configuration: MCPServerSession.Configuration, handler: any MCPServerHandler, logger: Logger) {
        self.id = id
        let streams = self.streams
        engine = MCPServerSession(configuration: configuration, handler: handler, logger: logger) { message in
            // Progress goes to the stream of the request that owns the token; nothing else is sent unasked.
            guard let token = message.jsonValue["params"]?["progressToken"] else { return }
            streams.yield(message, to: token)
        }
    }

    /// Opens the stream that receives the notifications of the request with this progress token.
    func openStream(for token: JSONValue) -> AsyncStream<JSONRPCMessage> {
        streams.open(token)
    }

    /// Closes a request's stream.
    func closeStream(for token: JSONValue) {
        streams.close(token)
    }

    /// A one-request session of the stateless revision: never stored, no `Mcp-Session-Id`.
    var isStateless: Bool { id.isEmpty }

    func touch() { lastUsed.withLock { $0 = .now } }

    func idle(since now: ContinuousClock.Instant) -> Duration { now - lastUsed.withLock { $0 } }
}

/// Open per-request notification streams by progress token.
final class ProgressStreams: Sendable {
    private let streams = Mutex<[JSONValue: AsyncStream<JSONRPCMessage>.Continuation]>([:])

    func open(_ token: JSONValue) -> AsyncStream<JSONRPCMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: JSONRPCMessage.self)
        streams.withLock { $0[token] = continuation }
        return stream
    }

    func yield(_ message: JSONRPCMessage, to token: JSONValue) {
        _ = streams.withLock { $0[token] }?.yield(message)
    }

    func close(_ token: JSONValue) {
        streams.withLock { $0.removeValue(forKey: token) }?.finish()
    }
}
