import NIOCore
import NIOHTTP1
import NIOPosix
import UpstreamHTTP

/// One client connection's keep-alive connection to the upstream (127.0.0.1), opened on the
/// client connection's event loop at its first request and again after the upstream closed it.
/// NIO's pipelining handler keeps one request in flight per client connection, so one upstream
/// connection serves it. Used on that event loop only.
final class UpstreamLink {
    let port: Int
    private var channel: (any Channel)?

    init(port: Int) {
        self.port = port
    }

    /// Sends the request (a `Host` header is added) and calls `answer` on the event loop.
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, on loop: any EventLoop, answer: @escaping (UpstreamResponseHandler.Answer) -> Void) {
        var head = head
        head.headers.replaceOrAdd(name: "Host", value: "127.0.0.1:\(port)")
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        let done: (UpstreamResponseHandler.Answer) -> Void = { [self] result in
            var reusable = false
            if case .response(let responseHead, _) = result { reusable = responseHead.isKeepAlive }
            if !reusable { close() }
            answer(result)
        }
        if let channel, channel.isActive {
            write(head, body: body, on: channel, answer: done)
            return
        }
        ClientBootstrap(group: loop)
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
                    self.channel = channel
                    write(head, body: body, on: channel, answer: done)
                case .failure:
                    done(.failed)
                }
            }
    }

    func close() {
        channel?.close(promise: nil)
        channel = nil
    }

    private func write(_ head: HTTPRequestHead, body: ByteBuffer?, on channel: any Channel, answer: @escaping (UpstreamResponseHandler.Answer) -> Void) {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self) else {
            answer(.failed)
            return
        }
        handler.pending = answer
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }
}
