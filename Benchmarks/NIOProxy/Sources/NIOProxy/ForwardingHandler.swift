import NIOCore
import NIOHTTP1
import NIOPosix

/// One client connection: each request goes to the connection's own keep-alive upstream
/// connection (opened on the same event loop at the first request, again after the upstream
/// closed it), and the upstream's answer comes back with its status, content type and body.
/// NIO's pipelining handler keeps one request in flight per client connection.
final class ForwardingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let upstreamPort: Int
    private var upstream: (any Channel)?
    private var request = MessageCollector<HTTPRequestHead>()

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let (head, body) = request.receive(unwrapInboundIn(data)) {
            forward(head, body: body, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream?.close(promise: nil)
        upstream = nil
        context.fireChannelInactive()
    }

    private func forward(_ clientHead: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: clientHead.method, uri: clientHead.uri)
        for (name, value) in clientHead.headers where !Self.hopByHop.contains(name.lowercased()) && name.lowercased() != "host" {
            head.headers.add(name: name, value: value)
        }
        head.headers.add(name: "Host", value: "127.0.0.1:\(upstreamPort)")
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        let answer: (UpstreamResponseHandler.Answer) -> Void = { [self] answer in
            self.answer(answer, context: context.value)
        }
        if let upstream, upstream.isActive {
            send(head, body: body, on: upstream, answer: answer)
            return
        }
        let port = upstreamPort
        ClientBootstrap(group: context.value.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamResponseHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    self.upstream = channel
                    self.send(head, body: body, on: channel, answer: answer)
                case .failure:
                    answer(.failed)
                }
            }
    }

    private func send(_ head: HTTPRequestHead, body: ByteBuffer?, on channel: any Channel, answer: @escaping (UpstreamResponseHandler.Answer) -> Void) {
        let handler = try! channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
        handler.pending = answer
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    private func answer(_ answer: UpstreamResponseHandler.Answer, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: .http1_1, status: .badGateway)
        var body: ByteBuffer?
        if case .response(let upstreamHead, let upstreamBody) = answer {
            head.status = upstreamHead.status
            if let type = upstreamHead.headers.first(name: "content-type") { head.headers.add(name: "Content-Type", value: type) }
            body = upstreamBody
            if !upstreamHead.isKeepAlive {
                upstream?.close(promise: nil)
                upstream = nil
            }
        } else {
            upstream = nil
        }
        head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
    ]
}
