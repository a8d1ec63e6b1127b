import NIOCore
import NIOHTTP1

/// Closes a connection whose client is too slow: a head that is not complete within
/// `headTimeout` of the connection going idle (or of its first byte), a body that stops for
/// `bodyTimeout`, or a kept-alive connection idle for `idleTimeout`. A late head or body gets
/// `408 Request Timeout` first; an idle connection is just closed. While the gateway is answering
/// (a stream may run for minutes) no timer runs.
///
/// Two handlers share this state: `ByteWatch` at the front of the pipeline notes that bytes of a
/// new request arrived (NIO's decoder shows nothing until a head is whole), and this one, behind
/// the decoder, sees request parts going in and response ends going out.
final class SlowClientGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum Phase {
        /// No request in progress; `started`: bytes of the next one have arrived.
        case waiting(started: Bool)
        /// A head arrived; its body has not ended.
        case body
        /// Requests read whole and not yet answered.
        case answering(Int)
    }

    private let limits: ConnectionLimits
    private var phase = Phase.waiting(started: false)
    /// When the current phase's time runs out (nil while answering). One timer serves every
    /// deadline: it is scheduled only when none is pending, and when it fires early (the deadline
    /// moved on) it is scheduled again, so a request costs no timer operations of its own.
    private var deadline: NIODeadline?
    private var timer: (task: Scheduled<Void>, due: NIODeadline)?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, after: limits.idleTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, after: limits.idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.task.cancel()
        timer = nil
        deadline = nil
        context.fireChannelInactive()
    }

    /// Bytes of a request arrived while none was in progress: its head now has `headTimeout`.
    func requestStarted(context: ChannelHandlerContext) {
        guard case .waiting(started: false) = phase else { return }
        phase = .waiting(started: true)
        arm(context, after: limits.headTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            if case .answering(let count) = phase {
                // A pipelined request: its body's time counts, the earlier answers are still owed.
                phase = .answering(count)
            } else {
                phase = .body
                arm(context, after: limits.bodyTimeout)
            }
        case .body:
            if case .body = phase { arm(context, after: limits.bodyTimeout) }
        case .end:
            switch phase {
            case .body, .waiting: phase = .answering(1)
            case .answering(let count): phase = .answering(count + 1)
            }
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), case .answering(let count) = phase {
            if count <= 1 {
                phase = .waiting(started: false)
                arm(context, after: limits.idleTimeout)
            } else {
                phase = .answering(count - 1)
            }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, after duration: Duration) {
        let due = NIODeadline.now() + TimeAmount(duration)
        deadline = due
        // A pending timer that fires later than the new deadline is brought forward.
        if let pending = timer {
            guard pending.due > due else { return }
            pending.task.cancel()
        }
        schedule(context, at: due)
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let task = context.eventLoop.scheduleTask(deadline: due) {
            let (handler, context) = loopBound.value
            handler.fired(context)
        }
        timer = (task, due)
    }

    private func fired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let deadline else { return }
        if NIODeadline.now() < deadline {
            schedule(context, at: deadline)
        } else {
            expired(context)
        }
    }

    private func expired(_ context: ChannelHandlerContext) {
        deadline = nil
        switch phase {
        case .waiting(started: false):
            context.close(promise: nil)
        case .waiting(started: true), .body:
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Connection", "close")])
            let body = #"{"error":{"code":"timeout","message":"the request did not arrive in time"}}"#
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        case .answering:
            break
        }
    }

    /// The front of the pipeline: tells the guard when bytes of a new request arrive.
    final class ByteWatch: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        private let guardHandler: SlowClientGuard
        private var guardContext: ChannelHandlerContext?

        init(_ guardHandler: SlowClientGuard) {
            self.guardHandler = guardHandler
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if guardContext == nil { guardContext = try? context.pipeline.syncOperations.context(handler: guardHandler) }
            if let guardContext { guardHandler.requestStarted(context: guardContext) }
            context.fireChannelRead(data)
        }
    }
}
