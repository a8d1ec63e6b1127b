import GatewayCore
import MCPCore

/// One live connection to an upstream MCP server: a running child process, or a session with a
/// remote server. The provider performs the handshake over `connection`.
public protocol MCPUpstreamLink: Sendable {
    var connection: MCPClientConnection { get }
    /// For logs: a process id, a session id.
    var label: String { get }
    /// The handshake settled on `version`; later messages carry it (HTTP: `MCP-Protocol-Version`).
    func negotiated(_ version: String) async
    /// Ends the link (stops the child, deletes the remote session); its connection is closed.
    func terminate() async
}

/// Opens links to one upstream MCP server.
public protocol MCPUpstreamConnector: Sendable {
    /// For messages: the command or the URL.
    var name: String { get }
    /// Runs the links' background work (output readers, event streams, cancellation notices).
    var owner: TaskOwner { get }
    /// The gateway's own credentials for this server, scrubbed from everything it sends back.
    var secrets: [String] { get }
    /// Opens a link. `onNotification` receives the upstream's notifications (other than
    /// progress); `onClose` runs once when the link is gone, with the reason.
    func connect(
        onNotification: @escaping @Sendable (String, JSONValue?) async -> Void, onClose: @escaping @Sendable (String) -> Void
    ) async throws(GatewayError) -> any MCPUpstreamLink
}

extension MCPUpstreamConnector {
    public var secrets: [String] { [] }
}
