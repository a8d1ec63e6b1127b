import GatewayCore
import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore
import ServiceLifecycle

/// The legacy HTTP+SSE transport (2024-11-05) beside streamable HTTP: `GET <path>/sse` opens the
/// stream, whose first event names the messages endpoint; `POST <path>/messages?session_id=…`
/// answers 202 and the reply travels on the stream. Closing the stream ends the session.
extension StreamableHTTPTransport {
    func registerLegacy(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(legacyPath + "/sse")) { request, _ in await self.guarded(request) { self.openLegacyStream($0) } }
        router.post(RouterPath(legacyPath + "/messages")) { request, _ in await self.guarded(request) { try await self.postLegacy($0) } }
    }

    private func openLegacyStream(_ request: Request) -> Response {
        guard request.headers.value(.accept).map({ $0.containsBytes("text/event-stream") || $0.containsBytes("*/*") }) ?? true else {
            return Self.error(.notAcceptable, "Not Acceptable: Accept must list text/event-stream")
        }
        let session = LegacySSESession(
            id: HTTPSessionStore.newID(), configuration: sessionConfiguration, handler: makeHandler(request), owner: owner, logger: logger
        )
        guard legacy.insert(session) else { return Self.error(.serviceUnavailable, "Service Unavailable: too many sessions") }
        let endpoint = "\(legacyPath)/messages?session_id=\(session.id)"
        let store = legacy
        let body = ResponseBody { writer in
            defer {
                session.close()
                _ = store.remove(session.id)
            }
            try await writer.write(ByteBuffer(string: "event: endpoint\ndata: \(endpoint)\n\n"))
            // The stream ends when the client goes (a keep-alive write fails: `StreamKeepAlive`
            // yields a null message for its comment) or the server shuts down.
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await session.serve() }
                    for await message in session.outbox {
                        try await writer.write(message.isNull ? ByteBuffer(string: ": keep-alive\n\n") : Self.event(message))
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                session.close()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private func postLegacy(_ request: Request) async throws -> Response {
        guard let id = request.uri.queryParameters.get("session_id") ?? request.uri.queryParameters.get("sessionId") else {
            return Self.error(.badRequest, "Bad Request: session_id is required")
        }
        guard let session = legacy.session(id) else { return Self.error(.notFound, "Session not found") }
        switch await readJSONBody(request) {
        case .failure(let refusal): return refusal.response
        case .success(let bytes):
            session.inboxContinuation.yield((bytes, Self.receiveContext(request)))
            return Response(status: .accepted)
        }
    }
}
