import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A raw HTTP/1.1 server on 127.0.0.1 whose every answer is scripted as bytes, for the failures a
/// well-behaved server never shows: a kept-alive connection closed instead of answered, an answer
/// that never comes, a chunked body. It counts connections and reports each one's close.
final class ScriptedUpstream: Sendable {
    /// What the server does with one request.
    enum Action: Sendable {
        /// Writes these bytes (a whole HTTP answer) and keeps the connection open.
        case answer(String)
        /// Writes these bytes, then closes the connection.
        case answerAndClose(String)
        /// Closes the connection without answering.
        case close
        /// Never answers.
        case hang
        /// Writes these bytes when the test calls `releaseHeld()`.
        case hold(String)
        /// Writes the first bytes at once and the rest when the test calls `releaseHeld()` (a
        /// slow streamed answer).
        case partial(String, rest: String)
    }

    /// One request as received: which connection (from 0) and its position on that connection (from 0).
    struct Arrival: Sendable {
        var connection: Int
        var indexOnConnection: Int
        var head: HTTPRequestHead
        var body: [UInt8]
    }

    private let script: @Sendable (Arrival) -> Action
    private let state = Mutex<(connections: Int, arrivals: [Arrival])>((0, []))
    private let held = Mutex<[@Sendable () -> Void]>([])
    private let closedContinuation: AsyncStream<Int>.Continuation
    /// The index of each connection as the client closes it (or the server does).
    let closed: AsyncStream<Int>
    private let arrivedContinuation: AsyncStream<Arrival>.Continuation
    /// Each request as it arrives (reported once the script's action is under way).
    let arrived: AsyncStream<Arrival>
    private let channel: any Channel

    var port: Int { channel.localAddress!.port! }
    var connections: Int { state.withLock { $0.connections } }
    var arrivals: [Arrival] { state.withLock { $0.arrivals } }

    init(_ script: @escaping @Sendable (Arrival) -> Action) async throws {
        self.script = script
        (closed, closedContinuation) = AsyncStream.makeStream(of: Int.self)
        (arrived, arrivedContinuation) = AsyncStream.makeStream(of: Arrival.self)
        let box = Box()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    guard let server = box.server else { throw ChannelError.ioOnClosedChannel }
                    let index = server.state.withLock { state -> Int in
                        defer { state.connections += 1 }
                        return state.connections
                    }
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try child.pipeline.syncOperations.addHandler(Connection(server: server, index: index))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        box.server = self
    }

    func stop() async throws {
        try await channel.close()
        closedContinuation.finish()
        arrivedContinuation.finish()
    }

    /// Sends every held answer.
    func releaseHeld() {
        let answers = held.withLock { held in
            defer { held.removeAll() }
            return held
        }
        for answer in answers { answer() }
    }

    /// Waits until `count` connections have closed.
    func waitForClosedConnections(_ count: Int) async {
        var seen = 0
        for await _ in closed {
            seen += 1
            if seen == count { return }
        }
    }

    private final class Box: @unchecked Sendable {
        var server: ScriptedUpstream?
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = ByteBuffer

        let server: ScriptedUpstream
        let index: Int
        var handled = 0
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: ScriptedUpstream, index: Int) {
            self.server = server
            self.index = index
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(let chunk):
                body += chunk.readableBytesView
            case .end:
                guard let head else { return }
                let arrival = Arrival(connection: index, indexOnConnection: handled, head: head, body: body)
                handled += 1
                server.state.withLock { $0.arrivals.append(arrival) }
                defer { server.arrivedContinuation.yield(arrival) }  // after a held answer is registered
                switch server.script(arrival) {
                case .answer(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .answerAndClose(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                case .close:
                    context.close(promise: nil)
                case .hang:
                    break
                case .partial(let first, let rest):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: first)), promise: nil)
                    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    let loop = context.eventLoop
                    server.held.withLock {
                        $0.append { loop.execute { bound.value.writeAndFlush(NIOAny(ByteBuffer(string: rest)), promise: nil) } }
                    }
                case .hold(let text):
                    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                    let loop = context.eventLoop
                    server.held.withLock {
                        $0.append { loop.execute { bound.value.writeAndFlush(NIOAny(ByteBuffer(string: text)), promise: nil) } }
                    }
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.closedContinuation.yield(index)
            context.fireChannelInactive()
        }
    }

    /// A complete `200 OK` answer with a JSON body and a Content-Length.
    static func ok(_ json: String, extraHeaders: String = "") -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\(extraHeaders)\r\n\(json)"
    }
}
