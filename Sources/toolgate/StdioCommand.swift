import ArgumentParser
import GatewayConfig
import GatewayServer
import MCPCore
import RESTUpstream

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
        let client = RESTExecutor.makeHTTPClient()
        let assembled: AssembledServer
        do {
            assembled = try await ServerAssembly.assemble(chosen, allowedCommands: configuration.allowedCommands, client: client, logger: logger)
        } catch {
            try? await client.shutdown()
            throw error
        }
        logger.info("serving tools over stdio", metadata: ["server": "\(assembled.name)", "source": "\(assembled.origin)"])
        let handler = assembled.handler(transport: "stdio")
        await StdioTransport(logger: logger).run { send in
            MCPServerSession(configuration: assembled.session, handler: handler, logger: logger, send: send)
        }
        await assembled.shutdown()
        try? await client.shutdown()
        HTTP1ConnectionPool.shared.closeIdleConnections()
    }
}
