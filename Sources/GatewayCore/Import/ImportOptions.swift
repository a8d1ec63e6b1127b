/// Choices that shape an import.
public struct ImportOptions: Sendable {
    /// Overrides every server URL of the document.
    public var baseURL: String?
    /// Longest tool name (some clients prepend `mcp__server__`; 64 is the common cap).
    public var maxNameLength: Int
    /// Prepended to every tool name.
    public var namePrefix: String
    /// Longest tool description, in characters.
    public var maxDescriptionLength: Int
    /// Declare `outputSchema` for operations whose 2xx JSON response is an object schema.
    public var outputSchemas: Bool
    /// Schema nodes a tool's input schema may inline before references go to `$defs`.
    public var schemaNodeBudget: Int
    /// Which operations become tools.
    public var selection: ToolSelection
    /// Per-operation changes, keyed by operationId or by generated tool name.
    public var overrides: [String: ToolOverride]

    public init(
        baseURL: String? = nil, maxNameLength: Int = 64, namePrefix: String = "", maxDescriptionLength: Int = 1024,
        outputSchemas: Bool = false, schemaNodeBudget: Int = 4000, selection: ToolSelection = ToolSelection(),
        overrides: [String: ToolOverride] = [:]
    ) {
        self.selection = selection
        self.overrides = overrides
        self.baseURL = baseURL
        self.maxNameLength = maxNameLength
        self.namePrefix = namePrefix
        self.maxDescriptionLength = maxDescriptionLength
        self.outputSchemas = outputSchemas
        self.schemaNodeBudget = schemaNodeBudget
    }
}
