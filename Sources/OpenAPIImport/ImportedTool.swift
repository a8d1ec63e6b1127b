import MCPCore

/// One operation as a tool: what clients see, and how to execute it.
public struct ImportedTool: Sendable, Hashable {
    public var tool: MCPTool
    public var binding: OperationBinding

    public init(tool: MCPTool, binding: OperationBinding) {
        self.tool = tool
        self.binding = binding
    }
}

/// Everything one import produced.
public struct ImportResult: Sendable {
    public var tools: [ImportedTool]
    public var diagnostics: [Diagnostic]
    /// `"2.0"`, `"3.0.3"`, `"3.1.0"`...
    public var specVersion: String
    public var title: String?
    /// Operations found in the document (before any filtering).
    public var operationCount: Int
    /// Operations that produced no tool because they are malformed.
    public var skippedCount: Int
    /// Operations left out by the selection (tags, operationIds, methods, paths).
    public var excludedCount: Int
    /// The document's security schemes by name.
    public var securitySchemes: [String: SecurityScheme]

    public init(
        tools: [ImportedTool], diagnostics: [Diagnostic], specVersion: String, title: String?,
        operationCount: Int, skippedCount: Int, excludedCount: Int = 0, securitySchemes: [String: SecurityScheme] = [:]
    ) {
        self.securitySchemes = securitySchemes
        self.excludedCount = excludedCount
        self.tools = tools
        self.diagnostics = diagnostics
        self.specVersion = specVersion
        self.title = title
        self.operationCount = operationCount
        self.skippedCount = skippedCount
    }

    /// The tools as MCP sees them.
    public var mcpTools: [MCPTool] { tools.map(\.tool) }
}
