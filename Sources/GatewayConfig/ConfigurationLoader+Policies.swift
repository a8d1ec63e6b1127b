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
            if !path.hasPrefix("/"), !folder.isEmpty { path = (folder as NSString).appendingPathComponent(path) }
            settings.store = path
        }
        guard let policies else { return settings }
        let fields = try policies.object(allowed: ["guard", "redact", "audit"])
        if let guardNode = fields["guard"] {
            let guardFields = try guardNode.object(allowed: ["deny", "allow"])
            settings.guardDeny = try patterns(guardFields["deny"])
            settings.guardAllow = try patterns(guardFields["allow"])
        }
        if let redact = fields["redact"] { try redactions(redact, into: &settings) }
        if let audit = fields["audit"] {
            let auditFields = try audit.object(allowed: ["payloads", "chain_key", "retention", "max_records", "redact"])
            var auditSettings = AuditSettings()
            if let payloads = auditFields["payloads"] { auditSettings.payloads = try payloads.bool() }
            if let key = auditFields["chain_key"] { auditSettings.chainKey = try key.string() }
            if let retention = auditFields["retention"] { auditSettings.maxAge = .milliseconds(Int64(try retention.seconds() * 1000)) }
            if let maxRecords = auditFields["max_records"] { auditSettings.maxRecords = try maxRecords.int(in: 1...Int.max) }
            // The design's shape, `audit: { redact: [...] }`, names the same kinds as `policies.redact`.
            if let redact = auditFields["redact"] { try redactions(redact, into: &settings) }
            settings.audit = auditSettings
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
