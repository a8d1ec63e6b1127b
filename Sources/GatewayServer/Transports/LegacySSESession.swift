import GatewayCore
import Logging
import MCPCore

/// One legacy HTTP+SSE (2024-11-05) session: messages POSTed to the messages endpoint go into
/// `inbox`; every answer and notification leaves through `outbox` onto the session's GET stream.
final class LegacySSESession: Sendable {
    let id: String
    let engine: MCPServerSession
    let inbox: AsyncStream<(bytes: [UInt8], context: MCPReceiveContext)>
    let inboxContinuation: AsyncStream<(bytes: [UInt8], context: MCPReceiveContext)>.Continuation
    let outbox: AsyncStream<JSONValue>
    let outboxContinuation: AsyncStream<JSONValue>.Continuation
    /// Runs the engine's ending, which `close()` (synchronous) cannot await.
    private let owner: TaskOwner

    init(id: String, configuration: MCPServerSession.Configuration, handler: any MCPServerHandler, owner: TaskOwner, logger: Logger) {
        self.id = id
        self.owner = owner
        (inbox, inboxContinuation) = AsyncStream.makeStream(of: (bytes: [UInt8], context: MCPReceiveContext).self)
        let (outbox, outboxContinuation) = AsyncStream.makeStream(of: JSONValue.self)
        self.outbox = outbox
        self.outboxContinuation = outboxContinuation
        engine = MCPServerSession(configuration: configuration, handler: handler, logger: logger) { message in
            outboxContinuation.yield(message.jsonValue)
        }
    }

    /// Handles inbox messages until the stream ends: state changes in order, calls concurrently.
    func serve() async {
        await withTaskGroup(of: Void.self) { calls in
            for await (bytes, context) in inbox {
                switch await engine.dispatch(bytes, context: context) {
                case .done(let reply):
                    if let reply { outboxContinuation.yield(reply.jsonValue) }
                case .run(let work):
                    calls.addTask { if let reply = await work() { self.outboxContinuation.yield(reply.jsonValue) } }
                }
            }
        }
    }

    /// Ends the session's streams.
    func close() {
        inboxContinuation.finish()
        outboxContinuation.finish()
        let engine = self.engine
        owner.start { await engine.end() }
    }
}
