import NIOCore
import NIOHTTP1
import UpstreamHTTP

/// Forwards each request to the upstream and its answer (status, content type, body) back.
final class ForwardingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let upstream: UpstreamLink
    private var request = MessageCollector<HTTPRequestHead>()

    init(upstream: UpstreamLink) {
        self.upstream = upstream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let (clientHead, body) = request.receive(unwrapInboundIn(data)) else { return }
        var head = HTTPRequestHead(version: .http1_1, method: clientHead.method, uri: clientHead.uri)
        for (name, value) in clientHead.headers where !Self.notForwarded.contains(name.lowercased()) {
            head.headers.add(name: name, value: value)
        }
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        upstream.send(head, body: body, on: context.value.eventLoop) { answer in
            guard case .response(let head, let body) = answer else { return context.value.respond(.badGateway) }
            context.value.respond(head.status, headers: head.headers.first(name: "content-type").map { [("Content-Type", $0)] } ?? [], body: body)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream.close()
        context.fireChannelInactive()
    }

    private static let notForwarded: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "host",
    ]
}
