import GatewayCore
import MCPCore

/// Discovery mode for huge APIs: instead of hundreds of tools, a client sees three —
/// `search_tools` (ranked word search over names, descriptions and argument names),
/// `describe_tool` (one tool's full definition) and `call_tool` (run it) — so a client that
/// accepts only ~40 tools still reaches every operation.
public struct ToolDiscovery: Sendable {
    /// When discovery replaces the full list.
    public typealias Mode = DiscoveryMode

    public static let searchName = "search_tools"
    public static let describeName = "describe_tool"
    public static let callName = "call_tool"

    public var mode: Mode
    public var threshold: Int

    public init(mode: Mode = .auto, threshold: Int = 40) {
        self.mode = mode
        self.threshold = threshold
    }

    /// Whether discovery applies to a server with this many tools.
    public func applies(toolCount: Int) -> Bool {
        switch mode {
        case .on: return true
        case .off: return false
        case .auto: return toolCount > threshold
        }
    }

    /// The three meta-tools.
    public static func metaTools(serverName: String, toolCount: Int) -> [MCPTool] {
        [
            MCPTool(
                name: searchName, title: "Search the \(serverName) tools",
                description: "Search the \(toolCount) operations of \(serverName) by words (what you want to do, objects, fields). "
                    + "Returns the best matching tool names with a one-line summary. Then call describe_tool for the arguments, and call_tool to run one.",
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "query": ["type": "string", "description": "Words describing the operation you need."],
                        "limit": ["type": "integer", "minimum": 1, "maximum": 50, "default": 10],
                    ],
                    "required": ["query"], "additionalProperties": false,
                ],
                annotations: MCPToolAnnotations(readOnlyHint: true, openWorldHint: false)
            ),
            MCPTool(
                name: describeName, title: "Describe one \(serverName) tool",
                description: "Returns one tool's full definition: description and JSON Schema of its arguments.",
                inputSchema: [
                    "type": "object", "properties": ["name": ["type": "string", "description": "A tool name from search_tools."]],
                    "required": ["name"], "additionalProperties": false,
                ],
                annotations: MCPToolAnnotations(readOnlyHint: true, openWorldHint: false)
            ),
            MCPTool(
                name: callName, title: "Call one \(serverName) tool",
                description: "Runs one tool by name with arguments that follow the schema describe_tool returned.",
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "name": ["type": "string", "description": "The tool to run."],
                        "arguments": ["type": "object", "description": "The tool's arguments."],
                    ],
                    "required": ["name"], "additionalProperties": false,
                ],
                annotations: MCPToolAnnotations(openWorldHint: true)
            ),
        ]
    }
}
