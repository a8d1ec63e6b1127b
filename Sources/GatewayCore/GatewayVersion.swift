/// Toolgate's version: what the CLI prints and how the gateway introduces itself to MCP peers
/// (`serverInfo` to its clients, `clientInfo` to the MCP servers it bridges).
public enum GatewayVersion {
    public static let current = "0.1.0"
}
