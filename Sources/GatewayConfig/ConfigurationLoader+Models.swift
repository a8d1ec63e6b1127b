import Foundation
import GatewayCore
import MCPCore

extension ConfigurationLoader {
    /// `models:`: the model groups, names and aliases unique across groups.
    static func models(_ node: ConfigNode) throws(ConfigurationError) -> [ModelGroupSettings] {
        var groups: [ModelGroupSettings] = []
        var taken: Set<String> = []
        for item in try node.array() {
            let group = try modelGroup(item)
            for name in [group.name] + group.aliases {
                guard taken.insert(name).inserted else { throw item.error(.invalidValue, "the model name '\(name)' is used twice (names and aliases are shared by all groups)") }
            }
            groups.append(group)
        }
        return groups
    }

    static func modelGroup(_ node: ConfigNode) throws(ConfigurationError) -> ModelGroupSettings {
        let fields = try node.object(allowed: [
            "name", "aliases", "ttft_timeout", "timeout", "max_retries", "retry_budget", "fallback_on", "strategy", "health_check", "passive_health",
            "stream", "instances",
        ])
        guard let nameNode = fields["name"] else { throw node.error(.missingField, "'name' is required (what clients send as 'model')") }
        let name = try modelName(nameNode)
        guard let instancesNode = fields["instances"] else { throw node.error(.missingField, "model group '\(name)' needs 'instances'") }
        var instances: [ModelInstanceSettings] = []
        for item in try instancesNode.array() {
            let instance = try modelInstance(item)
            guard !instances.contains(where: { $0.name == instance.name }) else {
                throw item.error(.invalidValue, "the instance name '\(instance.name)' is used twice in group '\(name)'")
            }
            instances.append(instance)
        }
        guard !instances.isEmpty else { throw instancesNode.error(.missingField, "list at least one instance") }
        var group = ModelGroupSettings(name: name, instances: instances)
        if let value = fields["aliases"] {
            group.aliases = []
            for alias in try value.array() { group.aliases.append(try modelName(alias)) }
        }
        if let value = fields["ttft_timeout"] { group.ttftTimeout = try value.duration() }
        if let value = fields["timeout"] { group.timeout = try value.duration() }
        if let value = fields["max_retries"] { group.maxRetries = try value.int(in: 0...20) }
        if let value = fields["retry_budget"] { group.retryBudget = try value.duration() }
        if let value = fields["fallback_on"] { group.fallbackOn = try fallbackTriggers(value) }
        if let value = fields["strategy"] {
            let raw = try value.string()
            guard let strategy = RoutingStrategy(rawValue: raw) else {
                throw value.error(.invalidValue, "expected \(RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", ")), found '\(raw)'")
            }
            group.strategy = strategy
            if strategy == .cost, let unpriced = instances.first(where: { $0.price == nil }) {
                throw value.error(.invalidValue, "the cost strategy needs a 'price' on every instance; '\(unpriced.name)' has none")
            }
        }
        if let value = fields["health_check"] { try activeHealth(value, into: &group.health) }
        if let value = fields["passive_health"] {
            let health = try value.object(allowed: ["failures", "cooldown"])
            if let failures = health["failures"] { group.health.ejectAfterFailures = try failures.int(in: 1...1000) }
            if let cooldown = health["cooldown"] { group.health.cooldown = try cooldown.duration() }
        }
        if let value = fields["stream"] { group.stream = try streamSettings(value) }
        return group
    }

    /// A name clients send as `model`: printable, no spaces, at most 128 bytes (`gpt-4.1`, `qwen3:8b`).
    static func modelName(_ node: ConfigNode) throws(ConfigurationError) -> String {
        let name = try node.string()
        guard !name.isEmpty, name.utf8.count <= 128, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw node.error(.invalidValue, "'\(name)' is not a valid model name: 1 to 128 printable characters without spaces")
        }
        return name
    }

    static func modelInstance(_ node: ConfigNode) throws(ConfigurationError) -> ModelInstanceSettings {
        let fields = try node.object(allowed: [
            "name", "provider", "base_url", "api_key", "model", "weight", "priority", "requests_per_minute", "tokens_per_minute", "price", "headers",
        ])
        let name = try Self.name(fields["name"], in: node)
        guard let providerNode = fields["provider"] else { throw node.error(.missingField, "instance '\(name)' needs 'provider'") }
        let rawProvider = try providerNode.string()
        guard let provider = ModelProviderKind(rawValue: rawProvider) else {
            throw providerNode.error(.invalidValue, "expected \(ModelProviderKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(rawProvider)'")
        }
        guard let baseNode = fields["base_url"] else { throw node.error(.missingField, "instance '\(name)' needs 'base_url'") }
        let baseURL = try baseNode.string()
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil, url.user == nil else {
            throw baseNode.error(.invalidValue, "expected an http or https URL without user info, found '\(baseURL)'")
        }
        guard let modelNode = fields["model"] else { throw node.error(.missingField, "instance '\(name)' needs 'model' (the upstream's name for it)") }
        var instance = ModelInstanceSettings(name: name, provider: provider, baseURL: baseURL, model: try modelNode.string())
        if let value = fields["api_key"] { instance.apiKey = try value.string() }
        if let value = fields["weight"] { instance.weight = try value.int(in: 1...10_000) }
        if let value = fields["priority"] { instance.priority = try value.int(in: 0...1000) }
        if let value = fields["requests_per_minute"] { instance.requestsPerMinute = try value.int(in: 1...100_000_000) }
        if let value = fields["tokens_per_minute"] { instance.tokensPerMinute = try value.int(in: 1...1_000_000_000) }
        if let value = fields["price"] {
            let price = try value.object(allowed: ["input", "cached_input", "output"])
            guard let input = price["input"], let output = price["output"] else { throw value.error(.missingField, "a price needs 'input' and 'output' (per million tokens)") }
            instance.price = ModelPrice(input: try input.number(), cachedInput: try price["cached_input"]?.number(), output: try output.number())
        }
        if let value = fields["headers"] {
            guard case .object(let members) = value.value else { throw value.error(.invalidValue, "expected a mapping of header names to values") }
            for (key, member) in members {
                let header = value.child(key, member)
                let lowered = key.lowercased()
                guard !["authorization", "host", "content-length", "transfer-encoding", "connection"].contains(lowered) else {
                    throw header.error(.invalidValue, "'\(key)' is set by the gateway; use 'api_key' for the provider key")
                }
                instance.headers.append((key, try header.string()))
            }
        }
        return instance
    }

    static func fallbackTriggers(_ node: ConfigNode) throws(ConfigurationError) -> Set<FallbackTrigger> {
        var triggers: Set<FallbackTrigger> = []
        for item in try node.array() {
            switch item.value {
            case .int(let status) where (400...599).contains(status): triggers.insert(.status(Int(status)))
            default:
                let raw = try item.string()
                switch raw {
                case "timeout": triggers.insert(.timeout)
                case "connect": triggers.insert(.connect)
                default:
                    guard let status = Int(raw), (400...599).contains(status) else {
                        throw item.error(.invalidValue, "expected an HTTP status 400...599, timeout or connect, found '\(raw)'")
                    }
                    triggers.insert(.status(status))
                }
            }
        }
        return triggers
    }

    static func activeHealth(_ node: ConfigNode, into health: inout ModelHealthSettings) throws(ConfigurationError) {
        let fields = try node.object(allowed: ["interval", "timeout", "unhealthy_threshold", "healthy_threshold", "path", "body"])
        health.probeInterval = try fields["interval"]?.duration() ?? .seconds(10)
        if let value = fields["timeout"] { health.probeTimeout = try value.duration() }
        if let value = fields["unhealthy_threshold"] { health.unhealthyThreshold = try value.int(in: 1...100) }
        if let value = fields["healthy_threshold"] { health.healthyThreshold = try value.int(in: 1...100) }
        if let value = fields["path"] {
            let path = try value.string()
            guard path.hasPrefix("/") else { throw value.error(.invalidValue, "expected a path under base_url starting with '/', found '\(path)'") }
            health.probePath = path
        }
        if let value = fields["body"] {
            let text: String
            if case .object = value.value { text = value.value.serialized() } else { text = try value.string() }
            guard (try? JSONParser().parse(text))?.objectValue != nil else { throw value.error(.invalidValue, "the probe body must be a JSON object") }
            health.probeBody = text
        }
    }

    static func streamSettings(_ node: ConfigNode) throws(ConfigurationError) -> ModelStreamSettings {
        let fields = try node.object(allowed: ["on_disconnect", "max_duration", "max_bytes", "max_response_bytes"])
        var settings = ModelStreamSettings()
        if let value = fields["on_disconnect"] {
            let raw = try value.string()
            guard let policy = ModelStreamSettings.OnDisconnect(rawValue: raw) else {
                throw value.error(.invalidValue, "expected cancel_upstream or drain_for_accounting, found '\(raw)'")
            }
            settings.onDisconnect = policy
        }
        if let value = fields["max_duration"] { settings.maxDuration = try value.duration() }
        if let value = fields["max_bytes"] { settings.maxBytes = try value.int(in: 1024...(1 << 34)) }
        if let value = fields["max_response_bytes"] { settings.maxResponseBytes = try value.int(in: 1024...(1 << 31)) }
        return settings
    }
}

extension ConfigNode {
    /// A duration (see `seconds()`) as a `Duration`.
    func duration() throws(ConfigurationError) -> Duration {
        .milliseconds(Int64((try seconds() * 1000).rounded()))
    }

    /// A non-negative number.
    func number() throws(ConfigurationError) -> Double {
        let number: Double?
        switch value {
        case .int(let raw): number = Double(raw)
        case .double(let raw): number = raw
        default: number = Double(try string())
        }
        guard let number, number >= 0 else { throw error(.invalidValue, "expected a non-negative number") }
        return number
    }
}
