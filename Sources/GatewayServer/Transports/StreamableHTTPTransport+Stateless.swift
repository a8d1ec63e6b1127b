import HTTPTypes
import Hummingbird
import MCPCore

/// The stateless revision (2026-07-28) on the same endpoint as the handshake revisions: a POST
/// without `Mcp-Session-Id` whose request carries the per-request envelope (or whose
/// `MCP-Protocol-Version` names a stateless revision) is answered by a one-request engine, so
/// any instance can answer any request and nothing is kept afterwards.
extension StreamableHTTPTransport {
    static func isStateless(_ parsed: JSONValue?, request: Request) -> Bool {
        if let header = request.headers.value(versionHeader), MCPProtocolVersion(rawValue: header).isModern { return true }
        return MCPRequestEnvelope.isPresent(in: parsed?["params"])
    }

    func stateless(_ bytes: [UInt8], parsed: JSONValue?, request: Request, context: MCPReceiveContext) async -> Response {
        let session = HTTPSession(id: "", configuration: sessionConfiguration, handler: makeHandler(request), owner: owner, logger: logger)
        if let token = streamToken(parsed) {
            return stream(bytes, parsed: parsed, session: session, token: token, context: context)
        }
        // Closing the connection before the answer cancels the request (as closing its SSE stream does).
        let reply = await ClientConnection.cancellingOnClose { await Self.receive(bytes, parsed: parsed, by: session, context: context) }
        await session.engine.end()
        guard let reply else {
            return Response(status: .accepted)
        }
        return json(reply, session: session, status: Self.status(of: reply))
    }

    /// The HTTP status the stateless revision gives a JSON-RPC error: 404 for an unknown method,
    /// 400 for a request the server could not take; results and tool errors are 200.
    static func status(of reply: MCPReply) -> HTTPResponse.Status {
        guard case .message(.error(_, let error)) = reply else { return .ok }
        switch error.code {
        case .methodNotFound: return .notFound
        case .parseError, .invalidRequest, .invalidParams, .headerMismatch, .missingRequiredClientCapability, .unsupportedProtocolVersion:
            return .badRequest
        default: return .ok
        }
    }
}
