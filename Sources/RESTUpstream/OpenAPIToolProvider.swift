import GatewayCore
import MCPCore
import OpenAPIImport

/// The tools of one imported OpenAPI document, executed against its HTTP API.
public struct OpenAPIToolProvider: ToolProvider {
    let toolList: [MCPTool]
    let byName: [String: ImportedTool]
    let executor: RESTExecutor
    let baseURL: String?
    let validator = ArgumentValidator()

    /// `baseURL` overrides the document's server URLs.
    public init(imported: ImportResult, executor: RESTExecutor, baseURL: String? = nil) {
        self.toolList = imported.mcpTools
        self.byName = Dictionary(imported.tools.map { ($0.tool.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.executor = executor
        self.baseURL = baseURL
    }

    public func tools() async throws(GatewayError) -> [MCPTool] {
        toolList
    }

    public func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        guard let imported = byName[call.name] else {
            throw GatewayError(.unknownTool, "Unknown tool: '\(call.name)'")
        }
        let problems = validator.problems(call.arguments, schema: imported.tool.inputSchema)
        if !problems.isEmpty {
            return .error("Invalid arguments for '\(call.name)': " + problems.joined(separator: "; "))
        }
        var arguments = call.arguments
        for (name, value) in imported.binding.fixedArguments { arguments[name] = value }
        return await executor.execute(imported.binding, arguments: arguments, baseURL: baseURL)
    }
}
