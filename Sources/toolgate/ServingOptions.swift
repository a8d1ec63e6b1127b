import ArgumentParser
import AsyncHTTPClient
import GatewayServer
import Logging
import OpenAPIImport
import RESTUpstream

/// What `stdio` and `serve` share: the document, the upstream's credentials and limits, and
/// the wiring of an `OpenAPIToolProvider`.
struct ServingOptions: ParsableArguments {
    @Option(name: .long, help: "The OpenAPI document: a file or an http(s) URL (JSON or YAML).")
    var spec: String

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

    @OptionGroup var importOptions: ImportFlags
    @OptionGroup var upstream: UpstreamFlags

    var toolDiscovery: ToolDiscovery { ToolDiscovery(mode: discovery.mode, threshold: discoveryThreshold) }

    /// Imports the document and builds its provider; the caller shuts the returned client down.
    func makeProvider(logger: Logger) async throws -> (imported: ImportResult, provider: OpenAPIToolProvider, client: HTTPClient) {
        let credentials: UpstreamCredentials
        let imported: ImportResult
        do {
            credentials = try upstream.credentials()
            imported = try await SpecLoader.load(spec, options: importOptions.options, remoteReferences: importOptions.remoteRefs)
        } catch let error as ImportError {
            throw CommandFailure.exit(error.description)
        } catch {
            throw CommandFailure.exit("\(error)")
        }
        for diagnostic in imported.diagnostics where diagnostic.severity >= .warning {
            logger.warning("import diagnostic", metadata: ["pointer": "\(diagnostic.pointer)", "message": "\(diagnostic.message)"])
        }
        let client = RESTExecutor.makeHTTPClient()
        let executor = RESTExecutor(
            client: client, limits: .init(timeout: .milliseconds(Int64(timeout * 1000)), maxResponseBytes: maxResponseBytes), logger: logger
        )
        let provider = OpenAPIToolProvider(
            imported: imported, executor: executor, baseURL: importOptions.baseURL, credentials: credentials,
            allowedHosts: Set(upstream.allowHost), privateHosts: Set(upstream.allowPrivateHost)
        )
        return (imported, provider, client)
    }
}

/// `--discovery` values.
enum DiscoveryMode: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    var mode: ToolDiscovery.Mode { ToolDiscovery.Mode(rawValue: rawValue)! }
}
