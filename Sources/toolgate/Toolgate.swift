import ArgumentParser
import GatewayCore
import NIOCore
import NIOPosix

/// `toolgate`: one controlled entrance for AI traffic.
@main
struct Toolgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolgate",
        abstract: "A gateway that lets AI agents use a company's systems safely.",
        discussion: "Import OpenAPI documents as MCP tools and serve them with one policy pipeline.",
        version: GatewayVersion.current,
        subcommands: [StdioCommand.self, ServeCommand.self, BridgeCommand.self, CheckCommand.self, ImportCommand.self, AuditCommand.self, ValidateCommand.self]
    )

    /// Runs Swift concurrency on NIO's event loops (the ones the HTTP server and client use), so a
    /// tool call does not hop between the two thread pools at every await.
    static func main() async {
        EventLoopConcurrency.install()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
