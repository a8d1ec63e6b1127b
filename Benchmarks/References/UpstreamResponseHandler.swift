import NIOCore
import NIOHTTP1

/// The upstream side of a link: collects an answer and hands it to the request waiting for it;
/// a connection that closes with a request waiting fails it.
final class UpstreamResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A whole answer, or none (the connection failed or closed first).
    enum Answer {
        case response(HTTPResponseHead, ByteBuffer?)
        case failed
    }

    var pending: ((Answer) -> Void)?
    private var response = MessageCollector<HTTPResponseHead>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let (head, body) = response.receive(unwrapInboundIn(data)), let pending else { return }
        self.pending = nil
        pending(.response(head, body))
    }

    func channelInactive(context: ChannelHandlerContext) {
        let pending = self.pending
        self.pending = nil
        pending?(.failed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
