import NIOCore
import NIOHTTP1

/// One request and where its answer goes: written into a pooled connection's pipeline.
struct HTTP1Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var deadline: NIODeadline
    var maxBytes: Int
    var promise: EventLoopPromise<HTTP1Response>?
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
        case closed
    }

    private var state: State
    /// The connection's one timer and when it fires.
    private var timer: (task: Scheduled<Void>, fires: NIODeadline)?
    private let idleTimeout: TimeAmount
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
        case .waiting: refusal = "the connection is busy"
        case .idle: refusal = nil
        }
        guard let answer = exchange.promise, refusal == nil else {
            exchange.promise?.fail(HTTP1PoolError(.sendFailed, refusal ?? ""))
            promise?.succeed()
            return
        }
        let keepAlive = !exchange.head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
        state = .waiting(Waiting(promise: answer, maxBytes: exchange.maxBytes, deadline: exchange.deadline, keepAlive: keepAlive))
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
        }
        timer?.task.cancel()
        timer = nil
        state = .closed
        closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard case .waiting(let waiting) = state else {
            context.close(promise: nil)
            return
        }
        if waiting.answerStarted || error is HTTPParserError {
            fail(context: context, HTTP1PoolError(.invalidResponse, "the upstream's answer could not be read: \(error)", answerStarted: true))
        } else {
            fail(context: context, HTTP1PoolError(.closedBeforeAnswer, "the connection failed before any answer: \(error)"))
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Cancel {
            fail(context: context, CancellationError())
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
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
        guard case .waiting(let waiting) = state else { return }
        state = .closed
        waiting.promise.fail(error)
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
