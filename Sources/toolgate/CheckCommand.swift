import ArgumentParser
import GatewayConfig
import GatewayRuntime
import Logging

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

    /// How the report is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "text (the default), or json: servers with their tools, model groups, policies and what each consumer may use.")
    var format: Format = .text

    func run() async throws {
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader().load(path: config)
        } catch {
            throw CommandFailure.exit(error.description)
        }
        var logger = Logger(label: "toolgate.check")
        logger.logLevel = .critical
        if format == .json {
            let checks = await Gateway.check(configuration, connect: connect, logger: logger)
            print(Self.report(configuration, file: config, checks: checks).prettySerialized())
            let failed = checks.filter { if case .failure = $0.outcome { return true } else { return false } }
            if !failed.isEmpty { throw ExitCode(1) }
            return
        }
        var failures: [String] = []
        print("\(config): listen \(configuration.host):\(configuration.port), \(configuration.servers.count) server(s), \(configuration.models.count) model group(s)")
        for check in await Gateway.check(configuration, connect: connect, logger: logger) {
            switch check.outcome {
            case .success(let summary):
                print("  ok   /mcp/\(check.name): \(summary)")
            case .failure(let error):
                print("  FAIL /mcp/\(check.name): \(error)")
                failures.append(check.name)
            }
        }
        for group in configuration.models {
            let names = ([group.name] + group.aliases).joined(separator: ", ")
            let instances = group.instances.map { "\($0.name) (\($0.provider.rawValue) \($0.model), priority \($0.priority), weight \($0.weight))" }
            print("  ok   model \(names): \(group.strategy.rawValue) over \(instances.joined(separator: "; "))")
        }
        let policies = configuration.policies
        if policies.auditsCalls {
            let store = policies.store ?? Gateway.defaultStorePath(for: configuration)
            print("  ok   audit: \(store)\(policies.audit?.payloads == true ? ", payloads kept" : "")")
        }
        if !policies.guardDeny.isEmpty || !policies.guardAllow.isEmpty {
            print("  ok   guard: \(policies.guardDeny.count) deny rule(s), \(policies.guardAllow.count) allow rule(s)")
        }
        if !policies.redact.isEmpty || !policies.redactPatterns.isEmpty {
            print("  ok   redact: \((policies.redact + policies.redactPatterns.map { _ in "pattern" }).joined(separator: ", "))")
        }
        if !failures.isEmpty {
            throw CommandFailure.exit("\(failures.count) server(s) failed: \(failures.joined(separator: ", "))")
        }
    }
}
