import MCPCore

/// A tool call on its way through the policy chain to a provider.
public struct ToolCall: Sendable {
    /// The tool's name as the client sees it.
    public var name: String
    /// The arguments object.
    public var arguments: JSONObject
    /// Reports progress to the client when it asked for it.
    public var progress: MCPProgressReporter?

    public init(name: String, arguments: JSONObject, progress: MCPProgressReporter? = nil) {
        self.name = name
        self.arguments = arguments
        self.progress = progress
    }
}
