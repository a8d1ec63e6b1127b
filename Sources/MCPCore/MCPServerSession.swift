import Logging
import Synchronization

/// One MCP server session (one stdio connection, one HTTP session): lifecycle, version
/// negotiation, routing, cancellation, progress and pagination. It performs no I/O itself: the
/// transport feeds it received texts and sends what it returns; `send` carries the notifications
/// a request emits while it runs (progress).
///
/// Call `receive` concurrently: a slow `tools/call` never holds up a `ping`. A `tools/call` runs
/// in the caller's task and `notifications/cancelled` cancels that task, so give each request a
/// task of its own unless ending the task's other work with it is acceptable.
public final class MCPServerSession: Sendable {
    /// Static facts a session announces.
    public struct Configuration: Sendable {
        public var serverInfo: MCPImplementation
        public var instructions: String?
        /// Tools per `tools/list` page.
        public var toolsPageSize: Int
        /// Whether the tool, resource and prompt lists can change while a session is open
        /// (announced as `listChanged` on each).
        public var listsChange: Bool

        public init(serverInfo: MCPImplementation, instructions: String? = nil, toolsPageSize: Int = 200, listsChange: Bool = false) {
            self.listsChange = listsChange
            self.serverInfo = serverInfo
            self.instructions = instructions
            self.toolsPageSize = max(1, toolsPageSize)
        }
    }

    let configuration: Configuration
    let handler: any MCPServerHandler
    let send: @Sendable (JSONRPCMessage) async -> Void
    let codec = JSONRPCCodec()
    let logger: Logger
    let lifecycle = Mutex(MCPLifecycle())
    let logLevel = Mutex(MCPLogLevel.info)
    let inFlight = Mutex<[JSONRPCID: CancelScope]>([:])

    public init(
        configuration: Configuration, handler: any MCPServerHandler, logger: Logger,
        send: @escaping @Sendable (JSONRPCMessage) async -> Void
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.send = send
    }

    /// Ends the session: the handler releases what it holds for it (a per-session child).
    public func end() async {
        await handler.sessionEnded()
    }

    /// The negotiated revision, once `initialize` has been answered.
    public var protocolVersion: MCPProtocolVersion? { lifecycle.withLock { $0.version } }

    /// The log level the client last set with `logging/setLevel`.
    public var clientLogLevel: MCPLogLevel { logLevel.withLock { $0 } }

    /// Handles one received JSON text and returns what to answer (nil: nothing, e.g. a notification).
    public func receive(_ bytes: some Collection<UInt8>, context: MCPReceiveContext = .none) async -> MCPReply? {
        switch await dispatch(bytes, context: context) {
        case .done(let reply): return reply
        case .run(let work): return await work()
        }
    }

    /// Decodes one received text and either handles it at once — `initialize`, notifications and
    /// responses, whose effects later messages depend on — or returns the work to run concurrently.
    ///
    /// A transport that reads messages in order awaits `dispatch` before reading the next one and
    /// runs `.run` work in a child task: state changes keep their order, slow calls overlap.
    public func dispatch(_ bytes: some Collection<UInt8>, context: MCPReceiveContext = .none) async -> MCPDispatch {
        await dispatch(incoming: codec.decode(bytes), context: context)
    }

    /// `receive` for a text the transport already parsed (to route it): parsed once, not twice.
    public func receive(parsed value: JSONValue, context: MCPReceiveContext = .none) async -> MCPReply? {
        switch await dispatch(incoming: codec.decode(value), context: context) {
        case .done(let reply): return reply
        case .run(let work): return await work()
        }
    }

    private func dispatch(incoming: JSONRPCIncoming, context: MCPReceiveContext) async -> MCPDispatch {
        switch incoming {
        case .single(.success(let message)):
            switch message {
            case .request(_, let method, _) where method != "initialize":
                return .run { await self.handle(message, context: context).map(MCPReply.message) }
            default:
                return .done(await handle(message, context: context).map(MCPReply.message))
            }
        case .single(.failure(let failure)):
            return .done(.message(failure.response))
        case .batch(let entries):
            return .run { await self.handleBatch(entries, context: context) }
        }
    }

    /// Handles one decoded message.
    public func handle(_ message: JSONRPCMessage, context: MCPReceiveContext = .none) async -> JSONRPCMessage? {
        switch message {
        case .request(let id, let method, let params):
            return await handleRequest(id: id, method: method, params: params, context: context)
        case .notification(let method, let params):
            await handleNotification(method: method, params: params)
            return nil
        case .result, .error:
            // Answers to server-initiated requests: this engine sends none yet, so they are dropped.
            return nil
        }
    }

    private func handle(_ decoded: Result<JSONRPCMessage, JSONRPCDecodeFailure>, context: MCPReceiveContext) async -> JSONRPCMessage? {
        switch decoded {
        case .success(let message): return await handle(message, context: context)
        case .failure(let failure): return failure.response
        }
    }

    private func handleBatch(_ entries: [Result<JSONRPCMessage, JSONRPCDecodeFailure>], context: MCPReceiveContext) async -> MCPReply? {
        guard let version = protocolVersion, version.acceptsBatches else {
            return .message(.error(id: nil, error: .invalidRequest("Invalid Request: JSON-RPC batches are only accepted in protocol revision 2025-03-26")))
        }
        guard !entries.isEmpty else {
            return .message(.error(id: nil, error: .invalidRequest("Invalid Request: empty batch")))
        }
        let replies = await withTaskGroup(of: (Int, JSONRPCMessage?).self) { group in
            for (position, entry) in entries.enumerated() {
                group.addTask {
                    if case .success(.request(let id, "initialize", _)) = entry {
                        return (position, .error(id: id, error: .invalidRequest("Invalid Request: initialize must not be part of a batch")))
                    }
                    // Not the sender's scope: each entry is cancelled on its own.
                    return (position, await CancelScope.$current.withValue(nil) { await self.handle(entry, context: context) })
                }
            }
            var collected: [(Int, JSONRPCMessage)] = []
            for await (position, reply) in group {
                if let reply { collected.append((position, reply)) }
            }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return replies.isEmpty ? nil : .batch(replies)
    }
}

/// How a transport should proceed with one received text (see `MCPServerSession.dispatch`).
public enum MCPDispatch: Sendable {
    /// Handled; send the reply, if any.
    case done(MCPReply?)
    /// Run this concurrently and send its reply, if any.
    case run(@Sendable () async -> MCPReply?)
}

/// What a session answers to one received text.
public enum MCPReply: Sendable, Hashable {
    case message(JSONRPCMessage)
    case batch([JSONRPCMessage])

    public var jsonValue: JSONValue {
        switch self {
        case .message(let message): return message.jsonValue
        case .batch(let messages): return .array(messages.map(\.jsonValue))
        }
    }
}
