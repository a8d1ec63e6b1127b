import GatewayCore
import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore
import ServiceLifecycle

extension StreamableHTTPTransport {
    func post(_ request: Request) async throws -> Response {
        let accept = request.headers.value(.accept) ?? "*/*"
        guard accept.containsBytes("*/*") || (accept.containsBytes("application/json") && accept.containsBytes("text/event-stream")) else {
            return Self.error(.notAcceptable, "Not Acceptable: Accept must list application/json and text/event-stream")
        }
        let bytes: [UInt8]
        switch await readJSONBody(request) {
        case .failure(let refusal): return refusal.response
        case .success(let body): bytes = body
        }
        let parsed = try? JSONParser().parse(bytes)
        if let version = request.headers.value(Self.versionHeader), !MCPProtocolVersion.all.contains(MCPProtocolVersion(rawValue: version)) {
            // A stateless request learns which revisions are served (-32022); anything else gets a plain 400.
            guard request.headers.value(Self.sessionHeader) == nil, MCPRequestEnvelope.isPresent(in: parsed?["params"]) else {
                return Self.error(.badRequest, "Bad Request: unsupported MCP-Protocol-Version '\(version)'")
            }
        }
        if parsed?["method"] == "initialize" {
            return await initialize(bytes, request: request)
        }
        let context = Self.receiveContext(request)
        guard let id = request.headers.value(Self.sessionHeader) else {
            if Self.isStateless(parsed, request: request) { return await stateless(bytes, parsed: parsed, request: request, context: context) }
            if parsed == nil { return Self.error(.badRequest, "Parse error: the body is not JSON", code: -32700) }
            return Self.error(.badRequest, "Bad Request: the Mcp-Session-Id header is required")
        }
        guard let session = store.session(id) else {
            return Self.error(.notFound, "Session not found: initialize a new session")
        }
        if let token = streamToken(parsed) {
            return stream(bytes, parsed: parsed, session: session, token: token, context: context)
        }
        guard let reply = await Self.receive(bytes, parsed: parsed, by: session, context: context) else {
            return Response(status: .accepted, headers: [Self.sessionHeader: session.id])
        }
        // A message that could not be read at all (bad JSON, not JSON-RPC, a batch where batches are
        // not allowed) comes back as an error without an id: the POST itself is refused.
        if case .message(.error(id: nil, _)) = reply {
            return json(reply, session: session, status: .badRequest)
        }
        return json(reply, session: session)
    }

    /// Hands a POSTed message to the session's engine, parsed once (the routing already parsed it;
    /// a body that is not JSON goes in as bytes, for the engine's precise parse error).
    static func receive(_ bytes: [UInt8], parsed: JSONValue?, by session: HTTPSession, context: MCPReceiveContext) async -> MCPReply? {
        if let parsed { return await session.engine.receive(parsed: parsed, context: context) }
        return await session.engine.receive(bytes, context: context)
    }

    /// The shared POST preamble of both transports: `Content-Type` must be JSON (415) and the body
    /// must fit the limit (413).
    func readJSONBody(_ request: Request) async -> Result<[UInt8], Refusal> {
        guard request.headers.value(.contentType)?.lowercased().hasPrefix("application/json") == true else {
            return .failure(Refusal(Self.error(.unsupportedMediaType, "Unsupported Media Type: Content-Type must be application/json")))
        }
        var request = request
        do {
            return .success(Array(buffer: try await request.collectBody(upTo: configuration.maxBodyBytes)))
        } catch {
            return .failure(Refusal(Self.error(.contentTooLarge, "Content Too Large: the body exceeds \(configuration.maxBodyBytes) bytes")))
        }
    }

    private func initialize(_ bytes: [UInt8], request: Request) async -> Response {
        let session = HTTPSession(id: HTTPSessionStore.newID(), configuration: sessionConfiguration, handler: makeHandler(request), owner: owner, logger: logger)
        guard let reply = await session.engine.receive(bytes, context: Self.receiveContext(request)) else {
            return Self.error(.badRequest, "Bad Request: initialize must be a request")
        }
        guard case .message(.result) = reply else { return json(reply, session: nil, status: .ok) }
        guard store.insert(session) else {
            return Self.error(.serviceUnavailable, "Service Unavailable: too many sessions")
        }
        logger.info("http session started", metadata: ["path": "\(path)", "sessions": "\(store.count)"])
        return json(reply, session: session)
    }

    /// An SSE reply: the request's progress notifications, then its response, each with an event
    /// id. The request runs on even if the client disconnects (only `notifications/cancelled`
    /// cancels before 2026-07-28), so a GET with `Last-Event-ID` can still collect the answer; in
    /// the stateless revision closing the stream cancels the request.
    func stream(_ bytes: [UInt8], parsed: JSONValue?, session: HTTPSession, token: JSONValue?, context: MCPReceiveContext) -> Response {
        let streams = session.streams
        let (streamID, events) = streams.open(token: token)
        let work = CancelScope()
        owner.start {
            await work.run {
                let reply = await Self.receive(bytes, parsed: parsed, by: session, context: context)
                streams.finish(streamID, token: token, reply: reply?.jsonValue)
            }
        }
        let withIDs = !session.isStateless
        let body = ResponseBody { writer in
            do {
                for await event in events { try await writer.write(Self.event(event, withID: withIDs)) }
                try Task.checkCancellation()
                try await writer.finish(nil)
            } catch {
                if session.isStateless { work.cancel() } else { streams.detach(streamID) }
                throw error
            }
        }
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        if !session.isStateless { headers[Self.sessionHeader] = session.id }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// GET: with `Last-Event-ID`, resumes that stream; without, opens the session's standalone
    /// stream (one per session; keep-alive comments until the session or the server ends).
    func get(_ request: Request) -> Response {
        guard request.headers.value(.accept)?.containsBytes("text/event-stream") == true else {
            return Self.error(.notAcceptable, "Not Acceptable: Accept must list text/event-stream")
        }
        guard let id = request.headers.value(Self.sessionHeader) else { return Self.error(.badRequest, "Bad Request: the Mcp-Session-Id header is required") }
        guard let session = store.session(id) else { return Self.error(.notFound, "Session not found") }
        let streams = session.streams
        if let last = request.headers.value(Self.lastEventIDHeader) {
            guard let events = streams.resume(after: last) else {
                return Self.error(.badRequest, "Bad Request: Last-Event-ID '\(last)' names no stream this session keeps")
            }
            let body = ResponseBody { writer in
                for await event in events { try await writer.write(Self.event(event, withID: true)) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", Self.sessionHeader: id], body: body)
        }
        guard let events = streams.openStandalone() else {
            return Self.error(.conflict, "Conflict: this session's standalone stream is already open")
        }
        let body = ResponseBody { writer in
            defer { streams.detach(SessionStreams.standalone) }
            // Keep-alive comments (`StreamKeepAlive`) arrive as events: a failed write ends the stream.
            try await withGracefulShutdownHandler {
                for await event in events { try await writer.write(Self.event(event, withID: true)) }
            } onGracefulShutdown: {
                streams.closeStandalone()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", Self.sessionHeader: id], body: body)
    }

    func delete(_ request: Request) -> Response {
        guard let id = request.headers.value(Self.sessionHeader) else { return Self.error(.badRequest, "Bad Request: the Mcp-Session-Id header is required") }
        guard let session = store.remove(id) else { return Self.error(.notFound, "Session not found") }
        session.close()
        return Response(status: .noContent)
    }

    func json(_ reply: MCPReply, session: HTTPSession?, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let session, !session.isStateless { headers[Self.sessionHeader] = session.id }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.jsonValue.serializedBytes())))
    }

    /// The engine's view of an HTTP request: its headers, with the stateless routing-header checks on.
    static func receiveContext(_ request: Request) -> MCPReceiveContext {
        MCPReceiveContext(headers: request.headers.map { ($0.name.rawName, $0.value) }, checksRoutingHeaders: true)
    }

    static func event(_ event: SessionStreams.Event, withID: Bool) -> ByteBuffer {
        switch event {
        case .keepAlive: return ByteBuffer(string: ": keep-alive\n\n")
        case .message(let id, let value):
            return ByteBuffer(string: (withID ? "id: \(id)\n" : "") + "event: message\ndata: \(value.serialized())\n\n")
        }
    }

    static func event(_ value: JSONValue) -> ByteBuffer {
        ByteBuffer(string: "event: message\ndata: \(value.serialized())\n\n")
    }

    /// Whether to answer with SSE (`.some`, carrying the request's progress token if it has one) or JSON (nil).
    func streamToken(_ parsed: JSONValue?) -> JSONValue?? {
        guard Self.containsRequest(parsed), configuration.replies != .json else { return nil }
        let token = parsed?["params"]?["_meta"]?["progressToken"].flatMap { JSONRPCID($0) != nil ? $0 : nil }
        if token != nil || configuration.replies == .sse { return .some(token) }
        return nil
    }

    /// Whether a body holds at least one request (not only notifications or responses).
    static func containsRequest(_ value: JSONValue?) -> Bool {
        switch value {
        case .object(let object)?: return object["method"] != nil && object["id"] != nil
        case .array(let items)?: return items.contains { containsRequest($0) }
        default: return false
        }
    }
}

/// An HTTP answer that refuses a request before it reaches the engine.
struct Refusal: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
