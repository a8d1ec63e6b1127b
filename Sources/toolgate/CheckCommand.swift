import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import Logging
import OpenAPIImport
import RESTUpstream

/// `toolgate check --config FILE`: reads the configuration and imports every server's
/// document without serving, so a deployment can be checked before it starts.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a configuration file: every field, every ${VAR}, every server's OpenAPI document (and with --connect, its MCP servers)."
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Flag(name: .long, help: "Also start every stdio server and connect to every remote MCP server, and list their tools.")
    var connect = false

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
                var toolCount = assembled.toolCount
                if connect, toolCount == nil {
                    let listed = await Self.countTools(of: assembled.provider)
                    await assembled.shutdown()
                    toolCount = try listed.get()
                }
                let warnings = assembled.warnings > 0 ? " (\(assembled.warnings) warnings)" : ""
                let tools = toolCount.map { "\($0) tools from " } ?? ""
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

    /// Lists the tools of live MCP servers (a per-session server's shared instance stands in for a
    /// session's); every source of an aggregate must answer, not just some.
    static func countTools(of provider: any ToolProvider) async -> Result<Int, GatewayError> {
        do throws(GatewayError) {
            if let aggregate = provider as? AggregateToolProvider { return .success(try await aggregate.toolsOfEverySource().count) }
            return .success(try await provider.tools().count)
        } catch {
            return .failure(error)
        }
    }
}
