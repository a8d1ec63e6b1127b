import MCPCore

extension GatewayToolHandler {
    /// Answers the three discovery meta-tools; `call_tool` runs the named tool through the policy chain.
    func discover(_ call: MCPToolCall, tools: [MCPTool]) async throws(JSONRPCError) -> MCPToolResult {
        switch call.name {
        case ToolDiscovery.searchName:
            guard let query = call.arguments["query"]?.stringValue else {
                return .error("Invalid arguments for 'search_tools': missing required argument 'query'")
            }
            let limit = Int(max(1, min(50, call.arguments["limit"]?.intValue ?? 10)))
            let found = searchIndex.index(for: tools).search(query, limit: limit)
            let entries: [JSONValue] = found.map { tool in
                ["name": .string(tool.name), "summary": .string(String(tool.description.split(separator: "\n").first ?? ""))]
            }
            let structured: JSONValue = ["tools": .array(entries)]
            let text = found.isEmpty
                ? "No tool matches '\(query)'. Try other words."
                : found.map { "\($0.name): \($0.description.split(separator: "\n").first ?? "")" }.joined(separator: "\n")
            return MCPToolResult(content: [.text(text)], structuredContent: structured)
        case ToolDiscovery.describeName:
            guard let name = call.arguments["name"]?.stringValue else {
                return .error("Invalid arguments for 'describe_tool': missing required argument 'name'")
            }
            guard let tool = tools.first(where: { $0.name == name }) else {
                return .error("No tool named '\(name)'. Use search_tools to find tool names.")
            }
            let definition = tool.jsonValue(for: call.protocolVersion)
            return MCPToolResult(content: [.text(definition.serialized())], structuredContent: definition)
        default:
            guard let name = call.arguments["name"]?.stringValue else {
                return .error("Invalid arguments for 'call_tool': missing required argument 'name'")
            }
            guard tools.contains(where: { $0.name == name }) else {
                return .error("No tool named '\(name)'. Use search_tools to find tool names.")
            }
            var inner = call
            inner.name = name
            switch call.arguments["arguments"] {
            case .object(let arguments)?: inner.arguments = arguments
            case nil, .null?: inner.arguments = [:]
            default: return .error("Invalid arguments for 'call_tool': 'arguments' must be an object")
            }
            return try await run(inner)
        }
    }
}
