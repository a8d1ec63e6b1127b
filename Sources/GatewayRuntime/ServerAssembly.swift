import AsyncHTTPClient
import Foundation
import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayServer
import Logging
import MCPCore
import MCPUpstream
import OpenAPIImport
import RESTUpstream

/// One virtual server, ready to serve: its provider and how sessions present it.
public struct AssembledServer: Sendable {
    /// Tells builds apart (a reload compares the server an endpoint has with the one it gets).
    let id = UUID()
    public let name: String
    let provider: any ToolProvider
    /// For servers with per-session stdio children: a new provider for each session, ended with it.
    let perSession: (@Sendable () -> any ToolProvider)?
    /// What the tools come from, for logs and `check` (never a credential).
    public let origin: String
    /// Tools known before serving (imported documents); nil when an MCP server is asked on first use.
    public let toolCount: Int?
    public let warnings: Int
    let session: MCPServerSession.Configuration
    let discovery: ToolDiscovery
    /// Where its streamable HTTP endpoint and its legacy SSE endpoints are mounted.
    public let endpoint: VirtualServerConfiguration.Endpoint

    /// The handler of one session: the server's provider (or a new one, for per-session
    /// children) behind the gateway's policy chain.
    /// `shared` stands in for the server's own shared provider (the endpoint's reloadable one).
    func handler(
        transport: String, policies: PolicyChain, identity: Identity = .anonymous, callerHeaders: [(name: String, value: String)] = [],
        clientAddress: String? = nil, shared: (any ToolProvider)? = nil
    ) -> GatewayToolHandler {
        GatewayToolHandler(
            server: name, transport: transport, provider: perSession?() ?? shared ?? provider, policies: policies, identity: identity, discovery: discovery,
            callerHeaders: callerHeaders, clientAddress: clientAddress, ownsProvider: perSession != nil
        )
    }

    /// Stops what the server started (shared stdio children, remote sessions).
    public func shutdown() async {
        await provider.shutdown()
    }
}

/// Builds the concrete adapters of a configured server: OpenAPI documents imported and wired to
/// `OpenAPIToolProvider`s over the shared HTTP client, stdio children and remote MCP servers
/// behind `MCPUpstreamProvider`s, and several of them behind an `AggregateToolProvider`.
enum ServerAssembly {
    /// One built source.
    struct Source: Sendable {
        var provider: any ToolProvider
        var perSession: (@Sendable () -> any ToolProvider)?
        var origin: String
        var toolCount: Int?
        var warnings: Int
        /// The imported document's title, for the server's name and instructions.
        var title: String?
        /// Whether its tool list can change while a session is open.
        var listChanges: Bool
    }

    static func assemble(
        _ server: VirtualServerConfiguration, allowedCommands: [String] = [], client: HTTPClient, owner: TaskOwner, logger: Logger
    ) async throws -> AssembledServer {
        let discovery = ToolDiscovery(mode: server.discovery, threshold: server.discoveryThreshold)
        let built = try await source(server.source, label: server.name, allowedCommands: allowedCommands, client: client, owner: owner, logger: logger)
        let name = server.name.isEmpty ? ToolNamer.sanitize(built.title ?? "openapi").lowercased() : server.name
        var instructions = server.instructions
        switch server.source {
        case .openAPI:
            instructions = instructions ?? "Tools generated from the OpenAPI document '\(built.title ?? name)'. Each tool calls one HTTP operation."
        case .aggregate(let members):
            instructions = instructions ?? "Tools from several sources, each named <source>__<tool>; the sources: \(members.map(\.name).joined(separator: ", "))."
        case .stdio, .remote: break
        }
        let session = MCPServerSession.Configuration(
            serverInfo: MCPImplementation(name: "toolgate", version: GatewayVersion.current, title: server.title ?? "Toolgate: \(name)"),
            instructions: instructions, toolsPageSize: server.pageSize, listsChange: built.listChanges
        )
        return AssembledServer(
            name: name, provider: built.provider, perSession: built.perSession, origin: built.origin, toolCount: built.toolCount, warnings: built.warnings,
            session: session, discovery: discovery, endpoint: server.endpoint ?? .init(path: "/mcp/\(name)", legacyPath: "/mcp/\(name)")
        )
    }

    /// Builds one source; `label` names it in errors (`server` or `server/source`).
    static func source(
        _ source: VirtualServerConfiguration.Source, label: String, allowedCommands: [String], client: HTTPClient, owner: TaskOwner, logger: Logger
    ) async throws -> Source {
        switch source {
        case .stdio(let stdio):
            let command = StdioServerCommand(
                command: stdio.command, arguments: stdio.arguments, environment: stdio.environment, workingDirectory: stdio.workingDirectory
            )
            guard command.executablePath() != nil else { throw GatewayStartupError(.commandNotFound, "server '\(label)': command not found: \(stdio.command)") }
            let makeProvider: @Sendable () -> any ToolProvider = {
                MCPUpstreamProvider(
                    command: command, allowList: CommandAllowList(allowedCommands), callTimeout: .milliseconds(Int64(stdio.callTimeout * 1000)),
                    owner: owner, logger: logger
                )
            }
            return Source(
                provider: makeProvider(), perSession: stdio.perSession ? makeProvider : nil,
                origin: "stdio\(stdio.perSession ? " (per session)" : ""): \(([stdio.command] + stdio.arguments).joined(separator: " "))",
                toolCount: nil, warnings: 0, title: nil, listChanges: true
            )
        case .remote(let remote):
            let endpoint = RemoteMCPEndpoint(url: remote.url, headers: remote.headers, transport: remote.transport)
            let timeout = Duration.milliseconds(Int64(remote.callTimeout * 1000))
            let provider = MCPUpstreamProvider(
                connector: HTTPUpstreamConnector(endpoint: endpoint, requestTimeout: timeout + .seconds(1), owner: owner, logger: logger),
                callTimeout: timeout, logger: logger
            )
            return Source(
                provider: provider, perSession: nil, origin: "MCP server \(endpoint.redacted) (\(remote.transport.rawValue))", toolCount: nil, warnings: 0,
                title: nil, listChanges: true
            )
        case .openAPI(let openAPI):
            return try await Self.openAPI(openAPI, label: label, client: client, logger: logger)
        case .aggregate(let members):
            var built: [(name: String, source: Source)] = []
            for member in members {
                built.append(
                    (member.name, try await Self.source(member.source, label: "\(label)/\(member.name)", allowedCommands: allowedCommands, client: client, owner: owner, logger: logger))
                )
            }
            let shared = AggregateToolProvider(members: built.map { .init(name: $0.name, provider: $0.source.provider, owned: true) }, logger: logger)
            var perSession: (@Sendable () -> any ToolProvider)?
            if built.contains(where: { $0.source.perSession != nil }) {
                let parts = built
                perSession = {
                    AggregateToolProvider(
                        members: parts.map { part in
                            if let make = part.source.perSession { return .init(name: part.name, provider: make(), owned: true) }
                            return .init(name: part.name, provider: part.source.provider, owned: false)
                        }, logger: logger
                    )
                }
            }
            let counts = built.compactMap(\.source.toolCount)
            return Source(
                provider: shared, perSession: perSession, origin: built.map { "\($0.name) = \($0.source.origin)" }.joined(separator: "; "),
                toolCount: counts.count == built.count ? counts.reduce(0, +) : nil, warnings: built.map(\.source.warnings).reduce(0, +), title: nil,
                listChanges: built.contains { $0.source.listChanges }
            )
        }
    }

    private static func openAPI(_ source: OpenAPISource, label: String, client: HTTPClient, logger: Logger) async throws -> Source {
        let imported: ImportResult
        do {
            imported = try await SpecLoader.load(source.spec, options: source.importOptions, remoteReferences: source.remoteReferences)
        } catch {
            let prefix = label.isEmpty ? "" : "server '\(label)': "
            throw GatewayStartupError(.importFailed, prefix + error.description, underlying: error)
        }
        for diagnostic in imported.diagnostics where diagnostic.severity >= .warning {
            logger.warning("import diagnostic", metadata: ["server": "\(label)", "pointer": "\(diagnostic.pointer)", "message": "\(diagnostic.message)"])
        }
        let executor = RESTExecutor(
            client: client, limits: .init(timeout: .milliseconds(Int64(source.timeout * 1000)), maxResponseBytes: source.maxResponseBytes),
            logger: logger
        )
        let provider = OpenAPIToolProvider(
            imported: imported, executor: executor, baseURL: source.importOptions.baseURL, credentials: source.credentials,
            allowedHosts: Set(source.allowedHosts), privateHosts: Set(source.privateHosts)
        )
        return Source(
            provider: provider, perSession: nil, origin: source.spec, toolCount: imported.tools.count,
            warnings: imported.diagnostics.filter { $0.severity >= .warning }.count, title: imported.title, listChanges: false
        )
    }
}
