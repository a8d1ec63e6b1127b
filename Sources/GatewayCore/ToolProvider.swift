import MCPCore

/// A source of tools: an imported OpenAPI document, a stdio child, a remote MCP server.
public protocol ToolProvider: Sendable {
    /// The tools, in a stable order.
    func tools() async throws(GatewayError) -> [MCPTool]
    /// Runs one tool. Unknown tool → `GatewayError` with `.unknownTool`; upstream failures are
    /// `isError` results, not thrown errors.
    func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult
    /// Releases what the provider holds (a child process); called when the session that owns it ends.
    func shutdown() async
    /// Calls `observer` whenever the tool list changes; nil for a provider whose list never changes.
    func observeToolList(_ observer: @escaping ToolListBroadcaster.Observer) -> ToolListObservation?
}

extension ToolProvider {
    public func shutdown() async {}
    public func observeToolList(_ observer: @escaping ToolListBroadcaster.Observer) -> ToolListObservation? { nil }
}
