import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayServer
import Logging
import OpenAPIImport
import RESTUpstream

/// What `stdio` and `serve` share: either a configuration file, or one document with its
/// upstream credentials and limits given as flags (which become a one-server configuration).
struct ServingOptions: ParsableArguments {
    @Option(name: .long, help: "A configuration file (YAML) naming the virtual servers; replaces --spec and the per-server flags.")
    var config: String?

    @Option(name: .long, help: "The OpenAPI document: a file or an http(s) URL (JSON or YAML).")
    var spec: String?

    @OptionGroup var server: ServerFlags
    @OptionGroup var importOptions: ImportFlags
    @OptionGroup var upstream: UpstreamFlags

    func validate() throws {
        switch (config, spec) {
        case (nil, nil): throw ValidationError("give --config FILE or --spec FILE")
        case (.some, .some): throw ValidationError("--config and --spec exclude each other: the file names each server's document")
        case (.some, nil):
            let ignored = server.flagsChangedFromDefaults() + importOptions.flagsChangedFromDefaults() + upstream.flagsChangedFromDefaults()
            guard ignored.isEmpty else {
                throw ValidationError("\(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "applies" : "apply") to --spec only; with --config, set it in the file's server entry")
            }
        case (nil, .some): break
        }
    }

    /// The configuration to run: the file's, or one server built from the flags (named `name`,
    /// or after the document's title when empty).
    func configuration(name: String = "") throws -> GatewayConfiguration {
        if let config {
            do {
                return try ConfigurationLoader().load(path: config)
            } catch {
                throw CommandFailure.exit(error.description)
            }
        }
        let credentials: UpstreamCredentials
        do {
            credentials = try upstream.credentials()
        } catch {
            throw CommandFailure.exit("\(error)")
        }
        let source = OpenAPISource(
            spec: spec ?? "", remoteReferences: importOptions.remoteRefs, importOptions: importOptions.options, credentials: credentials,
            allowedHosts: upstream.allowHost, privateHosts: upstream.allowPrivateHost, timeout: server.timeout, maxResponseBytes: server.maxResponseBytes
        )
        let virtual = VirtualServerConfiguration(
            name: name, pageSize: server.pageSize, discovery: server.discovery.setting, discoveryThreshold: server.discoveryThreshold, source: .openAPI(source)
        )
        return GatewayConfiguration(servers: [virtual])
    }
}

/// How the one server of `--spec` is presented and how it calls its API.
struct ServerFlags: ParsableArguments {
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
}

/// `--discovery` values.
enum DiscoveryMode: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    var setting: VirtualServerConfiguration.Discovery { VirtualServerConfiguration.Discovery(rawValue: rawValue)! }
}
