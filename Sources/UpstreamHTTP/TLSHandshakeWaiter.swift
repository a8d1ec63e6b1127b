import NIOCore
import NIOTLS

/// Completes `done` when the TLS handshake of a new connection has finished, or fails it with
/// the reason (an untrusted certificate, a name that does not match), so the pool reports a
/// handshake failure as such instead of as a connection that closed under a request.
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private var finished = false

    init(done: EventLoopPromise<Void>) {
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, !finished {
            finished = true
            done.succeed()
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished {
            finished = true
            done.fail(HTTP1PoolError(.connectFailed, "TLS error: \(error)"))
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            done.fail(HTTP1PoolError(.connectFailed, "TLS error: the upstream closed the connection during the handshake"))
        }
        context.fireChannelInactive()
    }
}
