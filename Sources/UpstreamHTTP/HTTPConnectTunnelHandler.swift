import NIOCore

/// Opens a tunnel through an HTTP proxy: writes `CONNECT host:port`, reads the proxy's answer
/// head, and on a 2xx removes itself so TLS can start on the raw connection; anything else
/// fails `established` with the proxy's status line (never its body).
final class HTTPConnectTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: String
    private let authorization: String?
    private let established: EventLoopPromise<Void>
    private var received: [UInt8] = []
    private var done = false

    init(target: String, authorization: String?, established: EventLoopPromise<Void>) {
        self.target = target
        self.authorization = authorization
        self.established = established
    }

    func channelActive(context: ChannelHandlerContext) {
        var request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
        if let authorization { request += "Proxy-Authorization: \(authorization)\r\n" }
        request += "\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        received += unwrapInboundIn(data).readableBytesView
        guard let end = headEnd() else {
            if received.count > 16 << 10 { finish(context: context, failure: "the proxy's answer to CONNECT is too long") }
            return
        }
        let statusLine = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            finish(context: context, failure: "the proxy did not answer CONNECT with HTTP")
            return
        }
        guard (200..<300).contains(status), end == received.count else {
            finish(context: context, failure: "the proxy refused the tunnel: \(statusLine)")
            return
        }
        done = true
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
        established.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { finish(context: context, failure: "the proxy closed the connection before the tunnel was open") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done { finish(context: context, failure: "the tunnel through the proxy failed: \(error)") }
    }

    /// Where the answer head ends (after its blank line), once it has arrived.
    private func headEnd() -> Int? {
        guard received.count >= 4 else { return nil }
        for index in 3..<received.count
        where received[index] == 0x0A && received[index - 1] == 0x0D && received[index - 2] == 0x0A && received[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }

    private func finish(context: ChannelHandlerContext, failure: String) {
        done = true
        established.fail(HTTP1PoolError(.connectFailed, failure))
        context.close(promise: nil)
    }
}
