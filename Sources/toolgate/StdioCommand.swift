import ArgumentParser
import GatewayServer
import MCPCore

/// `toolgate stdio --spec FILE`: serves a document's operations as MCP tools over stdio.
struct StdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdio",
        abstract: "Serve an OpenAPI document's operations as MCP tools over stdio (for desktop clients)."
    )

    @OptionGroup var serving: ServingOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let (imported, provider, client) = try await serving.makeProvider(logger: logger)
        logger.info("serving tools over stdio", metadata: ["spec": "\(serving.spec)", "tools": "\(imported.tools.count)"])
        let name = imported.title ?? "openapi"
        let handler = GatewayToolHandler(server: name, transport: "stdio", provider: provider, discovery: serving.toolDiscovery)
        let configuration = MCPServerSession.Configuration(
            serverInfo: MCPImplementation(name: "toolgate", version: Toolgate.version, title: "Toolgate: \(name)"),
            instructions: "Tools generated from the OpenAPI document '\(name)'. Each tool calls one HTTP operation.",
            toolsPageSize: serving.pageSize
        )
        await StdioTransport(logger: logger).run { send in
            MCPServerSession(configuration: configuration, handler: handler, logger: logger, send: send)
        }
        try? await client.shutdown()
    }
}
