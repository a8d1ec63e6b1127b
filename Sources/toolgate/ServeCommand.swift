import ArgumentParser
import GatewayCore
import GatewayServer
import Hummingbird
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream

/// `toolgate serve --spec FILE`: serves a document's operations as MCP tools over streamable HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an OpenAPI document's operations as MCP tools over streamable HTTP at /mcp/<name>."
    )

    @Option(name: .long, help: "The virtual server's name (its endpoint is /mcp/<name>); default: from the document's title.")
    var name: String?

    @Option(name: .long, help: "Address to bind (loopback by default).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "A browser origin allowed to call the endpoint, e.g. https://app.example.com (repeatable).")
    var allowOrigin: [String] = []

    @Option(name: .long, help: "A Host header value to accept besides loopback names (repeatable).")
    var allowHostHeader: [String] = []

    @Option(name: .long, help: "Largest accepted request body, in bytes.")
    var maxBodyBytes = 4 << 20

    @OptionGroup var serving: ServingOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let (imported, provider, client) = try await serving.makeProvider(logger: logger)
        let serverName = name ?? ToolNamer.sanitize(imported.title ?? "openapi").lowercased()
        let discoveryMode = serving.toolDiscovery
        let transport = StreamableHTTPTransport(
            path: "/mcp/\(serverName)",
            configuration: .init(allowedOrigins: Set(allowOrigin), allowedHosts: Set(allowHostHeader), maxBodyBytes: maxBodyBytes),
            sessionConfiguration: .init(
                serverInfo: MCPImplementation(name: "toolgate", version: Toolgate.version, title: "Toolgate: \(serverName)"),
                instructions: "Tools generated from the OpenAPI document '\(imported.title ?? serverName)'.", toolsPageSize: serving.pageSize
            ),
            logger: logger
        ) { request in
            GatewayToolHandler(
                server: serverName, transport: "http", provider: provider, discovery: discoveryMode,
                callerHeaders: request.headers.map { ($0.name.rawName, $0.value) }
            )
        }
        let router = Router()
        transport.register(on: router)
        router.get("/healthz") { _, _ in "{\"status\":\"ok\"}" }
        router.get("/readyz") { _, _ in "{\"status\":\"ready\",\"tools\":\(imported.tools.count)}" }
        let host = self.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "toolgate"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.notice("listening", metadata: ["url": "http://\(host):\(bound)/mcp/\(serverName)", "tools": "\(imported.tools.count)"])
            },
            logger: logger
        )
        try await app.runService()
        try? await client.shutdown()
    }
}
