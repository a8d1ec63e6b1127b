import NIOCore
import NIOHTTP1

/// One answer of the fake model provider, written part by part.
struct FakeExchange {
    /// The client closed the connection while the answer was held.
    struct ClientLeft: Error {}

    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let channel: any Channel
    let keepAlive: Bool

    func json(_ status: Int, _ body: [UInt8], extra: [(String, String)] = []) async throws {
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(body.count))])
        for (name, value) in extra { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await outbound.write(.end(nil))
    }

    func streamHead() async throws {
        let headers = HTTPHeaders([("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache")])
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
    }

    func event(_ bytes: [UInt8]) async throws {
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
    }

    func end() async throws {
        try await outbound.write(.end(nil))
    }

    /// Holds the exchange open, sending nothing, until the client closes the connection.
    func waitForClose() async throws {
        try await channel.closeFuture.get()
    }
}
