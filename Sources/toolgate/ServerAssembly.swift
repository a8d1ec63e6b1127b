import AsyncHTTPClient
import GatewayConfig
import GatewayCore
import GatewayServer
import Logging
import MCPCore
import MCPUpstream
import OpenAPIImport
import RESTUpstream

/// One virtual server, ready to serve: its provider and how sessions present it.
struct AssembledServer: Sendable {
    let name: String
    let provider: any ToolProvider
    /// For per-session stdio servers: a new provider (child) for each session, ended with it.
    let perSession: (@Sendable () -> any ToolProvider)?
    /// What the tools come from, for logs and `check`.
    let origin: String
    /// Tools known before serving (an imported document); nil for a stdio child, which is asked on first use.
    let toolCount: Int?
    let warnings: Int
    let session: MCPServerSession.Configuration
    let discovery: ToolDiscovery

    func handler(transport: String, callerHeaders: [(name: String, value: String)] = []) -> GatewayToolHandler {
        if let perSession {
            return GatewayToolHandler(
                server: name, transport: transport, provider: perSession(), discovery: discovery, callerHeaders: callerHeaders, ownsProvider: true
            )
        }
        return GatewayToolHandler(server: name, transport: transport, provider: provider, discovery: discovery, callerHeaders: callerHeaders)
    }

    /// Stops what the server started (a shared stdio child).
    func shutdown() {
        (provider as? StdioToolProvider)?.stop()
    }
}

/// Builds the concrete adapters of a configured server: an OpenAPI document imported and wired to
/// an `OpenAPIToolProvider` over the shared HTTP client, or a stdio MCP server behind a `StdioToolProvider`.
enum ServerAssembly {
    static func assemble(
        _ server: VirtualServerConfiguration, allowedCommands: [String] = [], client: HTTPClient, logger: Logger
    ) async throws -> AssembledServer {
        let discovery = ToolDiscovery(mode: ToolDiscovery.Mode(rawValue: server.discovery.rawValue) ?? .auto, threshold: server.discoveryThreshold)
        switch server.source {
        case .stdio(let source):
            let command = StdioServerCommand(
                command: source.command, arguments: source.arguments, environment: source.environment, workingDirectory: source.workingDirectory
            )
            guard command.executablePath() != nil else { throw CommandFailure("server '\(server.name)': command not found: \(source.command)") }
            let makeProvider: @Sendable () -> any ToolProvider = {
                StdioToolProvider(
                    command: command, allowList: CommandAllowList(allowedCommands), callTimeout: .milliseconds(Int64(source.callTimeout * 1000)),
                    logger: logger
                )
            }
            let provider = makeProvider()
            let session = MCPServerSession.Configuration(
                serverInfo: MCPImplementation(name: "toolgate", version: Toolgate.version, title: "Toolgate: \(server.name)"),
                instructions: server.instructions, toolsPageSize: server.pageSize
            )
            return AssembledServer(
                name: server.name, provider: provider, perSession: source.perSession ? makeProvider : nil,
                origin: "stdio\(source.perSession ? " (per session)" : ""): \(([source.command] + source.arguments).joined(separator: " "))", toolCount: nil,
                warnings: 0, session: session, discovery: discovery
            )
        case .openAPI(let source):
            return try await openAPI(server, source: source, discovery: discovery, client: client, logger: logger)
        }
    }

    private static func openAPI(
        _ server: VirtualServerConfiguration, source: OpenAPISource, discovery: ToolDiscovery, client: HTTPClient, logger: Logger
    ) async throws -> AssembledServer {
        let imported: ImportResult
        do {
            imported = try await SpecLoader.load(source.spec, options: source.importOptions, remoteReferences: source.remoteReferences)
        } catch {
            let prefix = server.name.isEmpty ? "" : "server '\(server.name)': "
            throw CommandFailure(prefix + error.description)
        }
        for diagnostic in imported.diagnostics where diagnostic.severity >= .warning {
            logger.warning("import diagnostic", metadata: ["server": "\(server.name)", "pointer": "\(diagnostic.pointer)", "message": "\(diagnostic.message)"])
        }
        let name = server.name.isEmpty ? ToolNamer.sanitize(imported.title ?? "openapi").lowercased() : server.name
        let executor = RESTExecutor(
            client: client, limits: .init(timeout: .milliseconds(Int64(source.timeout * 1000)), maxResponseBytes: source.maxResponseBytes),
            logger: logger
        )
        let provider = OpenAPIToolProvider(
            imported: imported, executor: executor, baseURL: source.importOptions.baseURL, credentials: source.credentials,
            allowedHosts: Set(source.allowedHosts), privateHosts: Set(source.privateHosts)
        )
        let title = imported.title ?? name
        let session = MCPServerSession.Configuration(
            serverInfo: MCPImplementation(name: "toolgate", version: Toolgate.version, title: "Toolgate: \(name)"),
            instructions: server.instructions ?? "Tools generated from the OpenAPI document '\(title)'. Each tool calls one HTTP operation.",
            toolsPageSize: server.pageSize
        )
        return AssembledServer(
            name: name, provider: provider, perSession: nil, origin: source.spec, toolCount: imported.tools.count,
            warnings: imported.diagnostics.filter { $0.severity >= .warning }.count, session: session, discovery: discovery
        )
    }
}
