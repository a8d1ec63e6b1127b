/// Reading tools and results received from another MCP server (an upstream of the gateway).
extension MCPTool {
    /// A tool from a `tools/list` entry; nil when it has no name or input schema.
    public init?(json value: JSONValue) {
        guard let name = value["name"]?.stringValue, let schema = value["inputSchema"], schema.objectValue != nil else { return nil }
        var annotations: MCPToolAnnotations?
        if let raw = value["annotations"], raw.objectValue != nil {
            annotations = MCPToolAnnotations(
                title: raw["title"]?.stringValue, readOnlyHint: raw["readOnlyHint"]?.boolValue, destructiveHint: raw["destructiveHint"]?.boolValue,
                idempotentHint: raw["idempotentHint"]?.boolValue, openWorldHint: raw["openWorldHint"]?.boolValue
            )
        }
        let output = value["outputSchema"].flatMap { $0.objectValue != nil ? $0 : nil }
        self.init(
            name: name, title: value["title"]?.stringValue, description: value["description"]?.stringValue ?? "", inputSchema: schema,
            outputSchema: output, annotations: annotations
        )
    }
}

extension MCPToolResult {
    /// A `tools/call` result as received: text content is kept typed, every other item passes through.
    public init(json value: JSONValue) {
        let content = (value["content"]?.arrayValue ?? []).map { item -> MCPContent in
            if item["type"] == "text", let text = item["text"]?.stringValue, item.objectValue?.count == 2 { return .text(text) }
            return .other(item)
        }
        self.init(content: content, structuredContent: value["structuredContent"], isError: value["isError"]?.boolValue ?? false)
    }
}
