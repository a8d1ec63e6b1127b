import GatewayCore
import HTTPTypes
import Hummingbird
import Logging
import MCPCore
import NIOCore

/// MCP over streamable HTTP (2025-03-26 and later) for one virtual server at one path, and the
/// legacy HTTP+SSE transport beside it (see `StreamableHTTPTransport+Legacy`):
/// POST with JSON replies (SSE replies when the request asked for progress), sessions with
/// cryptographically random ids, `Accept`/`Content-Type`/`MCP-Protocol-Version` checks,
/// `Origin` and `Host` validation against DNS rebinding, CORS, DELETE to end a session.
public struct StreamableHTTPTransport: Sendable {
    /// Who a request's headers say the caller is.
    public typealias CredentialCheck = @Sendable (_ headers: [(name: String, value: String)]) async throws(GatewayError) -> Identity

    /// Limits and security settings.
    public struct Configuration: Sendable {
        /// How requests are answered (`ReplyMode`).
        public typealias Replies = ReplyMode

        public var replies: Replies
        /// The `Host` and `Origin` checks (DNS rebinding, cross-site calls) and CORS.
        public var browsers: BrowserGuard
        public var maxBodyBytes: Int
        public var maxSessions: Int
        public var sessionIdleTimeout: Duration
        /// The check of a request's credentials, asked for as each request arrives (a reload may
        /// change it); nil, or a nil check: no authentication at the HTTP level. The check runs
        /// before anything else; a refusal is answered as it is (401 with `WWW-Authenticate`), an
        /// identity goes with the request to its calls (`RequestIdentity`), so they are not
        /// checked twice.
        public var authentication: (@Sendable () -> CredentialCheck?)?

        public init(
            allowedOrigins: Set<String> = [], allowedHosts: Set<String> = [], maxBodyBytes: Int = 4 << 20, maxSessions: Int = 10_000,
            sessionIdleTimeout: Duration = .seconds(3600), replies: Replies = .auto
        ) {
            self.replies = replies
            self.browsers = BrowserGuard(allowedOrigins: allowedOrigins, allowedHosts: allowedHosts)
            self.maxBodyBytes = maxBodyBytes
            self.maxSessions = maxSessions
            self.sessionIdleTimeout = sessionIdleTimeout
        }
    }

    static let sessionHeader = HTTPField.Name("Mcp-Session-Id")!
    static let versionHeader = HTTPField.Name("MCP-Protocol-Version")!
    static let lastEventIDHeader = HTTPField.Name("Last-Event-ID")!

    let path: String
    /// Where the legacy transport's `/sse` and `/messages` live (by default under `path`).
    let legacyPath: String
    let configuration: Configuration
    let sessionConfiguration: MCPServerSession.Configuration
    let makeHandler: @Sendable (_ request: Request) -> any MCPServerHandler
    let store: HTTPSessionStore
    let legacy: LegacySessionStore
    /// Runs what outlives a request's handler: SSE replies, sessions' endings.
    let owner: TaskOwner
    let logger: Logger

    /// `makeHandler` builds the handler of a new session from its `initialize` request (its headers carry the caller).
    /// The legacy endpoints are `<legacyPath>/sse` and `<legacyPath>/messages` (`legacyPath` defaults to `path`).
    public init(
        path: String, legacyPath: String? = nil, configuration: Configuration = Configuration(), sessionConfiguration: MCPServerSession.Configuration,
        owner: TaskOwner, logger: Logger, makeHandler: @escaping @Sendable (_ request: Request) -> any MCPServerHandler
    ) {
        self.path = path
        self.owner = owner
        self.legacyPath = legacyPath ?? path
        self.configuration = configuration
        self.sessionConfiguration = sessionConfiguration
        self.makeHandler = makeHandler
        self.store = HTTPSessionStore(maxSessions: configuration.maxSessions, idleTimeout: configuration.sessionIdleTimeout)
        self.legacy = LegacySessionStore(maxSessions: configuration.maxSessions)
        self.logger = logger
    }

    /// MCP sessions open now (streamable HTTP and legacy SSE), for metrics.
    public var sessionCount: Int { store.count + legacy.count }

    /// Adds the endpoint's routes: streamable HTTP at `path`, legacy HTTP+SSE at `path/sse` and `path/messages`.
    public func register(on router: Router<BasicRequestContext>) {
        registerLegacy(on: router)
        let path = RouterPath(self.path)
        router.post(path) { request, _ in await self.guarded(request) { try await self.post($0) } }
        router.get(path) { request, _ in await self.guarded(request) { self.get($0) } }
        router.delete(path) { request, _ in await self.guarded(request) { self.delete($0) } }
        router.on(path, method: .options) { request, _ in await self.guarded(request) { _ in Response(status: .noContent) } }
        for method in [HTTPRequest.Method.put, .patch] {
            router.on(path, method: method) { request, _ in
                await self.guarded(request) { _ in Self.error(.methodNotAllowed, "method not allowed", headers: [.allow: "GET, POST, DELETE, OPTIONS"]) }
            }
        }
    }

    /// Host and Origin checks first, CORS headers on whatever comes back.
    func guarded(_ request: Request, _ body: (Request) async throws -> Response) async -> Response {
        let origin = request.headers.value(.origin)
        if let refusal = configuration.browsers.refusal(request, origin: origin) { return Self.error(refusal.status, refusal.message) }
        var response: Response
        do {
            if request.method != .options, let authenticate = configuration.authentication?() {
                let identity = try await authenticate(request.headers.map { ($0.name.rawName, $0.value) } + [("host", request.head.authority ?? "")])
                response = try await RequestIdentity.$current.withValue(identity) { try await body(request) }
            } else {
                response = try await body(request)
            }
        } catch let error as HTTPError {
            response = Self.error(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as GatewayError {
            response = error.response()
        } catch {
            response = Self.error(.internalServerError, "internal error")
        }
        if let origin {
            BrowserGuard.allowCORS(
                &response, origin: origin, methods: "GET, POST, DELETE, OPTIONS",
                headers: "Content-Type, Accept, Authorization, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID",
                exposed: "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate"
            )
        }
        return response
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, code: Int = -32600, headers: HTTPFields = [:]) -> Response {
        let body = JSONRPCMessage.error(id: nil, error: JSONRPCError(code: .init(rawValue: code), message: message)).serialized()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
