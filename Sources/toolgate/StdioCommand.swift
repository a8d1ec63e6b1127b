import ArgumentParser
import GatewayCore
import GatewayPolicy
import GatewayServer
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream

/// `toolgate stdio --spec FILE`: serves a document's operations as MCP tools over stdio.
struct StdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdio",
        abstract: "Serve an OpenAPI document's operations as MCP tools over stdio (for desktop clients)."
    )

    @Option(name: .long, help: "The OpenAPI document: a file or an http(s) URL (JSON or YAML).")
    var spec: String

    @OptionGroup var importOptions: ImportFlags

    @OptionGroup var upstream: UpstreamFlags

    @Option(name: .long, help: "Tools per tools/list page.")
    var pageSize: Int = 200

    @Option(name: .long, help: "Discovery mode: auto (when there are more tools than --discovery-threshold), on or off.")
    var discovery: DiscoveryMode = .auto

    @Option(name: .long, help: "Tool count above which discovery mode replaces the full list (auto mode).")
    var discoveryThreshold: Int = 40

    @Option(name: .long, help: "Upstream request timeout in seconds.")
    var timeout: Double = 30

    @Option(name: .long, help: "Upstream answers longer than this many bytes are cut, with a marker.")
    var maxResponseBytes: Int = 2 << 20

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let credentials: UpstreamCredentials
        do {
            credentials = try upstream.credentials()
        } catch {
            throw CommandFailure.exit("\(error)")
        }
        let imported: ImportResult
        do {
            imported = try await SpecLoader.load(spec, options: importOptions.options)
        } catch {
            throw CommandFailure.exit(error.description)
        }
        for diagnostic in imported.diagnostics where diagnostic.severity >= .warning {
            logger.warning("import diagnostic", metadata: ["pointer": "\(diagnostic.pointer)", "message": "\(diagnostic.message)"])
        }
        logger.info("serving tools over stdio", metadata: ["spec": "\(spec)", "tools": "\(imported.tools.count)"])

        let client = RESTExecutor.makeHTTPClient()
        let executor = RESTExecutor(
            client: client, limits: .init(timeout: .milliseconds(Int64(timeout * 1000)), maxResponseBytes: maxResponseBytes), logger: logger
        )
        let provider = OpenAPIToolProvider(
            imported: imported, executor: executor, baseURL: importOptions.baseURL, credentials: credentials,
            allowedHosts: Set(upstream.allowHost), privateHosts: Set(upstream.allowPrivateHost)
        )
        let name = imported.title ?? "openapi"
        let handler = GatewayToolHandler(
            server: name, transport: "stdio", provider: provider,
            discovery: ToolDiscovery(mode: discovery.mode, threshold: discoveryThreshold)
        )
        let configuration = MCPServerSession.Configuration(
            serverInfo: MCPImplementation(name: "toolgate", version: Toolgate.version, title: "Toolgate: \(name)"),
            instructions: "Tools generated from the OpenAPI document '\(name)'. Each tool calls one HTTP operation.",
            toolsPageSize: pageSize
        )
        await StdioTransport(logger: logger).run { send in
            MCPServerSession(configuration: configuration, handler: handler, logger: logger, send: send)
        }
        try? await client.shutdown()
    }
}

/// `--discovery` values.
enum DiscoveryMode: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    var mode: ToolDiscovery.Mode { ToolDiscovery.Mode(rawValue: rawValue)! }
}
