/// How a remote MCP server is spoken to: streamable HTTP falling back to legacy HTTP+SSE when
/// the server refuses it (`auto`), or one of the two only. One definition for the configuration
/// and the MCP adapter.
public enum RemoteMCPTransport: String, Sendable, CaseIterable {
    case auto
    case streamableHTTP = "streamable-http"
    case sse
}
