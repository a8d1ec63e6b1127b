import ArgumentParser
import Foundation
import GatewayConfig
import Logging
import OpenAPIImport
import RESTUpstream

/// `toolgate check --config FILE`: reads the configuration and imports every server's
/// document without serving, so a deployment can be checked before it starts.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a configuration file: every field, every ${VAR}, and every server's OpenAPI document."
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    func run() async throws {
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader().load(path: config)
        } catch {
            throw CommandFailure.exit(error.description)
        }
        var logger = Logger(label: "toolgate.check")
        logger.logLevel = .critical
        let client = RESTExecutor.makeHTTPClient()
        var failures: [String] = []
        print("\(config): listen \(configuration.host):\(configuration.port), \(configuration.servers.count) server(s)")
        for server in configuration.servers {
            do {
                let assembled = try await ServerAssembly.assemble(server, allowedCommands: configuration.allowedCommands, client: client, logger: logger)
                let warnings = assembled.warnings > 0 ? " (\(assembled.warnings) warnings)" : ""
                let tools = assembled.toolCount.map { "\($0) tools from " } ?? ""
                print("  ok   /mcp/\(assembled.name): \(tools)\(assembled.origin)\(warnings)")
            } catch {
                print("  FAIL /mcp/\(server.name): \(error)")
                failures.append(server.name)
            }
        }
        try? await client.shutdown()
        if !failures.isEmpty {
            throw CommandFailure.exit("\(failures.count) server(s) failed: \(failures.joined(separator: ", "))")
        }
    }
}
