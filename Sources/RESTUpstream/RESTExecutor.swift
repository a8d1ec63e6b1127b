import AsyncHTTPClient
import Foundation
import Logging
import MCPCore
import NIOCore
import NIOHTTP1
import OpenAPIImport
import UpstreamHTTP

/// Executes operation bindings over HTTP — `http://` and `https://` upstreams through the
/// keep-alive `HTTP1ConnectionPool` (URLs with user info through AsyncHTTPClient) — and turns every answer — or
/// failure — into an MCP tool result. It never throws: upstream faults are `isError`
/// results with a clear message.
public struct RESTExecutor: Sendable {
    /// Limits for one call.
    public struct Limits: Sendable {
        /// Whole-request deadline.
        public var timeout: Duration
        /// Bodies beyond this many bytes are cut, with a marker.
        public var maxResponseBytes: Int

        public init(timeout: Duration = .seconds(30), maxResponseBytes: Int = 2 << 20) {
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    let client: HTTPClient
    let pool: HTTP1ConnectionPool
    public var limits: Limits
    let builder = RequestBuilder()
    let logger: Logger

    /// `pool` carries the calls; `client` carries URLs with user info and the OAuth2 token requests.
    public init(client: HTTPClient, pool: HTTP1ConnectionPool = .shared, limits: Limits = Limits(), logger: Logger) {
        self.client = client
        self.pool = pool
        self.limits = limits
        self.logger = logger
    }

    /// A client configured for gateway use: a large per-host pool, no redirects followed, and
    /// (unless `retryConnects`) an immediate error when the upstream refuses the connection, so an
    /// agent learns at once that the API is down instead of after the connect timeout.
    /// Decompression is off by default: AsyncHTTPClient's decompressing handler is costly on the
    /// request path (BENCHMARKS.md), and without it no `Accept-Encoding` is sent, so
    /// upstreams answer uncompressed. Tracing is off (no tracer is bootstrapped in Toolgate).
    public static func makeHTTPClient(connectTimeout: Duration = .seconds(10), retryConnects: Bool = false, decompression: Bool = false) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.connectionPool.retryConnectionEstablishment = retryConnects
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .init(connectTimeout)
        configuration.decompression = decompression ? .enabled(limit: .ratio(50)) : .disabled
        // No tracer: with the default (the bootstrapped no-op one) every request still builds its
        // span attributes and parses its URL again for them (BENCHMARKS.md).
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Builds, sends and maps one call. Cancelling the calling task cancels the HTTP request.
    public func execute(_ binding: OperationBinding, arguments: JSONObject, baseURL: String? = nil) async -> MCPToolResult {
        await execute(binding, arguments: arguments, baseURL: baseURL, guard: nil, authenticator: nil, callerHeaders: [], traceHeaders: [])
    }

    /// Builds the request, checks its host, adds credentials (and the call's trace context), sends
    /// it and maps the answer.
    func execute(
        _ binding: OperationBinding, arguments: JSONObject, baseURL: String?, guard hostPolicy: HostPolicy?,
        authenticator: UpstreamAuthenticator?, callerHeaders: [(name: String, value: String)], traceHeaders: [(name: String, value: String)]
    ) async -> MCPToolResult {
        var prepared: PreparedRequest
        do {
            prepared = try builder.build(binding, arguments: arguments, baseURL: baseURL)
        } catch {
            return .error("Invalid arguments: \(error.message)")
        }
        // The URL is read once for the host check and the connection; again only when adding
        // credentials changed it (an API key in the query).
        let url = UpstreamURL(prepared.url)
        let checkedURL = prepared.url
        do {
            try hostPolicy?.check(url)
            try await authenticator?.authenticate(&prepared, binding: binding, callerHeaders: callerHeaders)
        } catch {
            return .error("Refused: \(error.message)")
        }
        for header in traceHeaders { prepared.headers.append((header.name, header.value)) }
        return await send(prepared, url: prepared.url == checkedURL ? url : UpstreamURL(prepared.url))
    }

    /// Sends a prepared request and maps the answer.
    public func send(_ prepared: PreparedRequest) async -> MCPToolResult {
        await send(prepared, url: UpstreamURL(prepared.url))
    }

    /// Sends a prepared request whose URL has been read into `url`, and maps the answer.
    private func send(_ prepared: PreparedRequest, url: UpstreamURL) async -> MCPToolResult {
        var target: String { "\(prepared.method) \(Self.redactedURL(prepared.url))" }  // only for logs and errors
        let started = ContinuousClock.now
        do {
            let answer: UpstreamAnswer
            if let plain = url.plain {
                answer = try await sendPlain(prepared, to: plain)
            } else {
                answer = try await sendThroughClient(prepared)
            }
            logger.debug(
                "upstream answered",
                metadata: ["target": "\(target)", "status": "\(answer.status)", "ms": "\((ContinuousClock.now - started).milliseconds)"]
            )
            return ResponseMapper.map(answer)
        } catch is CancellationError {
            return .error("Upstream request cancelled: \(target)")
        } catch {
            logger.info("upstream request failed", metadata: ["target": "\(target)", "error": "\(error)"])
            return .error("Upstream request failed: \(target): \(Self.describe(error, timeout: limits.timeout))")
        }
    }

    /// An `http://` or `https://` request through the keep-alive pool.
    private func sendPlain(_ prepared: PreparedRequest, to plain: PlainHTTPTarget) async throws -> UpstreamAnswer {
        var headers = HTTPHeaders()
        headers.reserveCapacity(prepared.headers.count + 2)
        for (name, value) in prepared.headers { headers.add(name: name, value: value) }
        if !headers.contains(name: "accept-encoding") { headers.add(name: "Accept-Encoding", value: ContentDecoding.accepted) }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: prepared.method), uri: plain.requestTarget, headers: headers)
        let response = try await pool.execute(
            head, body: prepared.body.map { ByteBuffer(bytes: $0) }, origin: plain.origin,
            deadline: .now() + TimeAmount(limits.timeout), maxBytes: limits.maxResponseBytes
        )
        var body = response.body
        if let encoding = response.head.headers.first(name: "content-encoding") {
            if response.truncated {
                throw ContentDecoding.Failure(description: "the upstream's \(encoding) answer is larger than \(limits.maxResponseBytes) bytes")
            }
            body = try ContentDecoding.decode(body, encoding: encoding, maxBytes: limits.maxResponseBytes) ?? body
        }
        return UpstreamAnswer(
            status: Int(response.head.status.code), reason: response.head.status.reasonPhrase,
            contentType: response.head.headers.first(name: "content-type"), body: body, truncated: response.truncated,
            limit: limits.maxResponseBytes, url: prepared.url
        )
    }

    /// A request whose URL carries user info, through AsyncHTTPClient (which turns it into
    /// basic authentication).
    private func sendThroughClient(_ prepared: PreparedRequest) async throws -> UpstreamAnswer {
        var request = HTTPClientRequest(url: prepared.url)
        request.method = HTTPMethod(rawValue: prepared.method)
        for (name, value) in prepared.headers { request.headers.add(name: name, value: value) }
        if let body = prepared.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .init(limits.timeout))
        var collected = [UInt8]()
        var truncated = false
        for try await chunk in response.body {
            let room = limits.maxResponseBytes - collected.count
            if chunk.readableBytes > room {
                collected += chunk.readableBytesView.prefix(room)
                truncated = true
                break
            }
            collected += chunk.readableBytesView
        }
        return UpstreamAnswer(
            status: Int(response.status.code), reason: response.status.reasonPhrase,
            contentType: response.headers.first(name: "content-type"), body: collected, truncated: truncated,
            limit: limits.maxResponseBytes, url: prepared.url
        )
    }

    static func describe(_ error: any Error, timeout: Duration) -> String {
        if let poolError = error as? HTTP1PoolError {
            return poolError.code == .timedOut ? "no answer within \(timeout) (timeout)" : poolError.message
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "no answer within \(timeout) (timeout)"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the upstream closed the connection before answering"
            case .tlsHandshakeTimeout: return "TLS handshake timed out"
            default: break
            }
        }
        if error is CancellationError { return "cancelled" }
        return HTTP1ConnectionPool.describeConnect(error)
    }

    /// The URL without its query string (query parameters may carry API keys).
    static func redactedURL(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        return String(url[..<question]) + "?…"
    }
}
