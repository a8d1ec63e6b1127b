import CompressNIO
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// One request as the upstream received it, byte for byte.
public struct RecordedRequest: Sendable {
    public var method: String
    /// The raw request target: percent-encoded path plus query, exactly as sent.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A fake upstream HTTP API that records every request and answers according to the path:
///
/// - `/status/{code}` answers with that status and a JSON error body;
/// - `/slow/{ms}` waits that long, then answers `{"slow":true}`;
/// - `/image` answers a PNG; `/text` plain text; `/empty` 204; `/big/{bytes}` a JSON string that long;
/// - `/redirect` answers 302 to another host; `/oauth/token` issues OAuth 2 tokens;
/// - anything else answers 200 with `{"method":…,"target":…,"body":…}`.
public final class RecordingUpstream: Sendable {
    private let recorded = Mutex<[RecordedRequest]>([])
    private let arrivalsContinuation: AsyncStream<RecordedRequest>.Continuation
    /// Each request as it arrives (before it is answered), for tests that await an arrival.
    public let arrivals: AsyncStream<RecordedRequest>

    public init() {
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream(of: RecordedRequest.self)
    }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    /// The last request received.
    public var last: RecordedRequest? { recorded.withLock { $0.last } }

    /// The router to serve (see `withLiveServer`).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.on("**", method: .get) { request, context in try await self.answer(request, context) }
        for method in [HTTPRequest.Method.post, .put, .patch, .delete, .head, .options] {
            router.on("**", method: method) { request, context in try await self.answer(request, context) }
        }
        return router
    }

    private func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 << 20)
        let record = RecordedRequest(
            method: request.method.rawValue, target: request.uri.description,
            headers: request.headers.map { ($0.name.rawName, $0.value) }, body: Array(buffer: body)
        )
        recorded.withLock { $0.append(record) }
        arrivalsContinuation.yield(record)
        let path = request.uri.path
        let segments = path.split(separator: "/").map(String.init)
        switch segments.first {
        case "status":
            let code = Int(segments.dropFirst().first ?? "") ?? 500
            return json(#"{"error":"upstream said \#(code)"}"#, status: .init(code: code))
        case "slow":
            let milliseconds = Int(segments.dropFirst().first ?? "") ?? 1000
            try await Task.sleep(for: .milliseconds(milliseconds))
            return json(#"{"slow":true}"#)
        case "image":
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
            return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        case "text":
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "plain words")))
        case "empty":
            return Response(status: .noContent)
        case "big":
            let size = Int(segments.dropFirst().first ?? "") ?? 1024
            return json("\"" + String(repeating: "x", count: size) + "\"")
        case "compressed" where segments.count > 2:
            // A JSON answer of about `bytes` bytes, compressed as asked (`bad`: gzip's name on
            // bytes that are not gzip); only when the request accepts the encoding.
            let encoding = segments[1]
            let size = Int(segments[2]) ?? 1024
            var plain = ByteBuffer(string: #"{"filler":""# + String(repeating: "y", count: size) + #""}"#)
            guard request.headers[.acceptEncoding]?.contains(encoding == "bad" ? "gzip" : encoding) == true else { return json("{\"plain\":true}") }
            let body = encoding == "bad" ? ByteBuffer(string: "not gzip at all") : try plain.compress(with: encoding == "gzip" ? .gzip() : .zlib())
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentEncoding: encoding == "bad" ? "gzip" : encoding],
                body: .init(byteBuffer: body)
            )
        case "oauth" where segments.count > 1:
            // A client-credentials token endpoint: token-N for its N-th request; `?ttl=` sets expires_in.
            let count = recorded.withLock { $0.filter { $0.target.hasPrefix("/oauth/") }.count }
            let ttl = request.uri.queryParameters.get("ttl", as: Int.self) ?? 3600
            return json(#"{"access_token":"token-\#(count)","token_type":"Bearer","expires_in":\#(ttl)}"#)
        case "redirect":
            return Response(status: .found, headers: [.location: "http://example.invalid/elsewhere"])
        default:
            let echo = #"{"method":"\#(record.method)","target":"\#(escape(record.target))","body":"\#(escape(record.bodyText))"}"#
            return json(echo)
        }
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    private func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
