import Foundation
import GatewayCore

extension ConfigurationLoader {
    /// The redaction kinds the configuration may name (`credit_card` is `card`).
    static let redactionKinds = ["email", "phone", "card", "iban", "api_key"]

    /// `store:` and `policies: { guard, redact, audit }`.
    static func policies(store: ConfigNode?, policies: ConfigNode?, folder: String) throws(ConfigurationError) -> PolicySettings {
        var settings = PolicySettings()
        if let store {
            let text = try store.string()
            guard text.hasPrefix("sqlite:") else {
                throw store.error(.invalidValue, "expected sqlite:PATH (a file, relative to this configuration's folder); found '\(text)'")
            }
            var path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw store.error(.invalidValue, "sqlite: needs a file path") }
            if !path.hasPrefix("/") {
                // Relative to the file's folder, made absolute first (a relative folder such as
                // `examples` once turned `../toolgate.db` into `/toolgate.db`).
                let base = folder.hasPrefix("/") ? folder : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(folder)
                path = (base as NSString).appendingPathComponent(path)
            }
            settings.store = (path as NSString).standardizingPath
        }
        guard let policies else { return settings }
        let fields = try policies.object(allowed: ["guard", "redact", "redact_upstream", "audit", "moderation"])
        if let moderation = fields["moderation"] { settings.moderation = try Self.moderation(moderation) }
        if let guardNode = fields["guard"] {
            let guardFields = try guardNode.object(allowed: ["deny", "allow"])
            settings.guardDeny = try patterns(guardFields["deny"])
            settings.guardAllow = try patterns(guardFields["allow"])
        }
        if let redact = fields["redact"] { try redactions(redact, into: &settings) }
        if let upstream = fields["redact_upstream"] {
            let upstreamFields = try upstream.object(allowed: ["servers", "models", "restore"])
            var redaction = UpstreamRedactionSettings()
            redaction.servers = try upstreamFields["servers"]?.strings()
            redaction.models = try upstreamFields["models"]?.strings()
            if let restore = upstreamFields["restore"] { redaction.restore = try restore.bool() }
            settings.redactUpstream = redaction
        }
        if let audit = fields["audit"] {
            let auditFields = try audit.object(allowed: ["payloads", "durability", "chain_key", "retention", "max_records", "max_bytes", "redact"])
            var auditSettings = AuditSettings()
            if let payloads = auditFields["payloads"] { auditSettings.payloads = try payloads.bool() }
            if let key = auditFields["chain_key"] { auditSettings.chainKey = try key.string() }
            if let durability = auditFields["durability"] {
                switch try durability.string() {
                case "answer": auditSettings.durableBeforeAnswer = true
                case "batch": auditSettings.durableBeforeAnswer = false
                case let other: throw durability.error(.invalidValue, "expected answer (committed before the answer leaves) or batch, found '\(other)'")
                }
            }
            if let retention = auditFields["retention"] { auditSettings.maxAge = .milliseconds(Int64(try retention.seconds() * 1000)) }
            if let maxRecords = auditFields["max_records"] { auditSettings.maxRecords = try maxRecords.int(in: 1...Int.max) }
            if let maxBytes = auditFields["max_bytes"] { auditSettings.maxBytes = try maxBytes.int(in: (1 << 20)...Int.max) }
            // The design's shape, `audit: { redact: [...] }`, names the same kinds as `policies.redact`.
            if let redact = auditFields["redact"] { try redactions(redact, into: &settings) }
            settings.audit = auditSettings
        }
        if settings.redactUpstream != nil, settings.redact.isEmpty, settings.redactPatterns.isEmpty, let upstream = fields["redact_upstream"] {
            throw upstream.error(.missingField, "redact_upstream replaces what 'policies.redact' names; list the kinds there")
        }
        return settings
    }

    /// `moderation: { url, kind: openai|webhook, api_key, model, timeout, fail: open|closed, on: [request, response], thresholds, stream_every }`.
    static func moderation(_ node: ConfigNode) throws(ConfigurationError) -> ModerationSettings {
        let fields = try node.object(allowed: ["url", "kind", "api_key", "model", "timeout", "fail", "on", "thresholds", "stream_every"])
        guard let urlNode = fields["url"] else { throw node.error(.missingField, "'url' is required (an OpenAI-compatible /moderations endpoint or a webhook)") }
        let url = try urlNode.string()
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw urlNode.error(.invalidValue, "expected an http or https URL, found '\(url)'")
        }
        var settings = ModerationSettings(url: url)
        if let kind = fields["kind"] {
            let text = try kind.string()
            guard let value = ModerationSettings.Kind(rawValue: text) else { throw kind.error(.invalidValue, "expected openai or webhook, found '\(text)'") }
            settings.kind = value
        }
        if let key = fields["api_key"] { settings.apiKey = try key.string() }
        if let model = fields["model"] { settings.model = try model.string() }
        if let timeout = fields["timeout"] { settings.timeout = .milliseconds(Int64(try timeout.seconds() * 1000)) }
        if let fail = fields["fail"] {
            switch try fail.string() {
            case "open": settings.failOpen = true
            case "closed": settings.failOpen = false
            case let other: throw fail.error(.invalidValue, "expected open or closed, found '\(other)'")
            }
        }
        if let on = fields["on"] {
            let stages = try on.strings()
            for (index, stage) in stages.enumerated() where !["request", "response"].contains(stage) {
                throw on.child(String(index), .string(stage)).error(.invalidValue, "expected request or response, found '\(stage)'")
            }
            settings.requests = stages.contains("request")
            settings.responses = stages.contains("response")
        }
        if let window = fields["stream_every"] { settings.streamWindow = try window.int(in: 1...1_000_000) }
        if let thresholds = fields["thresholds"] {
            guard case .object(let members) = thresholds.value else { throw thresholds.error(.invalidValue, "expected a mapping of categories to scores") }
            for (category, value) in members {
                let child = thresholds.child(category, value)
                switch value {
                case .double(let score) where (0...1).contains(score): settings.thresholds[category] = score
                case .int(let score) where (0...1).contains(score): settings.thresholds[category] = Double(score)
                default: throw child.error(.invalidValue, "a threshold is a score between 0 and 1")
                }
            }
        }
        return settings
    }

    /// `[email, card, { pattern: REGEX }, ...]`.
    static func redactions(_ redact: ConfigNode, into settings: inout PolicySettings) throws(ConfigurationError) {
        for (index, entry) in try redact.array().enumerated() {
            if case .object = entry.value {
                let pattern = try entry.object(allowed: ["pattern"])
                guard let node = pattern["pattern"] else { throw entry.error(.missingField, "'pattern' is required (a regular expression)") }
                settings.redactPatterns += try patterns(node)
                continue
            }
            var kind = try entry.string()
            if kind == "credit_card" { kind = "card" }
            guard redactionKinds.contains(kind) else {
                throw redact.child(String(index), entry.value).error(
                    .invalidValue, "'\(kind)' is not a redaction kind: \(redactionKinds.joined(separator: ", ")), or { pattern: REGEX }"
                )
            }
            if !settings.redact.contains(kind) { settings.redact.append(kind) }
        }
    }

    /// A list of regular expressions, each checked here so a bad one names its place.
    static func patterns(_ node: ConfigNode?) throws(ConfigurationError) -> [String] {
        guard let node else { return [] }
        let values: [String]
        if case .array = node.value { values = try node.strings() } else { values = [try node.string()] }
        for (index, pattern) in values.enumerated() where (try? NSRegularExpression(pattern: pattern)) == nil {
            throw node.child(String(index), .string(pattern)).error(.invalidValue, "not a valid regular expression: \(pattern)")
        }
        return values
    }
}
