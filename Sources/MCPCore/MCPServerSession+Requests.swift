import Foundation
import Logging

extension MCPServerSession {
    func handleRequest(id: JSONRPCID, method: String, params: JSONValue?, context: MCPReceiveContext) async -> JSONRPCMessage? {
        if method != "initialize", isStateless(params: params, context: context) {
            return await handleStateless(id: id, method: method, params: params, context: context)
        }
        let admission = lifecycle.withLock { $0.admit(method: method) }
        if let admission { return .error(id: id, error: admission) }
        if method == "tools/call" {
            return await runCancellable(id: id) {
                await self.respond(id: id) { () async throws(JSONRPCError) in
                    try await self.callTool(id: id, params: params, version: self.protocolVersion ?? .latest, context: context)
                }
            }
        }
        return await respond(id: id) { () async throws(JSONRPCError) in try await self.dispatch(method: method, params: params) }
    }

    func respond(id: JSONRPCID, _ body: () async throws(JSONRPCError) -> JSONValue) async -> JSONRPCMessage {
        do {
            return .result(id: id, result: try await body())
        } catch {
            return .error(id: id, error: error)
        }
    }

    /// Runs a request registered so `notifications/cancelled` can cancel it; a cancelled request
    /// gets no response. In the scope the calling task runs in, when it has one (an HTTP
    /// connection binds one for the requests it serves one after the other: no task of its own per
    /// call, which cost a task start and two switches on every call); otherwise in a scope of its
    /// own (stdio, SSE replies and batch entries run each request in a task of its own already).
    func runCancellable(id: JSONRPCID, _ work: @escaping @Sendable () async -> JSONRPCMessage) async -> JSONRPCMessage? {
        let bound = CancelScope.current
        let scope = bound ?? CancelScope()
        // Registered under the lock, so a cancellation can never miss a running request.
        let registered = inFlight.withLock { running in
            guard running[id] == nil else { return false }
            running[id] = scope
            return true
        }
        guard registered else {
            return .error(id: id, error: .invalidRequest("Invalid Request: id \(id) is already in use by a request in flight"))
        }
        let reply = bound == nil ? await scope.run(work) : await work()
        // Deregistered before the scope can serve another request, so a late notice cannot reach it.
        inFlight.withLock { _ = $0.removeValue(forKey: id) }
        if Task.isCancelled || scope.isCancelled {
            logger.debug("request cancelled", metadata: ["id": "\(id)"])
            return nil
        }
        return reply
    }

    /// Resources and prompts requests a handler may answer by passing them on to an upstream.
    public static let forwardedMethods: Set<String> = ["resources/list", "resources/templates/list", "resources/read", "prompts/list", "prompts/get"]

    private func dispatch(method: String, params: JSONValue?) async throws(JSONRPCError) -> JSONValue {
        if Self.forwardedMethods.contains(method), let answer = try await handler.forward(method: method, params: params) { return answer }
        switch method {
        case "initialize": return try initialize(params: params)
        case "ping": return .object([:])
        case "tools/list": return try await listTools(params: params, version: protocolVersion ?? .latest)
        case "logging/setLevel":
            guard let raw = params?["level"]?.stringValue, let level = MCPLogLevel(rawValue: raw) else {
                throw .invalidParams("Invalid params: 'level' must be one of \(MCPLogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel.withLock { $0 = level }
            return .object([:])
        case "resources/list": return ["resources": []]
        case "resources/templates/list": return ["resourceTemplates": []]
        case "prompts/list": return ["prompts": []]
        case "resources/read":
            let uri = params?["uri"]?.stringValue ?? ""
            throw JSONRPCError(code: .resourceNotFound, message: "Resource not found: '\(uri)'", data: ["uri": .string(uri)])
        case "prompts/get":
            throw .invalidParams("Invalid params: unknown prompt '\(params?["name"]?.stringValue ?? "")'")
        default:
            throw .methodNotFound("Method not found: '\(method)'")
        }
    }

    private func initialize(params: JSONValue?) throws(JSONRPCError) -> JSONValue {
        let version = try lifecycle.withLock { $0.initialize(params: params) }.get()
        var result: JSONObject = [
            "protocolVersion": .string(version.rawValue),
            "capabilities": .object(capabilities(for: version)),
            "serverInfo": configuration.serverInfo.jsonValue,
        ]
        if let instructions = configuration.instructions { result["instructions"] = .string(instructions) }
        logger.info("session initialized", metadata: ["version": "\(version)", "client": "\(lifecycle.withLock { $0.clientInfo?.name ?? "?" })"])
        return .object(result)
    }

    /// What this engine offers: tools, empty resource and prompt lists, and (with a handshake) logging.
    func capabilities(for version: MCPProtocolVersion) -> JSONObject {
        var capabilities: JSONObject = [
            "tools": ["listChanged": .bool(configuration.listsChange)],
            "resources": ["subscribe": false, "listChanged": .bool(configuration.listsChange)],
            "prompts": ["listChanged": .bool(configuration.listsChange)],
        ]
        if !version.isModern { capabilities["logging"] = [:] }
        return capabilities
    }

    func listTools(params: JSONValue?, version: MCPProtocolVersion) async throws(JSONRPCError) -> JSONValue {
        let tools = try await handler.listTools()
        var offset = 0
        if let cursorValue = params?["cursor"], !cursorValue.isNull {
            guard let cursor = cursorValue.stringValue, let decoded = MCPCursor.decode(cursor), decoded <= tools.count else {
                throw .invalidParams("Invalid params: 'cursor' is not a cursor this server issued")
            }
            offset = decoded
        }
        let end = min(tools.count, offset + configuration.toolsPageSize)
        var result: JSONObject = ["tools": .array(tools[offset..<end].map { $0.jsonValue(for: version) })]
        if end < tools.count { result["nextCursor"] = .string(MCPCursor.encode(end)) }
        return .object(result)
    }

    func callTool(id: JSONRPCID, params: JSONValue?, version: MCPProtocolVersion, context: MCPReceiveContext) async throws(JSONRPCError) -> JSONValue {
        guard let name = params?["name"]?.stringValue else {
            throw .invalidParams("Invalid params: tools/call needs a string 'name'")
        }
        var arguments = JSONObject()
        if let raw = params?["arguments"], !raw.isNull {
            guard let object = raw.objectValue else {
                throw .invalidParams("Invalid params: 'arguments' must be an object")
            }
            arguments = object
        }
        let meta = params?["_meta"]
        var reporter: MCPProgressReporter?
        if let token = meta?["progressToken"], JSONRPCID(token) != nil {
            reporter = MCPProgressReporter(token: token, send: send)
        }
        defer { reporter?.finish() }
        let call = MCPToolCall(
            requestID: id, name: name, arguments: arguments, meta: meta, protocolVersion: version, progress: reporter, transportHeaders: context.headers
        )
        let result = try await handler.callTool(call)
        return result.jsonValue(for: version)
    }

    func handleNotification(method: String, params: JSONValue?) async {
        switch method {
        case "notifications/initialized":
            if lifecycle.withLock({ $0.initialized() }) { await handler.sessionStarted(notify: send) }
        case "notifications/cancelled":
            guard let raw = params?["requestId"], let id = JSONRPCID(raw) else { return }
            // Under the lock: a registered request is still running (it deregisters first).
            inFlight.withLock { $0[id]?.cancel() }
        default:
            logger.debug("notification ignored", metadata: ["method": "\(method)"])
        }
    }
}

/// Opaque `tools/list` cursors: base64 of a page offset, so any instance can continue a listing.
enum MCPCursor {
    static func encode(_ offset: Int) -> String {
        Data("tg1:\(offset)".utf8).base64EncodedString()
    }

    static func decode(_ cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("tg1:"), let offset = Int(text.dropFirst(4)), offset >= 0
        else { return nil }
        return offset
    }
}
