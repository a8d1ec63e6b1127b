import GatewayConfig
import GatewayCore
import GatewayRuntime
import MCPCore

extension CheckCommand {
    /// The `--format json` report: every server (its endpoint, tools or error), every model group,
    /// the policies, and for each consumer the servers' tools and the model groups it may use
    /// (its own grants and every group's must all allow).
    static func report(_ configuration: GatewayConfiguration, file: String, checks: [Gateway.ServerCheck]) -> JSONValue {
        var servers: [JSONValue] = []
        for check in checks {
            var entry: JSONObject = ["name": .string(check.name)]
            switch check.outcome {
            case .success(let summary):
                entry["ok"] = true
                entry["summary"] = .string(summary)
            case .failure(let error):
                entry["ok"] = false
                entry["error"] = .string(error.description)
            }
            if let endpoint = check.endpoint { entry["endpoint"] = .string(endpoint) }
            entry["tools"] = check.tools.map { .array($0.map(JSONValue.string)) } ?? .null
            servers.append(.object(entry))
        }
        let models: [JSONValue] = configuration.models.map { group in
            [
                "name": .string(group.name), "aliases": .array(group.aliases.map(JSONValue.string)), "strategy": .string(group.strategy.rawValue),
                "instances": .array(group.instances.map { instance in
                    [
                        "name": .string(instance.name), "provider": .string(instance.provider.rawValue), "model": .string(instance.model),
                        "priority": .int(Int64(instance.priority)), "weight": .int(Int64(instance.weight)),
                    ]
                }),
            ]
        }
        let identity = configuration.identity
        let consumers: [JSONValue] = identity.consumers.map { consumer in
            let grants = [consumer.allow].compactMap { $0 }
                + consumer.groups.compactMap { name in identity.groups.first { $0.name == name }?.allow }
            var allowed: JSONObject = [:]
            // A server it may list (tools unknown without --connect: null), with the tools it may call.
            for check in checks where grants.allSatisfy({ $0.allows(CallTarget(kind: .list, scope: check.name, name: "tools/list")) }) {
                guard let tools = check.tools else {
                    allowed[check.name] = .null
                    continue
                }
                let callable = tools.filter { tool in grants.allSatisfy { $0.allows(.toolCall, server: check.name, name: tool) } }
                if !callable.isEmpty { allowed[check.name] = .array(callable.map(JSONValue.string)) }
            }
            let groups = configuration.models.map(\.name).filter { group in grants.allSatisfy { $0.allowsModel(group) } }
            return [
                "name": .string(consumer.name), "groups": .array(consumer.groups.map(JSONValue.string)), "servers": .object(allowed),
                "models": .array(groups.map(JSONValue.string)), "limits": .int(Int64(consumer.limits.count)),
            ]
        }
        let policies = configuration.policies
        var policyReport: JSONObject = [
            "audit": policies.auditsCalls ? ["store": .string(policies.store ?? Gateway.defaultStorePath(for: configuration)), "payloads": .bool(policies.audit?.payloads == true)] : .null,
            "guard": ["deny": .int(Int64(policies.guardDeny.count)), "allow": .int(Int64(policies.guardAllow.count))],
            "redact": .array((policies.redact + policies.redactPatterns.map { _ in "pattern" }).map(JSONValue.string)),
            "metrics": .bool(configuration.metricsEnabled),
        ]
        policyReport["moderation"] = policies.moderation.map { .string($0.kind.rawValue) } ?? .null
        let ok = checks.allSatisfy { if case .success = $0.outcome { return true } else { return false } }
        return [
            "file": .string(file), "listen": .string("\(configuration.host):\(configuration.port)"), "ok": .bool(ok), "servers": .array(servers),
            "models": .array(models), "consumers": .array(consumers), "policies": .object(policyReport),
        ]
    }
}
