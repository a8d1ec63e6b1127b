import Crypto
import GatewayCore

extension ConfigurationLoader {
    /// `consumers:`, `groups:` and `auth:`. API keys are kept as SHA-256 digests only.
    static func identity(consumers: ConfigNode?, groups: ConfigNode?, auth: ConfigNode?) throws(ConfigurationError) -> IdentitySettings {
        var settings = IdentitySettings()
        if let groups {
            for node in try groups.array() {
                let fields = try node.object(allowed: ["name", "allow", "limits"])
                let name = try Self.name(fields["name"], in: node)
                guard !settings.groups.contains(where: { $0.name == name }) else { throw node.error(.invalidValue, "the group name '\(name)' is used twice") }
                settings.groups.append(ConsumerGroupSettings(name: name, allow: try fields["allow"].map(grants), limits: try fields["limits"].map(limits) ?? []))
            }
        }
        var digests: Set<String> = []
        if let consumers {
            for node in try consumers.array() {
                let fields = try node.object(allowed: ["name", "api_keys", "groups", "allow", "limits"])
                let name = try Self.name(fields["name"], in: node)
                guard !settings.consumers.contains(where: { $0.name == name }) else { throw node.error(.invalidValue, "the consumer name '\(name)' is used twice") }
                var consumer = ConsumerSettings(name: name, allow: try fields["allow"].map(grants), limits: try fields["limits"].map(limits) ?? [])
                if let keys = fields["api_keys"] {
                    for key in try keys.array() {
                        let digest = try apiKeyDigest(key)
                        guard digests.insert(digest).inserted else { throw key.error(.invalidValue, "this API key is also another consumer's (or listed twice)") }
                        consumer.apiKeyDigests.append(digest)
                    }
                }
                if let value = fields["groups"] {
                    consumer.groups = try value.strings()
                    for (index, group) in consumer.groups.enumerated() where !settings.groups.contains(where: { $0.name == group }) {
                        throw value.child(String(index), .string(group)).error(.invalidValue, "no group '\(group)' is configured under 'groups'")
                    }
                }
                settings.consumers.append(consumer)
            }
        }
        if let auth { settings.auth = try authSettings(auth) }
        if let identity = settings.auth.stdioIdentity, !settings.consumers.contains(where: { $0.name == identity }) {
            throw auth!.error(.invalidValue, "stdio_identity '\(identity)' is not a configured consumer")
        }
        return settings
    }

    /// A key as `sha256:<hex>` (a stored digest) or the key itself (digested here, then forgotten).
    static func apiKeyDigest(_ node: ConfigNode) throws(ConfigurationError) -> String {
        let key = try node.string()
        if key.hasPrefix("sha256:") {
            let hex = String(key.dropFirst(7)).lowercased()
            guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { throw node.error(.invalidValue, "a stored key is 'sha256:' and 64 hex digits") }
            return hex
        }
        guard key.utf8.count >= 16 else { throw node.error(.invalidValue, "an API key must be at least 16 characters (use a random one)") }
        return Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }

    static func grants(_ node: ConfigNode) throws(ConfigurationError) -> Grants {
        let fields = try node.object(allowed: ["servers", "tools", "resources", "prompts", "models"])
        return Grants(
            servers: try fields["servers"]?.strings(), tools: try fields["tools"]?.strings(), resources: try fields["resources"]?.strings(),
            prompts: try fields["prompts"]?.strings(), models: try fields["models"]?.strings()
        )
    }

    static func limits(_ node: ConfigNode) throws(ConfigurationError) -> [LimitSettings] {
        var limits: [LimitSettings] = []
        for item in try node.array() {
            let measures: [(String, LimitSettings.Measure)] = [
                ("requests", .requests), ("concurrent", .concurrent), ("tokens", .tokens), ("prompt_tokens", .promptTokens),
                ("completion_tokens", .completionTokens), ("cost", .cost),
            ]
            let fields = try item.object(allowed: measures.map(\.0) + ["per", "servers", "tools", "models"])
            let present = measures.filter { fields[$0.0] != nil }
            guard present.count == 1, let (key, measure) = present.first, let amountNode = fields[key] else {
                throw item.error(.invalidValue, "a limit names exactly one of \(measures.map(\.0).joined(separator: ", "))")
            }
            var limit = LimitSettings(measure: measure, amount: try amountNode.number())
            if let per = fields["per"] {
                guard measure != .concurrent else { throw per.error(.invalidValue, "a concurrency limit has no window") }
                limit.window = try per.duration()
                guard limit.window! >= .seconds(1) else { throw per.error(.invalidValue, "the window must be at least 1s") }
            } else if measure != .concurrent {
                throw item.error(.missingField, "'per' is required: the window, such as 1m or 1h")
            }
            limit.servers = try fields["servers"]?.strings()
            limit.tools = try fields["tools"]?.strings()
            limit.models = try fields["models"]?.strings()
            limits.append(limit)
        }
        return limits
    }

    static func authSettings(_ node: ConfigNode) throws(ConfigurationError) -> AuthSettings {
        let fields = try node.object(allowed: ["required", "header", "jwt", "stdio_identity", "tool_rejections", "tool_call_price"])
        var auth = AuthSettings()
        if let value = fields["required"] { auth.required = try value.bool() }
        if let value = fields["header"] { auth.header = try value.string() }
        if let value = fields["stdio_identity"] { auth.stdioIdentity = try value.string() }
        if let value = fields["tool_call_price"] { auth.toolCallPrice = try value.number() }
        if let value = fields["tool_rejections"] {
            let raw = try value.string()
            guard let mode = AuthSettings.ToolRejection(rawValue: raw) else { throw value.error(.invalidValue, "expected error or result, found '\(raw)'") }
            auth.toolRejections = mode
        }
        if let value = fields["jwt"] { auth.jwt = try jwt(value) }
        return auth
    }

    static func jwt(_ node: ConfigNode) throws(ConfigurationError) -> JWTSettings {
        let fields = try node.object(allowed: [
            "issuer", "audiences", "algorithms", "secret", "jwks_file", "jwks_url", "consumer_claim", "groups_claim", "leeway", "authorization_servers", "scopes",
        ])
        guard let issuer = fields["issuer"] else { throw node.error(.missingField, "'issuer' is required (the exact iss of accepted tokens)") }
        guard let audiences = fields["audiences"] else { throw node.error(.missingField, "'audiences' is required (never empty)") }
        var settings = JWTSettings(issuer: try issuer.string(), audiences: try audiences.strings(), algorithms: try fields["algorithms"]?.strings() ?? ["RS256", "ES256"])
        guard !settings.audiences.isEmpty else { throw audiences.error(.invalidValue, "list at least one audience") }
        for (index, alg) in settings.algorithms.enumerated() where !["HS256", "RS256", "ES256"].contains(alg) {
            throw fields["algorithms"]!.child(String(index), .string(alg)).error(.invalidValue, "expected HS256, RS256 or ES256, found '\(alg)'")
        }
        settings.secret = try fields["secret"]?.string()
        settings.jwksFile = try fields["jwks_file"]?.string()
        settings.jwksURL = try fields["jwks_url"]?.string()
        if settings.algorithms.contains("HS256") {
            guard let secret = settings.secret, secret.utf8.count >= 32 else {
                throw (fields["secret"] ?? node).error(.invalidValue, "HS256 needs 'secret' of at least 32 bytes")
            }
            guard settings.algorithms == ["HS256"] else { throw fields["algorithms"]!.error(.invalidValue, "HS256 cannot be accepted together with RS256 or ES256 for one issuer") }
        } else if settings.jwksFile == nil, settings.jwksURL == nil {
            throw node.error(.missingField, "RS256 and ES256 need 'jwks_file' or 'jwks_url'")
        }
        if let value = fields["consumer_claim"] { settings.consumerClaim = try value.string() }
        if let value = fields["groups_claim"] { settings.groupsClaim = try value.string() }
        if let value = fields["leeway"] { settings.leeway = try value.duration() }
        if let value = fields["authorization_servers"] { settings.authorizationServers = try value.strings() }
        if let value = fields["scopes"] { settings.scopes = try value.strings() }
        return settings
    }
}
