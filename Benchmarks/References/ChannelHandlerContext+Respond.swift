import NIOCore
import NIOHTTP1

extension ChannelHandlerContext {
    /// Writes one whole HTTP/1.1 answer (`Content-Length` added) and flushes it.
    func respond(_ status: HTTPResponseStatus, headers: [(String, String)] = [], body: ByteBuffer? = nil) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if let body { write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil) }
        writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
    }
}
