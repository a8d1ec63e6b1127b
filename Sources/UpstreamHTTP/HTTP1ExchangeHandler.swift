import NIOCore
import NIOHTTP1

/// One request and where its answer goes: written into a pooled connection's pipeline. The
/// answer is either collected whole (`promise`) or streamed (`streamPromise`, completed with the
/// head once it arrives; the deadline then no longer applies).
struct HTTP1Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var deadline: NIODeadline
    var maxBytes: Int
    var promise: EventLoopPromise<HTTP1Response>?
    var streamPromise: EventLoopPromise<HTTP1StreamingResponse>?
}

/// The last handler of a pooled connection: sends one exchange at a time, collects its answer
/// (cut at the size limit), enforces the deadline, and hands the connection back for reuse when
/// the answer is complete and both sides keep it alive. Every failure completes the exchange once.
///
/// One timer per connection serves both the exchange deadline and the idle timeout: it is armed
/// for the earliest time anything could expire and, when it fires, acts on what is due then or
/// arms itself again. A call on a warm connection schedules and cancels nothing (deadlines lie
/// seconds ahead, so the armed timer is almost always early enough).
final class HTTP1ExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTP1Exchange
    typealias OutboundOut = HTTPClientRequestPart

    /// Cancels the exchange in flight and closes the connection.
    struct Cancel: Sendable {}
    /// A streamed body's reader wants more: reading from the socket resumes.
    struct ReadMore: Sendable {
        var exchange: UInt64
    }
    /// A streamed body's reader has finished or gone: an answer not yet complete is abandoned
    /// and the connection closed (it cannot carry another request with a body half read).
    struct ReaderGone: Sendable {
        var exchange: UInt64
    }

    /// A streamed answer: the head promise until the head arrives, then the body's source.
    private struct Streaming {
        var id: UInt64
        var promise: EventLoopPromise<HTTP1StreamingResponse>?
        var source: HTTP1ResponseBody.Source?
        var deadline: NIODeadline
        var keepAlive: Bool
        var answerStarted = false
        /// The reader is behind: socket reads wait for `ReadMore`.
        var paused = false
        /// Body bytes of the current socket read, handed to the reader together when the read
        /// completes (an SSE answer's events come as one chunk each; one hand-over per read
        /// lets the reader pass them on in one write).
        var held: ByteBuffer?
    }

    private struct Waiting {
        var promise: EventLoopPromise<HTTP1Response>
        var maxBytes: Int
        var deadline: NIODeadline
        var keepAlive: Bool
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        var answerStarted = false
    }

    private enum State {
        /// Free for an exchange; closed by the timer at `expires`.
        case idle(expires: NIODeadline)
        case waiting(Waiting)
        case streaming(Streaming)
        case closed
    }

    private var state: State
    /// The connection's one timer and when it fires.
    private var timer: (task: Scheduled<Void>, fires: NIODeadline)?
    private let idleTimeout: TimeAmount
    /// Numbers streamed exchanges, so late news from a finished one's reader is ignored.
    private var streamCount: UInt64 = 0
    /// A socket read was asked for while a streamed body's reader was behind.
    private var pendingRead = false
    private let reusable: @Sendable (any Channel) -> Void
    private let closed: @Sendable (any Channel) -> Void

    /// `reusable` gets the connection when an answer is complete and it may carry another request;
    /// `closed` when it has closed.
    init(idleTimeout: TimeAmount, reusable: @escaping @Sendable (any Channel) -> Void, closed: @escaping @Sendable (any Channel) -> Void) {
        self.idleTimeout = idleTimeout
        self.reusable = reusable
        self.closed = closed
        state = .idle(expires: .now() + idleTimeout)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        let refusal: String?
        switch state {
        case .closed: refusal = "the connection was already closed"
        case .waiting, .streaming: refusal = "the connection is busy"
        case .idle: refusal = nil
        }
        let keepAlive = !exchange.head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
        if let answer = exchange.promise, refusal == nil {
            state = .waiting(Waiting(promise: answer, maxBytes: exchange.maxBytes, deadline: exchange.deadline, keepAlive: keepAlive))
        } else if let answer = exchange.streamPromise, refusal == nil {
            streamCount &+= 1
            state = .streaming(Streaming(id: streamCount, promise: answer, deadline: exchange.deadline, keepAlive: keepAlive))
        } else {
            let error = HTTP1PoolError(.sendFailed, refusal ?? "")
            exchange.promise?.fail(error)
            exchange.streamPromise?.fail(error)
            promise?.succeed()
            return
        }
        armTimer(context: context, for: exchange.deadline)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let sent = promise ?? context.eventLoop.makePromise(of: Void.self)
        sent.futureResult.assumeIsolated().whenFailure { [weak self] error in
            self?.fail(context: context, HTTP1PoolError(.sendFailed, "the request could not be sent: \(error)"))
        }
        context.write(wrapOutboundOut(.end(nil)), promise: sent)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .streaming(var streaming) = state {
            streamRead(context: context, &streaming, unwrapInboundIn(data))
            return
        }
        guard case .waiting(var waiting) = state else { return }
        state = .closed  // while `waiting` is changed here, so its body has one owner and grows in place
        waiting.answerStarted = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            waiting.head = head
            waiting.keepAlive = waiting.keepAlive && head.isKeepAlive
            state = .waiting(waiting)
        case .body(var chunk):
            let room = waiting.maxBytes - waiting.body.count
            if chunk.readableBytes > room {
                waiting.body += chunk.readBytes(length: room) ?? []
                state = .waiting(waiting)
                finish(context: context, waiting, truncated: true)
                return
            }
            waiting.body += chunk.readableBytesView
            state = .waiting(waiting)
        case .end:
            state = .waiting(waiting)
            finish(context: context, waiting, truncated: false)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .waiting(let waiting) = state {
            fail(context: context, HTTP1PoolError(.closedBeforeAnswer, "the upstream closed the connection before answering", answerStarted: waiting.answerStarted))
        } else if case .streaming(let streaming) = state {
            fail(context: context, HTTP1PoolError(.closedBeforeAnswer, "the upstream closed the connection before the answer was complete", answerStarted: streaming.answerStarted))
        }
        timer?.task.cancel()
        timer = nil
        state = .closed
        closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let answerStarted: Bool
        switch state {
        case .waiting(let waiting): answerStarted = waiting.answerStarted
        case .streaming(let streaming): answerStarted = streaming.answerStarted
        case .idle, .closed:
            context.close(promise: nil)
            return
        }
        if answerStarted || error is HTTPParserError {
            fail(context: context, HTTP1PoolError(.invalidResponse, "the upstream's answer could not be read: \(error)", answerStarted: true))
        } else {
            fail(context: context, HTTP1PoolError(.closedBeforeAnswer, "the connection failed before any answer: \(error)"))
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Cancel {
            fail(context: context, CancellationError())
            promise?.succeed()
        } else if let more = event as? ReadMore {
            if case .streaming(var streaming) = state, streaming.id == more.exchange, streaming.paused {
                streaming.paused = false
                state = .streaming(streaming)
                if pendingRead {
                    pendingRead = false
                    context.read()
                }
            }
            promise?.succeed()
        } else if let gone = event as? ReaderGone {
            if case .streaming(let streaming) = state, streaming.id == gone.exchange {
                fail(context: context, CancellationError())
            }
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .streaming(var streaming) = state, let held = streaming.held, let source = streaming.source {
            streaming.held = nil
            if source.yield(held) == .stopProducing { streaming.paused = true }
            state = .streaming(streaming)
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if case .streaming(let streaming) = state, streaming.paused {
            pendingRead = true
            return
        }
        context.read()
    }

    /// One part of a streamed answer: the head completes the caller's promise with a body fed by
    /// the parts that follow; the end hands the connection back like a collected answer's.
    private func streamRead(context: ChannelHandlerContext, _ streaming: inout Streaming, _ part: HTTPClientResponsePart) {
        streaming.answerStarted = true
        switch part {
        case .head(let head):
            guard let promise = streaming.promise else { return }
            let (body, source) = HTTP1ResponseBody.make(channel: context.channel, exchange: streaming.id)
            streaming.keepAlive = streaming.keepAlive && head.isKeepAlive
            streaming.promise = nil
            streaming.source = source
            streaming.deadline = .distantFuture
            state = .streaming(streaming)
            promise.succeed(HTTP1StreamingResponse(head: head, body: body))
        case .body(let chunk):
            guard streaming.source != nil else {
                state = .streaming(streaming)
                fail(context: context, HTTP1PoolError(.invalidResponse, "the upstream sent a body without a status line", answerStarted: true))
                return
            }
            if streaming.held == nil {
                streaming.held = chunk
            } else {
                var chunk = chunk
                streaming.held!.writeBuffer(&chunk)
            }
            state = .streaming(streaming)
        case .end:
            if let held = streaming.held {
                streaming.held = nil
                _ = streaming.source?.yield(held)
            }
            // The state changes before the reader hears of the end: finishing the body may tell
            // the reader at once, and its `ReaderGone` must find this exchange over.
            if streaming.keepAlive {
                let expires = NIODeadline.now() + idleTimeout
                state = .idle(expires: expires)
                armTimer(context: context, for: expires)
                reusable(context.channel)
            } else {
                state = .closed
                context.close(promise: nil)
            }
            streaming.source?.finish()
        }
    }

    /// Completes the exchange in `waiting` (still the current state) with its answer.
    private func finish(context: ChannelHandlerContext, _ waiting: Waiting, truncated: Bool) {
        guard let head = waiting.head else {
            fail(context: context, HTTP1PoolError(.invalidResponse, "the upstream sent a body without a status line", answerStarted: true))
            return
        }
        if waiting.keepAlive && !truncated {
            let channel = context.channel
            let expires = NIODeadline.now() + idleTimeout
            state = .idle(expires: expires)
            armTimer(context: context, for: expires)
            reusable(channel)  // back in the pool before the caller resumes, so its next request finds it
        } else {
            state = .closed
            context.close(promise: nil)
        }
        waiting.promise.succeed(HTTP1Response(head: head, body: waiting.body, truncated: truncated))
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        switch state {
        case .waiting(let waiting):
            state = .closed
            waiting.promise.fail(error)
        case .streaming(let streaming):
            state = .closed
            streaming.promise?.fail(error)
            streaming.source?.finish(error)
        case .idle, .closed:
            return
        }
        context.close(promise: nil)
    }

    /// Makes sure the timer fires no later than `deadline` (it may fire earlier: it then re-arms).
    private func armTimer(context: ChannelHandlerContext, for deadline: NIODeadline) {
        if let timer, timer.fires <= deadline { return }
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self, context] () -> Void in
            self?.timerFired(context: context)
        }
        timer = (task, deadline)
    }

    /// Acts on what is due: an exchange past its deadline fails, an idle connection past its
    /// timeout closes; otherwise the timer is armed for the next time something is due.
    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        let now = NIODeadline.now()
        switch state {
        case .waiting(let waiting) where waiting.deadline <= now:
            fail(context: context, HTTP1PoolError(.timedOut, "no answer within the deadline"))
        case .waiting(let waiting):
            armTimer(context: context, for: waiting.deadline)
        case .streaming(let streaming) where streaming.deadline <= now:
            fail(context: context, HTTP1PoolError(.timedOut, "no answer within the deadline"))
        case .streaming(let streaming):
            if streaming.deadline != .distantFuture { armTimer(context: context, for: streaming.deadline) }
        case .idle(let expires) where expires <= now:
            state = .closed
            context.close(promise: nil)
        case .idle(let expires):
            armTimer(context: context, for: expires)
        case .closed:
            break
        }
    }
}
