import GatewayCore
import Logging
import MCPCore

/// Starts a stdio MCP server's process: the command must be in the allow-list (checked again at
/// every spawn) and is run from an argv array, never through a shell.
public struct StdioConnector: MCPUpstreamConnector {
    public let command: StdioServerCommand
    let allowList: CommandAllowList
    let maxLineBytes: Int
    public let owner: TaskOwner
    let logger: Logger

    public init(command: StdioServerCommand, allowList: CommandAllowList, maxLineBytes: Int = 16 << 20, owner: TaskOwner, logger: Logger) {
        self.command = command
        self.owner = owner
        self.allowList = allowList
        self.maxLineBytes = maxLineBytes
        self.logger = logger
    }

    public var name: String { command.command }

    public func connect(
        onNotification: @escaping @Sendable (String, JSONValue?) async -> Void, onClose: @escaping @Sendable (String) -> Void
    ) async throws(GatewayError) -> any MCPUpstreamLink {
        guard allowList.allows(command) else {
            throw GatewayError(.configuration, "the command '\(command.command)' is not in the allow-list")
        }
        guard let executable = command.executablePath() else {
            throw GatewayError(.configuration, "the command '\(command.command)' was not found")
        }
        do {
            return try StdioChild(
                command: command, executable: executable, maxLineBytes: maxLineBytes, owner: owner, logger: logger, onNotification: onNotification
            ) { exit in
                onClose(exit.description)
            }
        } catch {
            throw GatewayError(.upstream, "the MCP server '\(command.command)' could not be started: \(error)")
        }
    }
}
