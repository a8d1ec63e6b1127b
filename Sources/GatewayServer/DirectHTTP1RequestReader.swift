import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// The last handler of a direct connection: turns request parts into whole `Request`s (the body
/// collected, bytes past `keepBodyBytes` dropped) and hands them to the connection's task. The
/// stream ends when the connection or its input closes.
final class DirectHTTP1RequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let keepBodyBytes: Int
    private let requests: DirectHTTP1Requests
    private var head: HTTPRequest?
    private var body = ByteBuffer()

    init(keepBodyBytes: Int, requests: DirectHTTP1Requests) {
        self.keepBodyBytes = keepBodyBytes
        self.requests = requests
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ByteBuffer()
        case .body(var chunk):
            let room = keepBodyBytes - body.readableBytes
            guard room > 0 else { return }
            if chunk.readableBytes > room { chunk = chunk.getSlice(at: chunk.readerIndex, length: room) ?? chunk }
            if body.readableBytes == 0 {
                body = chunk
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            requests.push(Request(head: head, body: RequestBody(buffer: body)))
            body = ByteBuffer()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { requests.finish() }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request that cannot be parsed was already answered 400 by NIO's protocol error handler;
    /// any error ends the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        requests.finish()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        requests.finish()
        context.fireChannelInactive()
    }
}
