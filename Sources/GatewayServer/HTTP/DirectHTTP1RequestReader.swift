import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// The last handler of a direct connection: turns NIO's HTTP/1 request parts into whole
/// `Request`s (the body collected, bytes past `keepBodyBytes` dropped) and hands them to the
/// connection's task. The stream ends when the connection or its input closes.
///
/// It converts the head itself, where NIO's `HTTP1ToHTTPServerCodec` would parse every path with
/// `URLComponents` and lower-case every header name (a cost BENCHMARKS.md measures): an
/// origin-form path (`/…`) is taken as it is, anything else goes through that codec's conversion.
/// A request whose connection must close after its answer (HTTP/1.0 without keep-alive, or
/// `Connection: close`) carries `Connection: close`, which the connection's loop honours. A
/// request with `Expect: 100-continue` is told to go on at once (its route still answers 413 to a
/// body over the limit).
final class DirectHTTP1RequestReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let keepBodyBytes: Int
    private let requests: DirectHTTP1Requests
    private let client: ClientConnection
    private var head: HTTPRequest?
    private var body = ByteBuffer()

    init(keepBodyBytes: Int, requests: DirectHTTP1Requests, client: ClientConnection) {
        self.keepBodyBytes = keepBodyBytes
        self.requests = requests
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            do {
                self.head = try Self.request(head)
            } catch {
                // A method HTTPTypes does not take (NIO's parser let it through): the connection ends.
                errorCaught(context: context, error: error)
                return
            }
            body = ByteBuffer()
            if Self.expectsContinue(head) {
                // The client waits for this before it sends the body (curl: up to a second).
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
            }
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

    /// Whether an HTTP/1.1 request asks for `100 Continue` before it sends its body.
    static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        head.version == .http1_1 && head.headers["expect"].contains { $0.utf8.count == 12 && $0.lowercased() == "100-continue" }
    }

    /// The HTTPTypes request for a NIO request head.
    static func request(_ head: HTTPRequestHead) throws -> HTTPRequest {
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            var request = try HTTPRequest(head, secure: false, splitCookie: false)
            if !head.isKeepAlive { request.headerFields[.connection] = "close" }
            return request
        }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count + 1)
        var authority: String?
        for (name, value) in head.headers {
            // Names HTTPTypes refuses are dropped, as NIO's conversion does.
            guard let fieldName = HTTPField.Name(name) else { continue }
            if authority == nil, fieldName.canonicalName == "host" {
                authority = value
                continue
            }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        if !head.isKeepAlive { fields[.connection] = "close" }
        return HTTPRequest(method: try method(head.method), scheme: "http", authority: authority, path: head.uri, headerFields: fields)
    }

    private static func method(_ method: HTTPMethod) throws -> HTTPRequest.Method {
        switch method {
        case .GET: return .get
        case .POST: return .post
        case .DELETE: return .delete
        case .OPTIONS: return .options
        case .PUT: return .put
        case .PATCH: return .patch
        case .HEAD: return .head
        default:
            guard let other = HTTPRequest.Method(method.rawValue) else { throw HTTP1TypeConversionError.invalidMethod }
            return other
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // A client that stops sending has gone as far as a route is concerned (HTTP/1.1
            // requests end by their length, not by a half-close).
            requests.finish()
            client.closed()
        }
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
        client.closed()
        context.fireChannelInactive()
    }
}
