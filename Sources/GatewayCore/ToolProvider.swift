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
    /// Calls `observer` whenever one of its lists (tools, resources, prompts) changes; nil for a
    /// provider whose lists never change.
    func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation?
}

extension ToolProvider {
    public func shutdown() async {}
    public func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation? { nil }
}
