import ArgumentParser
import GatewayConfig
import GatewayRuntime

/// `toolgate stdio --spec FILE` or `toolgate stdio --config FILE --server NAME`: serves one
/// virtual server's tools over stdio (for desktop clients).
struct StdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdio",
        abstract: "Serve one virtual server's tools over stdio (for desktop clients)."
    )

    @Option(name: .long, help: "With --config: the server to serve (optional when the file has one).")
    var server: String?

    @OptionGroup var serving: ServingOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let configuration = try serving.configuration()
        let chosen: VirtualServerConfiguration
        if let server {
            guard let named = configuration.server(named: server) else {
                throw CommandFailure.exit("\(configuration.file): no server named '\(server)'; known: \(configuration.servers.map(\.name).joined(separator: ", "))")
            }
            chosen = named
        } else {
            guard configuration.servers.count == 1, let only = configuration.servers.first else {
                throw CommandFailure.exit("\(configuration.file) has \(configuration.servers.count) servers: choose one with --server")
            }
            chosen = only
        }
        var only = configuration
        only.servers = [chosen]
        let gateway = try await Gateway.build(only, logger: logger)
        guard let assembled = gateway.servers.first else { return }
        await gateway.serveStdio(server: assembled)
    }
}
