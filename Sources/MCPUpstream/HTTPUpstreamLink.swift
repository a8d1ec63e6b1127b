import Foundation
import GatewayCore
import Logging
import MCPCore
import NIOCore
import NIOHTTP1
import Synchronization
import UpstreamHTTP

/// One session with a remote MCP server. Streamable HTTP: each message is a POST whose answer
/// comes back as JSON or as an SSE stream, the session id and negotiated revision travel in
/// `Mcp-Session-Id` and `MCP-Protocol-Version`, server notifications arrive on a standalone GET
/// stream, and the session is deleted when the link ends. When the server refuses the
/// `initialize` POST with 400, 404 or 405 (a 2024-11-05 server), the link falls back to the
/// legacy transport, as the specification describes (see `HTTPUpstreamLink+Legacy`).
final class HTTPUpstreamLink: MCPUpstreamLink {
    enum Mode: Sendable {
        case streamable
        case legacy(messages: URL)
    }

    struct State: Sendable {
        var mode: Mode = .streamable
        var sessionID: String?
        var version: String?
        var closed = false
        /// The event streams' jobs (on the connector's owner), cancelled when the link ends.
        var streams: [CancelScope] = []
    }

    let endpoint: RemoteMCPEndpoint
    let pool: HTTP1ConnectionPool
    let requestTimeout: Duration
    let owner: TaskOwner
    let logger: Logger
    let connection: MCPClientConnection
    let state = Mutex(State())
    private let onClose: @Sendable (String) -> Void

    init(
        endpoint: RemoteMCPEndpoint, pool: HTTP1ConnectionPool = .shared, requestTimeout: Duration, owner: TaskOwner, logger: Logger,
        onNotification: @escaping @Sendable (String, JSONValue?) async -> Void, onClose: @escaping @Sendable (String) -> Void
    ) {
        self.endpoint = endpoint
        self.pool = pool
        self.requestTimeout = requestTimeout
        self.owner = owner
        self.logger = logger
        self.onClose = onClose
        let reference = LinkReference()
        connection = MCPClientConnection(owner: owner, logger: logger, onNotification: onNotification) { message in
            guard let link = reference.link else { return false }
            return await link.write(message)
        }
        reference.link = self
    }

    var label: String {
        let (mode, session) = state.withLock { ($0.mode, $0.sessionID) }
        switch mode {
        case .streamable: return "\(endpoint.redacted) session \(session ?? "(none)")"
        case .legacy: return "\(endpoint.redacted) (legacy SSE)"
        }
    }

    func negotiated(_ version: String) async {
        let streamable = state.withLock { state -> Bool in
            state.version = version
            if case .streamable = state.mode { return true }
            return false
        }
        if streamable { listen() }
    }

    func terminate() async {
        let (mode, session) = state.withLock { ($0.mode, $0.sessionID) }
        if case .streamable = mode, session != nil {
            _ = try? await pool.stream(sessionRequest(method: .DELETE).request, deadline: .now() + .seconds(2)).body.drain()
        }
        close("the gateway ended the session")
    }

    /// Closes the connection once; waiting requests fail, the provider reconnects on next use.
    /// `unprocessed`: the server never saw the waiting requests (an expired session), so the
    /// provider may send them again on a new session.
    func close(_ reason: String, unprocessed: Bool = false) {
        let streams = state.withLock { state -> [CancelScope]? in
            guard !state.closed else { return nil }
            state.closed = true
            return state.streams
        }
        guard let streams else { return }
        for stream in streams { stream.cancel() }
        connection.close(
            JSONRPCError(
                code: .internalError, message: "the connection to the remote MCP server ended: \(reason)",
                data: unprocessed ? [MCPUpstreamProvider.unprocessedKey: true] : nil
            )
        )
        onClose(reason)
    }

    /// Sends one message the way the current transport wants.
    func write(_ message: JSONValue) async -> Bool {
        switch state.withLock({ $0.mode }) {
        case .streamable: return await post(message)
        case .legacy(let messages): return await postLegacy(message, to: messages)
        }
    }

    /// A request to the endpoint with the configured headers.
    func request(method: HTTPMethod, url: URL? = nil) -> UpstreamRequest {
        var request = UpstreamRequest(method: method, url: url ?? endpoint.url)
        for (name, value) in endpoint.headers { request.headers.add(name: name, value: value) }
        return request
    }

    /// A request of the streamable-HTTP session: the configured headers, plus `Mcp-Session-Id` and
    /// `MCP-Protocol-Version` once they are known; also returns the session id it carries.
    func sessionRequest(method: HTTPMethod) -> (request: UpstreamRequest, session: String?) {
        var request = request(method: method)
        let (session, version) = state.withLock { ($0.sessionID, $0.version) }
        if let session { request.headers.replaceOrAdd(name: "mcp-session-id", value: session) }
        if let version { request.headers.replaceOrAdd(name: "mcp-protocol-version", value: version) }
        return (request, session)
    }

    private func post(_ message: JSONValue) async -> Bool {
        let isInitialize = message["method"]?.stringValue == "initialize"
        let id = message["id"]?.intValue
        var (request, session) = sessionRequest(method: .POST)
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "accept", value: "application/json, text/event-stream")
        request.body = ByteBuffer(bytes: message.serializedBytes())
        let response: HTTP1StreamingResponse
        do {
            response = try await pool.stream(request, deadline: .now() + TimeAmount(requestTimeout))
        } catch {
            return await failed(id, "the remote MCP server \(endpoint.redacted) cannot be reached: \(error)")
        }
        let status = Int(response.status.code)
        if isInitialize, endpoint.transport == .auto, [400, 404, 405].contains(status) {
            await response.body.drain()
            logger.info("remote MCP server refused streamable HTTP; trying the legacy SSE transport", metadata: ["url": "\(endpoint.redacted)", "status": "\(status)"])
            do {
                let messages = try await openLegacy()
                return await postLegacy(message, to: messages)
            } catch {
                return await failed(id, "the remote MCP server answered HTTP \(status) to streamable HTTP, and its legacy SSE transport failed too: \(error.message)")
            }
        }
        if isInitialize, let assigned = response.headers.first(name: "mcp-session-id") {
            state.withLock { $0.sessionID = assigned }
        }
        if status == 404, session != nil {
            await response.body.drain()
            close("the remote session expired (HTTP 404)", unprocessed: true)
            return true
        }
        guard (200..<300).contains(status) else {
            let body = (try? await response.body.collect(upTo: 64 << 10)) ?? []
            if let value = try? JSONParser().parse(body), value["error"] != nil, value["id"]?.intValue == id, id != nil {
                await connection.receive(body)
                return true
            }
            let snippet = String(decoding: body.prefix(300), as: UTF8.self)
            return await failed(id, "the remote MCP server answered HTTP \(status)\(snippet.isEmpty ? "" : ": \(snippet)")")
        }
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            do {
                try await answers(for: id, from: response.body)
            } catch {
                return false
            }
            if let id, connection.isWaiting(for: id) {
                return await failed(id, "the remote MCP server ended its response stream without answering")
            }
            return true
        }
        do {
            let body = try await response.body.collect(upTo: endpoint.maxMessageBytes)
            if !body.isEmpty { await connection.receive(body) }
        } catch {
            return await failed(id, "the remote MCP server's answer could not be read: \(error)")
        }
        if let id, connection.isWaiting(for: id) {
            return await failed(id, "the remote MCP server answered HTTP \(status) without a JSON-RPC response")
        }
        return true
    }

    /// Reads a request's SSE answer stream. A stream that ends before the answer (the server
    /// may close it on purpose, after an event id and a `retry:` delay) is resumed with a GET
    /// carrying `Last-Event-ID`, as the specification describes, a few times at most.
    func answers(for id: Int64?, from body: HTTP1ResponseBody) async throws {
        var end = try await events(of: body, awaiting: id)
        var resumes = 0
        while let id, connection.isWaiting(for: id), let lastEventID = end.lastEventID, resumes < 5 {
            resumes += 1
            try await Task.sleep(for: min(end.retry ?? .zero, .seconds(5)))
            logger.debug("resuming a remote MCP response stream", metadata: ["after": "\(lastEventID)"])
            guard let response = try await openStream(after: lastEventID) else { return }
            let resumed = try await events(of: response.body, awaiting: id)
            end = StreamEnd(lastEventID: resumed.lastEventID ?? lastEventID, retry: resumed.retry ?? end.retry)
        }
    }

    /// Keeps the standalone GET stream open, on which a streamable-HTTP server sends its own
    /// notifications (`tools/list_changed`): reopened with `Last-Event-ID` and a growing delay
    /// when it drops, until the link ends; a server without one (405) is left alone.
    private func listen() {
        let scope = CancelScope()
        state.withLock { $0.streams.append(scope) }
        owner.start { await scope.run {
            var lastEventID: String?
            var failures = 0
            while !Task.isCancelled, !self.state.withLock({ $0.closed }) {
                let started = ContinuousClock.now
                do {
                    guard let response = try await self.openStream(after: lastEventID) else { return }
                    let end = try await self.events(of: response.body)
                    lastEventID = end.lastEventID ?? lastEventID
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.debug("remote MCP standalone stream failed", metadata: ["error": "\(error)"])
                }
                failures = ContinuousClock.now - started > .seconds(30) ? 0 : failures + 1
                let delay = Duration.milliseconds(250) * (1 << min(failures, 7))
                do {
                    try await Task.sleep(for: min(delay, .seconds(30)))
                } catch {
                    return
                }
            }
        } }
    }

    /// Where an SSE body left off: the last event id and the server's reconnection delay.
    struct StreamEnd: Sendable {
        var lastEventID: String?
        var retry: Duration?

        init(lastEventID: String?, retry: Duration?) {
            self.lastEventID = lastEventID
            self.retry = retry
        }

        init(_ parser: SSEEventParser) {
            self.init(lastEventID: parser.lastEventID, retry: parser.retryMilliseconds.map { .milliseconds($0) })
        }
    }

    /// Feeds every `message` event of an SSE body to the connection, and other events to `other`,
    /// until the body ends or the request `awaiting` has its answer (a resumed stream stays open);
    /// returns where the stream ended, for a resume with `Last-Event-ID`.
    @discardableResult
    func events(
        of body: HTTP1ResponseBody, awaiting: Int64? = nil, other: (SSEEventParser.Event) async -> Void = { _ in }
    ) async throws -> StreamEnd {
        var parser = SSEEventParser(maxEventBytes: endpoint.maxMessageBytes)
        do {
            for try await chunk in body {
                for output in parser.feed(chunk) {
                    switch output {
                    case .event(let event) where event.event == "message":
                        guard !event.data.isEmpty else { continue }
                        await connection.receive(event.data)
                        if let awaiting, !connection.isWaiting(for: awaiting) { return StreamEnd(parser) }
                    case .event(let event):
                        await other(event)
                    case .tooLarge(let size):
                        logger.warning("remote MCP server sent an event over the limit; discarded", metadata: ["bytes": "\(size)", "limit": "\(endpoint.maxMessageBytes)"])
                    case .comment: break
                    }
                }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.debug("remote MCP event stream broke", metadata: ["error": "\(error)"])
        }
        return StreamEnd(parser)
    }

    /// A GET for the session's event stream, resuming after `lastEventID` when given.
    func streamRequest(after lastEventID: String?) -> UpstreamRequest {
        var request = sessionRequest(method: .GET).request
        request.headers.replaceOrAdd(name: "accept", value: "text/event-stream")
        if let lastEventID { request.headers.replaceOrAdd(name: "last-event-id", value: lastEventID) }
        return request
    }

    /// Opens a GET event stream; nil (body drained) when the server answers anything but one.
    func openStream(after lastEventID: String?) async throws -> HTTP1StreamingResponse? {
        let response = try await pool.stream(streamRequest(after: lastEventID), deadline: .distantFuture)
        guard response.status == .ok, response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true else {
            await response.body.drain()
            logger.debug("remote MCP server opened no event stream", metadata: ["status": "\(response.status.code)"])
            return nil
        }
        return response
    }

    /// Answers a request the transport could not deliver with a JSON-RPC error, so its caller never hangs.
    func failed(_ id: Int64?, _ message: String) async -> Bool {
        guard let id else {
            logger.warning("message to the remote MCP server not delivered", metadata: ["reason": "\(message)"])
            return false
        }
        await connection.fail(id: id, JSONRPCError(code: .internalError, message: message))
        return true
    }
}

/// The link its connection writes through, held weakly (the link owns the connection).
final class LinkReference: Sendable {
    private struct Weak {
        weak var link: HTTPUpstreamLink?
    }

    private let storage = Mutex(Weak())

    var link: HTTPUpstreamLink? {
        get { storage.withLock { $0.link } }
        set { storage.withLock { $0.link = newValue } }
    }
}
