/// The stateless revision (2026-07-28) beside the handshake revisions ("dual-era"): a request
/// whose `_meta` carries the envelope is served on its own, with no `initialize` and no session
/// state, as long as this session has not done a handshake.
extension MCPServerSession {
    /// Whether a request belongs to the stateless revision: it carries the envelope, or its HTTP
    /// `MCP-Protocol-Version` names a stateless revision, and no handshake has happened here.
    func isStateless(params: JSONValue?, context: MCPReceiveContext) -> Bool {
        guard protocolVersion == nil else { return false }
        if MCPRequestEnvelope.isPresent(in: params) { return true }
        guard let header = context.value(of: "mcp-protocol-version") else { return false }
        return MCPProtocolVersion(rawValue: header).isModern
    }

    func handleStateless(id: JSONRPCID, method: String, params: JSONValue?, context: MCPReceiveContext) async -> JSONRPCMessage? {
        let envelope: MCPRequestEnvelope
        switch MCPRequestEnvelope.classify(method: method, params: params, headers: context) {
        case .failure(let error): return .error(id: id, error: error)
        case .success(let value): envelope = value
        }
        let version = envelope.version
        if method == "tools/call" {
            return await runCancellable(id: id) {
                await self.respond(id: id) { () async throws(JSONRPCError) in
                    Self.complete(try await self.callTool(id: id, params: params, version: version, context: context))
                }
            }
        }
        return await respond(id: id) { () async throws(JSONRPCError) in
            Self.complete(try await self.dispatchStateless(method: method, params: params, version: version))
        }
    }

    private func dispatchStateless(method: String, params: JSONValue?, version: MCPProtocolVersion) async throws(JSONRPCError) -> JSONValue {
        if Self.forwardedMethods.contains(method), let answer = try await handler.forward(method: method, params: params) {
            return method.hasSuffix("/list") ? Self.cacheable(answer) : answer
        }
        switch method {
        case "server/discover":
            var result: JSONObject = [
                "supportedVersions": .array(MCPProtocolVersion.all.map { .string($0.rawValue) }),
                "capabilities": .object(capabilities(for: version)),
                "_meta": [MCPRequestEnvelope.serverInfoKey: configuration.serverInfo.jsonValue],
            ]
            if let instructions = configuration.instructions { result["instructions"] = .string(instructions) }
            return Self.cacheable(.object(result))
        case "tools/list": return Self.cacheable(try await listTools(params: params, version: version))
        case "resources/list": return Self.cacheable(["resources": []])
        case "resources/templates/list": return Self.cacheable(["resourceTemplates": []])
        case "prompts/list": return Self.cacheable(["prompts": []])
        case "resources/read":
            // 2026-07-28 reports an unknown resource as invalid params.
            throw .invalidParams("Invalid params: resource not found: '\(params?["uri"]?.stringValue ?? "")'")
        case "prompts/get":
            throw .invalidParams("Invalid params: unknown prompt '\(params?["name"]?.stringValue ?? "")'")
        default:
            throw .methodNotFound("Method not found: '\(method)' is not part of protocol revision \(version)")
        }
    }

    /// Every stateless result says it is complete.
    static func complete(_ result: JSONValue) -> JSONValue {
        guard case .object(var object) = result else { return result }
        object["resultType"] = "complete"
        return .object(object)
    }

    /// Lists may be cached by the client only within its own authorisation context, and not
    /// beyond this answer: the catalogue can change when the configuration does.
    static func cacheable(_ result: JSONValue) -> JSONValue {
        guard case .object(var object) = result else { return result }
        object["cacheScope"] = "private"
        object["ttlMs"] = 0
        return .object(object)
    }
}
