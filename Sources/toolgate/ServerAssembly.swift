import AsyncHTTPClient
import GatewayConfig
import GatewayServer
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream

/// One virtual server, ready to serve: its imported document, its provider and how sessions present it.
struct AssembledServer: Sendable {
    let name: String
    let imported: ImportResult
    let provider: OpenAPIToolProvider
    let session: MCPServerSession.Configuration
    let discovery: ToolDiscovery

    func handler(transport: String, callerHeaders: [(name: String, value: String)] = []) -> GatewayToolHandler {
        GatewayToolHandler(server: name, transport: transport, provider: provider, discovery: discovery, callerHeaders: callerHeaders)
    }
}

/// Builds the concrete adapters of a configured server: imports its document and wires an
/// `OpenAPIToolProvider` over the shared HTTP client.
enum ServerAssembly {
    static func assemble(_ server: VirtualServerConfiguration, client: HTTPClient, logger: Logger) async throws -> AssembledServer {
        let source = server.openAPI
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
        let discovery = ToolDiscovery(mode: ToolDiscovery.Mode(rawValue: server.discovery.rawValue) ?? .auto, threshold: server.discoveryThreshold)
        return AssembledServer(name: name, imported: imported, provider: provider, session: session, discovery: discovery)
    }
}
