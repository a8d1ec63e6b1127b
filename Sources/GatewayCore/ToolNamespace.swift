/// Names of tools from several sources on one server: `source__tool`, within MCP's 64-character
/// limit. A name that would be longer keeps its start and gets a short hash of the full name
/// (`StableName`), so distinct tools stay distinct and the same tool always gets the same name.
public enum ToolNamespace {
    public static let separator = "__"
    public static let maxLength = 64

    /// The exposed name of `tool` from `source`.
    public static func name(source: String, tool: String) -> String {
        let full = source + separator + tool
        return StableName.fit(full, maxLength: maxLength, hashing: full)
    }
}
