/// Names of tools from several sources on one server: `source__tool`, within MCP's 64-character
/// limit. A name that would be longer keeps its start and gets a short hash of the full name, so
/// distinct tools stay distinct and the same tool always gets the same name.
public enum ToolNamespace {
    public static let separator = "__"
    public static let maxLength = 64

    /// The exposed name of `tool` from `source`.
    public static func name(source: String, tool: String) -> String {
        let full = source + separator + tool
        guard full.utf8.count > maxLength else { return full }
        let suffix = "_" + hash(full)
        return String(full.prefix(maxLength - suffix.count)) + suffix
    }

    /// FNV-1a, 32 bits, as 8 hex digits: stable across runs and machines (unlike `Hasher`).
    static func hash(_ text: String) -> String {
        var value: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            value ^= UInt32(byte)
            value = value &* 0x0100_0193
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
