/// The result of `tools/call`: content blocks, optional structured content, and the error flag.
public struct MCPToolResult: Sendable, Hashable {
    public var content: [MCPContent]
    public var structuredContent: JSONValue?
    public var isError: Bool

    public init(content: [MCPContent], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A tool-execution error (`isError: true`) with one text block.
    public static func error(_ message: String) -> MCPToolResult {
        MCPToolResult(content: [.text(message)], isError: true)
    }

    /// The result's wire form for a negotiated revision.
    public func jsonValue(for version: MCPProtocolVersion = .latest) -> JSONValue {
        var object: JSONObject = ["content": .array(content.map { $0.jsonValue(for: version) })]
        if let structuredContent, version.hasStructuredContent { object["structuredContent"] = structuredContent }
        if isError { object["isError"] = true }
        return .object(object)
    }
}

/// One content block of a tool result.
public enum MCPContent: Sendable, Hashable {
    case text(String)
    case image(base64: String, mimeType: String)
    case audio(base64: String, mimeType: String)
    /// An embedded resource holding text.
    case resourceText(uri: String, mimeType: String?, text: String)
    /// An embedded resource holding base64 bytes.
    case resourceBlob(uri: String, mimeType: String?, base64: String)
    /// A content item passed through as received (from an MCP upstream), e.g. a `resource_link`.
    case other(JSONValue)

    public func jsonValue(for version: MCPProtocolVersion = .latest) -> JSONValue {
        switch self {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .image(let data, let mimeType):
            return ["type": "image", "data": .string(data), "mimeType": .string(mimeType)]
        case .audio(let data, let mimeType):
            guard version.hasToolAnnotations else {
                return MCPContent.resourceBlob(uri: "data:audio", mimeType: mimeType, base64: data).jsonValue(for: version)
            }
            return ["type": "audio", "data": .string(data), "mimeType": .string(mimeType)]
        case .resourceText(let uri, let mimeType, let text):
            var resource: JSONObject = ["uri": .string(uri), "text": .string(text)]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            return ["type": "resource", "resource": .object(resource)]
        case .resourceBlob(let uri, let mimeType, let blob):
            var resource: JSONObject = ["uri": .string(uri), "blob": .string(blob)]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            return ["type": "resource", "resource": .object(resource)]
        case .other(let value):
            return value
        }
    }
}
