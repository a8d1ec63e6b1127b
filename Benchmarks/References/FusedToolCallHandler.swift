import GatewayCore
import MCPCore
import NIOCore
import NIOHTTP1
import OpenAPIImport
import RESTUpstream
import Synchronization
import UpstreamHTTP

/// The least work an MCP `tools/call` of an OpenAPI operation needs, inline on the event loop:
/// `initialize` opens a session, notifications get 202, and a call (in a session or stateless) is
/// checked, parsed, validated, built, sent on the connection's upstream link, mapped (JSON text
/// plus structured content) and encoded. Anything else gets a JSON-RPC error. A benchmark bound,
/// not a server: no cancellation, progress, logging, policies or SSE.
final class FusedToolCallHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    /// The imported operations by tool name, the upstream's base URL and the open sessions.
    final class Tools: Sendable {
        let byName: [String: ImportedTool]
        let validators: [String: ArgumentValidator]
        let baseURL: String
        let sessions = Mutex<Set<String>>([])

        init(imported: ImportResult, baseURL: String) {
            byName = Dictionary(imported.tools.map { ($0.tool.name, $0) }, uniquingKeysWith: { first, _ in first })
            validators = byName.mapValues { ArgumentValidator(schema: $0.tool.inputSchema) }
            self.baseURL = baseURL
        }
    }

    private let tools: Tools
    private let upstream: UpstreamLink
    private var request = MessageCollector<HTTPRequestHead>()

    init(tools: Tools, upstream: UpstreamLink) {
        self.tools = tools
        self.upstream = upstream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let (head, body) = request.receive(unwrapInboundIn(data)) else { return }
        let headers = head.headers
        guard head.method == .POST, headers.first(name: "content-type")?.lowercased().hasPrefix("application/json") == true,
            let accept = headers.first(name: "accept"), accept.containsBytes("application/json"), accept.containsBytes("text/event-stream")
        else { return context.respond(.badRequest) }
        guard let message = try? JSONParser().parse(body.map { Array($0.readableBytesView) } ?? []), message["jsonrpc"] == "2.0",
            let method = message["method"]?.stringValue
        else { return reject(context, id: nil, code: -32700, "Parse error") }
        guard let id = message["id"] else { return context.respond(.accepted) }
        let session = headers.first(name: "mcp-session-id")
        switch method {
        case "initialize":
            let session = String(UInt64.random(in: 1...UInt64.max), radix: 16)
            _ = tools.sessions.withLock { $0.insert(session) }
            let result: JSONValue = [
                "protocolVersion": message["params"]?["protocolVersion"] ?? .string(MCPProtocolVersion.latest.rawValue),
                "capabilities": ["tools": [:]], "serverInfo": ["name": "fused-bound", "version": "1"],
            ]
            reply(context, id: id, result: result, session: session)
        case "tools/call":
            if let session {
                guard tools.sessions.withLock({ $0.contains(session) }) else { return context.respond(.notFound) }
            } else if headers.first(name: "mcp-protocol-version") == nil {
                return context.respond(.badRequest)
            }
            call(context, id: id, params: message["params"]?.objectValue ?? [:], session: session)
        default:
            reject(context, id: id, code: -32601, "Method not found: \(method)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream.close()
        context.fireChannelInactive()
    }

    private func call(_ context: ChannelHandlerContext, id: JSONValue, params: JSONObject, session: String?) {
        guard let name = params["name"]?.stringValue, let tool = tools.byName[name] else {
            return reject(context, id: id, code: -32602, "Unknown tool")
        }
        var arguments = params["arguments"]?.objectValue ?? [:]
        let problems = tools.validators[name]?.problems(arguments) ?? []
        guard problems.isEmpty else {
            return reply(context, id: id, result: MCPToolResult.error(problems.joined(separator: "; ")).jsonValue(), session: session)
        }
        for (key, value) in tool.binding.fixedArguments { arguments[key] = value }
        guard let prepared = try? RequestBuilder().build(tool.binding, arguments: arguments, baseURL: tools.baseURL),
            let target = prepared.plainTarget?.requestTarget
        else { return reply(context, id: id, result: MCPToolResult.error("Invalid arguments").jsonValue(), session: session) }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: prepared.method), uri: target)
        for (name, value) in prepared.headers { head.headers.add(name: name, value: value) }
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        upstream.send(head, body: prepared.body.map { ByteBuffer(bytes: $0) }, on: context.value.eventLoop) { [self] answer in
            let result: MCPToolResult
            if case .response(let head, let body) = answer {
                let bytes = body.map { Array($0.readableBytesView) } ?? []
                if (200..<300).contains(head.status.code), let value = try? JSONParser().parse(bytes) {
                    result = MCPToolResult(content: [.text(String(decoding: bytes, as: UTF8.self))], structuredContent: value.objectValue != nil ? value : nil)
                } else {
                    result = .error("HTTP \(head.status.code) \(head.status.reasonPhrase)")
                }
            } else {
                result = .error("Upstream request failed")
            }
            reply(context.value, id: id, result: result.jsonValue(), session: session)
        }
    }

    private func reply(_ context: ChannelHandlerContext, id: JSONValue, result: JSONValue, session: String?) {
        let message: JSONValue = ["jsonrpc": "2.0", "id": id, "result": result]
        var headers = [("Content-Type", "application/json")]
        if let session { headers.append(("Mcp-Session-Id", session)) }
        context.respond(.ok, headers: headers, body: ByteBuffer(bytes: message.serializedBytes()))
    }

    private func reject(_ context: ChannelHandlerContext, id: JSONValue?, code: Int, _ text: String) {
        let message: JSONValue = ["jsonrpc": "2.0", "id": id ?? .null, "error": ["code": .int(Int64(code)), "message": .string(text)]]
        context.respond(.badRequest, headers: [("Content-Type", "application/json")], body: ByteBuffer(bytes: message.serializedBytes()))
    }
}
