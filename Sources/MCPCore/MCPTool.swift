/// A tool as listed by `tools/list`.
public struct MCPTool: Sendable, Hashable {
    public var name: String
    public var title: String?
    public var description: String
    /// A JSON Schema object with `"type": "object"`.
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue?
    public var annotations: MCPToolAnnotations?

    public init(
        name: String, title: String? = nil, description: String, inputSchema: JSONValue,
        outputSchema: JSONValue? = nil, annotations: MCPToolAnnotations? = nil
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
    }

    /// The tool's wire form for a negotiated revision (newer fields are left out for older peers).
    public func jsonValue(for version: MCPProtocolVersion = .latest) -> JSONValue {
        var object: JSONObject = ["name": .string(name)]
        if let title, version.hasStructuredContent { object["title"] = .string(title) }
        object["description"] = .string(description)
        object["inputSchema"] = inputSchema
        if let outputSchema, version.hasStructuredContent { object["outputSchema"] = outputSchema }
        if let annotations, version.hasToolAnnotations { object["annotations"] = annotations.jsonValue }
        return .object(object)
    }
}

/// Behaviour hints for clients (2025-03-26 and later).
public struct MCPToolAnnotations: Sendable, Hashable {
    public var title: String?
    public var readOnlyHint: Bool?
    public var destructiveHint: Bool?
    public var idempotentHint: Bool?
    public var openWorldHint: Bool?

    public init(
        title: String? = nil, readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil,
        idempotentHint: Bool? = nil, openWorldHint: Bool? = nil
    ) {
        self.title = title
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }

    public var jsonValue: JSONValue {
        var object = JSONObject()
        if let title { object["title"] = .string(title) }
        if let readOnlyHint { object["readOnlyHint"] = .bool(readOnlyHint) }
        if let destructiveHint { object["destructiveHint"] = .bool(destructiveHint) }
        if let idempotentHint { object["idempotentHint"] = .bool(idempotentHint) }
        if let openWorldHint { object["openWorldHint"] = .bool(openWorldHint) }
        return .object(object)
    }
}
