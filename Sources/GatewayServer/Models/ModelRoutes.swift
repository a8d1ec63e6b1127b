import Foundation
import GatewayCore
import GatewayPolicy
import HTTPTypes
import Hummingbird
import Logging
import MCPCore
import NIOCore

/// The OpenAI-compatible model routes: `POST /v1/chat/completions` (whole or streamed),
/// `POST /v1/embeddings` and `GET /v1/models`. A request is checked here (the fields the gateway
/// needs, each refusal naming its field, nothing sent upstream), then passes the policy chain as a
/// model call and leaves through the `ModelProvider` port; the answer says which instance served
/// it, after how many upstream requests, and the gateway's own time.
public struct ModelRoutes: Sendable {
    let provider: any ModelProvider
    let policies: PolicyChain
    let maxBodyBytes: Int
    let logger: Logger
    /// When the gateway started (the `created` of `/v1/models` entries).
    let created: Int64

    /// Checks the caller's credentials before the request is read (nil: callers need not
    /// authenticate): an unknown caller learns nothing, not even which models exist.
    let authenticate: (@Sendable ([(name: String, value: String)]) async throws(GatewayError) -> Identity)?
    /// The `Host` and `Origin` checks and CORS, as on the MCP endpoints: a page on another site,
    /// or one whose name was made to resolve to the gateway, cannot spend the providers' keys.
    let browsers: BrowserGuard

    public init(
        provider: any ModelProvider, policies: PolicyChain, maxBodyBytes: Int, logger: Logger,
        authenticate: (@Sendable ([(name: String, value: String)]) async throws(GatewayError) -> Identity)? = nil, browsers: BrowserGuard = BrowserGuard()
    ) {
        self.authenticate = authenticate
        self.browsers = browsers
        self.provider = provider
        self.policies = policies
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.created = Int64(Date().timeIntervalSince1970)
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/chat/completions") { request, _ in
            await self.authenticated(request, refuse: { $0.response() }) { await self.modelCall(request, operation: .chatCompletions) }
        }
        router.post("/v1/embeddings") { request, _ in
            await self.authenticated(request, refuse: { $0.response() }) { await self.modelCall(request, operation: .embeddings) }
        }
        router.get("/v1/models") { request, _ in
            await self.authenticated(request, refuse: { $0.response() }) { await self.models(request) }
        }
        router.post("/v1/messages") { request, _ in
            await self.authenticated(request, refuse: Self.anthropicError) { await self.messages(request) }
        }
        router.post("/v1/messages/count_tokens") { request, _ in
            await self.authenticated(request, refuse: Self.anthropicError) { await self.countTokens(request) }
        }
        for endpoint in Self.endpoints {
            router.on(RouterPath(endpoint.path), method: .options) { request, _ in self.preflight(request, method: endpoint.method) }
        }
    }

    /// Every path `register` serves and its method, in the order a client's documentation lists
    /// them (what an unmatched request is told is served).
    public static let endpoints: [(path: String, method: HTTPRequest.Method)] = [
        ("/v1/chat/completions", .post), ("/v1/embeddings", .post), ("/v1/models", .get), ("/v1/messages", .post), ("/v1/messages/count_tokens", .post),
    ]

    /// Every path and method `register` answers: the endpoints and their browsers' preflights.
    public static var routes: [(path: String, method: HTTPRequest.Method)] {
        endpoints + endpoints.map { ($0.path, .options) }
    }

    /// Whether errors on `path` are answered in Anthropic's format (`/v1/messages...`).
    public static func speaksAnthropic(_ path: String) -> Bool {
        path == "/v1/messages" || path.hasPrefix("/v1/messages/")
    }

    /// An error in the wire format of `path`'s clients.
    public static func errorResponse(_ error: GatewayError, path: String) -> Response {
        speaksAnthropic(path) ? anthropicError(error) : error.response()
    }

    /// The paths whose answers may be streams that stay open as long as a model writes: a host
    /// answers them in a task of their own (see `SwappableResponder`).
    public static let streamingPaths: Set<String> = ["/v1/chat/completions", "/v1/messages"]

    /// Runs `route` as the caller the credentials name (`RequestIdentity`), or answers the refusal
    /// in the route's wire format before reading the body.
    /// A browser's request from a host or origin not allowed is refused first (`BrowserGuard`);
    /// an allowed origin's answer carries the CORS headers.
    func authenticated(_ request: Request, refuse: (GatewayError) -> Response, route: () async -> Response) async -> Response {
        let origin = request.headers[.origin]
        if let refusal = browsers.refusal(request, origin: origin) { return refuse(Self.error(refusal)) }
        var response: Response
        if let authenticate {
            do throws(GatewayError) {
                let identity = try await authenticate(request.headers.map { ($0.name.rawName, $0.value) })
                response = await RequestIdentity.$current.withValue(identity) { await route() }
            } catch {
                response = refuse(error)
            }
        } else {
            response = await route()
        }
        if let origin {
            BrowserGuard.allowCORS(&response, origin: origin, methods: "\(request.method.rawValue), OPTIONS", headers: Self.corsHeaders, exposed: Self.exposedHeaders)
        }
        return response
    }

    /// A browser's preflight: 204 with what an allowed origin may send (the headers it asks
    /// for: the SDKs add their own), or the guard's refusal.
    func preflight(_ request: Request, method: HTTPRequest.Method) -> Response {
        let origin = request.headers[.origin]
        if let refusal = browsers.refusal(request, origin: origin) { return Self.errorResponse(Self.error(refusal), path: request.uri.path) }
        var response = Response(status: .noContent, headers: [.allow: "\(method.rawValue), OPTIONS"])
        if let origin {
            let asked = request.headers[.accessControlRequestHeaders]
            BrowserGuard.allowCORS(&response, origin: origin, methods: "\(method.rawValue), OPTIONS", headers: asked ?? Self.corsHeaders, exposed: Self.exposedHeaders)
            response.headers[.accessControlMaxAge] = "600"
        }
        return response
    }

    /// The request headers a browser client sends by default.
    static let corsHeaders = "Content-Type, Authorization, X-Api-Key, Anthropic-Version, Anthropic-Beta"
    /// The answer's headers a page may read: what happened, and the limits (the headers the
    /// gateway sets).
    static let exposedHeaders = "x-toolgate-instance, x-toolgate-attempts, x-toolgate-overhead-ms, Retry-After, RateLimit, RateLimit-Policy"

    static func error(_ refusal: (status: HTTPResponse.Status, message: String)) -> GatewayError {
        GatewayError(refusal.status == .misdirectedRequest ? .misdirected : .denied, refusal.message)
    }

    func modelCall(_ request: Request, operation: ModelRequest.Operation) async -> Response {
        let received = ContinuousClock.now
        do throws(GatewayError) {
            let body = try await Self.readBody(request, limit: maxBodyBytes)
            let modelRequest = try OpenAIRequestCheck.check(body, operation: operation)
            return Self.response(try await call(modelRequest, request: request, received: received), received: received)
        } catch {
            return error.response()
        }
    }

    /// One model call of either wire format: the group the client named, the policy chain, the
    /// provider.
    func call(_ modelRequest: ModelRequest, request: Request, received: ContinuousClock.Instant) async throws(GatewayError) -> ModelResponse {
        let operation = modelRequest.operation
        guard let group = provider.group(named: modelRequest.model) else {
            throw GatewayError(.modelNotFound, "The model '\(modelRequest.model)' does not exist on this gateway; GET /v1/models lists the models", param: "model")
        }
        if operation == .embeddings, !group.servesEmbeddings {
            throw GatewayError(.invalidRequest, "the model '\(modelRequest.model)' serves no embeddings (its providers have no embeddings API)", param: "model")
        }
        let context = CallContext(
            identity: RequestIdentity.current ?? .anonymous,
            target: CallTarget(kind: operation == .embeddings ? .embeddings : .chat, scope: group.name, name: modelRequest.model),
            transport: "http", receivedAt: received, callerHeaders: request.headers.map { ($0.name.rawName, $0.value) }
        )
        if operation == .embeddings {
            return try await Self.run(EmbeddingsCall(request: modelRequest, group: group), context: context, policies: policies, provider: provider)
        }
        return try await Self.run(ChatCall(request: modelRequest, group: group), context: context, policies: policies, provider: provider)
    }

    /// One model call through the chain, then the provider.
    static func run<Operation>(
        _ call: ModelCall<Operation>, context: CallContext, policies: PolicyChain, provider: any ModelProvider
    ) async throws(GatewayError) -> ModelResponse {
        try await policies.run(call, context: context) { call, context async throws(GatewayError) in
            try await provider.send(call.request, group: call.group, context: context)
        }
    }

    /// The answer with `x-toolgate-instance`, `x-toolgate-attempts` and `x-toolgate-overhead-ms`.
    static func response(_ answer: ModelResponse, received: ContinuousClock.Instant) -> Response {
        var headers = answerHeaders(answer, received: received)
        switch answer.body {
        case .complete(let bytes, _, _):
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let stream):
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var streamWriter = ModelStreamWriter(stream: stream, format: OpenAIStreamFormat())
                await streamWriter.write(to: &writer)
            })
        }
    }

    /// What every model answer says about itself, and the policies' headers.
    static func answerHeaders(_ answer: ModelResponse, received: ContinuousClock.Instant) -> HTTPFields {
        let overhead = received.duration(to: .now) - answer.upstreamWait
        var headers: HTTPFields = [
            Self.instanceHeader: answer.instance, Self.attemptsHeader: String(answer.attempts),
            Self.overheadHeader: Self.milliseconds(overhead),
        ]
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return headers
    }

    func models(_ request: Request) async -> Response {
        let groups = provider.groups
        let created = self.created
        let context = CallContext(
            identity: RequestIdentity.current ?? .anonymous, target: CallTarget(kind: .list, scope: "", name: "/v1/models"), transport: "http",
            callerHeaders: request.headers.map { ($0.name.rawName, $0.value) }
        )
        do throws(GatewayError) {
            let result = try await policies.run(ListRequest(method: "models/list"), context: context) { _, _ async throws(GatewayError) -> ListResult in
                var data: [JSONValue] = []
                for group in groups {
                    for id in [group.name] + group.aliases {
                        // `toolgate_group` lets a grants policy judge an alias by its group; it is removed before answering.
                        data.append(["id": .string(id), "object": "model", "created": .int(created), "owned_by": "toolgate", "toolgate_group": .string(group.name)])
                    }
                }
                return .forwarded(["object": "list", "data": .array(data)])
            }
            guard case .forwarded(var list) = result, var object = list.objectValue else { throw GatewayError(.internal, "the model list was answered as tools") }
            object["data"] = .array((object["data"]?.arrayValue ?? []).map { entry in
                guard var model = entry.objectValue else { return entry }
                model.removeValue(forKey: "toolgate_group")
                return .object(model)
            })
            list = .object(object)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: list.serializedBytes())))
        } catch {
            return error.response()
        }
    }

    /// The body, within the limit (413 beyond it).
    static func readBody(_ request: Request, limit: Int) async throws(GatewayError) -> [UInt8] {
        var request = request
        do {
            return Array(buffer: try await request.collectBody(upTo: limit))
        } catch {
            throw GatewayError(.payloadTooLarge, "the request body exceeds \(limit) bytes")
        }
    }

    /// Milliseconds with three decimals (`0.412`), without Foundation's formatter on every answer.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static let instanceHeader = HTTPField.Name("x-toolgate-instance")!
    static let attemptsHeader = HTTPField.Name("x-toolgate-attempts")!
    static let overheadHeader = HTTPField.Name("x-toolgate-overhead-ms")!
}
