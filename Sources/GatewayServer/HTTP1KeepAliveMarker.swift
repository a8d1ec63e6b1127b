import NIOCore
import NIOHTTP1

/// Marks a request whose connection must close after its answer — HTTP/1.0 without
/// `Connection: keep-alive`, or any `Connection: close` — with `Connection: close`, which the
/// direct connection's loop honours (HTTPTypes requests carry no HTTP version to decide it later).
final class HTTP1KeepAliveMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
