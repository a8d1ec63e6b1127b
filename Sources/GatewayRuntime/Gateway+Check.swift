import GatewayConfig
import GatewayCore
import Logging
import RESTUpstream

extension Gateway {
    /// What `toolgate check` found for one server.
    public struct ServerCheck: Sendable {
        /// The configured name (the endpoint's name once built).
        public var name: String
        /// The built server's description (`N tools from <origin> (W warnings)`), or why it failed.
        public var outcome: Result<String, GatewayStartupError>
        /// The tools' names, when known without connecting (OpenAPI) or after connecting.
        public var tools: [String]?
        /// The endpoint's path.
        public var endpoint: String?
    }

    /// Builds every server of `configuration` on its own, without serving, and reports each;
    /// with `connect`, stdio servers are started and remote ones asked for their tools too.
    public static func check(_ configuration: GatewayConfiguration, connect: Bool, logger: Logger) async -> [ServerCheck] {
        var checks: [ServerCheck] = []
        for server in configuration.servers {
            var one = configuration
            one.servers = [server]
            // The audit store is left closed: a gateway serving this configuration holds it.
            one.policies.store = nil
            one.policies.audit = nil
            do {
                let gateway = try await Gateway.build(one, logger: logger)
                guard let assembled = gateway.servers.first else { continue }
                var tools: [String]?
                if assembled.toolCount != nil || connect {
                    let listed = await gateway.withJobs { await toolNames(of: assembled.provider) }
                    do {
                        tools = try listed.get()
                    } catch {
                        checks.append(ServerCheck(name: server.name, outcome: .failure(GatewayStartupError(.importFailed, error.description, underlying: error))))
                        continue
                    }
                } else {
                    await gateway.shutdown()
                }
                let warnings = assembled.warnings > 0 ? " (\(assembled.warnings) warnings)" : ""
                let count = tools.map { "\($0.count) tools from " } ?? ""
                checks.append(
                    ServerCheck(
                        name: assembled.name, outcome: .success("\(count)\(assembled.origin)\(warnings)"), tools: tools, endpoint: assembled.endpoint.path
                    )
                )
            } catch let error as GatewayStartupError {
                checks.append(ServerCheck(name: server.name, outcome: .failure(error)))
            } catch {
                checks.append(ServerCheck(name: server.name, outcome: .failure(GatewayStartupError(.importFailed, "\(error)", underlying: error))))
            }
        }
        return checks
    }

    /// The tools' names (of live MCP servers too: a per-session server's shared instance stands in
    /// for a session's); every source of an aggregate must answer, not just some.
    static func toolNames(of provider: any ToolProvider) async -> Result<[String], GatewayError> {
        do throws(GatewayError) {
            if let aggregate = provider as? AggregateToolProvider { return .success(try await aggregate.toolsOfEverySource().map(\.name)) }
            return .success(try await provider.tools().map(\.name))
        } catch {
            return .failure(error)
        }
    }
}
