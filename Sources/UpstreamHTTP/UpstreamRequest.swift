import Foundation
import NIOCore
import NIOHTTP1

/// A request named by its URL, for callers that are not on the tool-call hot path (remote MCP
/// servers, model providers): the pool splits the URL into origin and request target.
public struct UpstreamRequest: Sendable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPHeaders
    public var body: ByteBuffer?

    public init(method: HTTPMethod = .GET, url: URL, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Where it goes and what it asks for; nil for URLs the pool does not send (not http or
    /// https, no host, user info).
    public var target: (origin: HTTP1Origin, requestTarget: String)? {
        URLComponents(url: url, resolvingAgainstBaseURL: true).flatMap(HTTP1Origin.split)
    }
}

extension HTTP1ConnectionPool {
    /// Sends `request` and returns once the answer's head has arrived (within `deadline`); the
    /// body streams (see `stream(_:body:origin:deadline:)`).
    public func stream(_ request: UpstreamRequest, deadline: NIODeadline) async throws -> HTTP1StreamingResponse {
        guard let (origin, target) = request.target else {
            throw HTTP1PoolError(.invalidRequest, "the request cannot be sent: only http and https URLs without user info are")
        }
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: request.headers)
        return try await stream(head, body: request.body, origin: origin, deadline: deadline)
    }
}

extension HTTP1StreamingResponse {
    /// The answer's status.
    public var status: HTTPResponseStatus { head.status }
    /// The answer's header fields.
    public var headers: HTTPHeaders { head.headers }
}
