import Foundation
import GatewayConfig
import GatewayCore
import GatewayPolicy
import GatewayStore
import LLMUpstream
import Logging
import ServiceLifecycle

extension Gateway {
    /// The audit policy and its store (outermost in the chain, so it records every call, refused
    /// ones too), when `store:` or `policies.audit` is configured.
    static func auditing(_ configuration: GatewayConfiguration, logger: Logger) throws -> (policy: AuditPolicy, store: SQLiteAuditStore)? {
        let settings = configuration.policies
        guard settings.auditsCalls else { return nil }
        let path = settings.store ?? Self.defaultStore(next: configuration.file)
        let audit = settings.audit ?? AuditSettings()
        let store: SQLiteAuditStore
        do {
            store = try SQLiteAuditStore(
                path: path, chainKey: audit.chainKey, retention: .init(maxAge: audit.maxAge, maxRecords: audit.maxRecords, maxBytes: audit.maxBytes),
                logger: logger
            )
        } catch {
            throw GatewayStartupError(.invalidConfiguration, "store: \(error.message)", underlying: error)
        }
        logger.info("auditing calls", metadata: ["store": "\(path)", "payloads": "\(audit.payloads)"])
        return (try auditPolicy(configuration, store: store), store)
    }

    /// The audit policy over an open store, as the configuration's `policies` set it.
    static func auditPolicy(_ configuration: GatewayConfiguration, store: SQLiteAuditStore) throws -> AuditPolicy {
        let audit = configuration.policies.audit ?? AuditSettings()
        return AuditPolicy(sink: store, payloads: audit.payloads, durableBeforeAnswer: audit.durableBeforeAnswer, redactor: try redactor(configuration.policies))
    }

    /// The guard, when it has rules.
    static func guarding(_ configuration: GatewayConfiguration) throws -> GuardPolicy? {
        let settings = configuration.policies
        guard !settings.guardDeny.isEmpty || !settings.guardAllow.isEmpty else { return nil }
        do {
            return try GuardPolicy(deny: settings.guardDeny, allow: settings.guardAllow)
        } catch {
            throw GatewayStartupError(.invalidConfiguration, error.message, underlying: error)
        }
    }

    /// The moderation policy, when a moderator is configured.
    static func moderating(_ configuration: GatewayConfiguration) throws -> ModerationPolicy? {
        guard let settings = configuration.policies.moderation else { return nil }
        guard let moderator = HTTPModerator(settings, pool: .shared) else {
            throw GatewayStartupError(.invalidConfiguration, "policies.moderation.url: not an http or https URL without user info: \(settings.url)")
        }
        return ModerationPolicy(moderator: moderator, settings: settings)
    }

    /// The upstream redaction, when configured.
    static func redactingUpstream(_ configuration: GatewayConfiguration) throws -> UpstreamRedactionPolicy? {
        guard let settings = configuration.policies.redactUpstream, let redactor = try redactor(configuration.policies) else { return nil }
        return UpstreamRedactionPolicy(redactor: redactor, servers: settings.servers, models: settings.models, restore: settings.restore)
    }

    static func redactor(_ settings: PolicySettings) throws -> Redactor? {
        guard !settings.redact.isEmpty || !settings.redactPatterns.isEmpty else { return nil }
        do {
            return try Redactor(kinds: settings.redact.compactMap(Redactor.Kind.init(rawValue:)), patterns: settings.redactPatterns)
        } catch {
            throw GatewayStartupError(.invalidConfiguration, "policies.redact: \(error)", underlying: error)
        }
    }

    /// Where a configuration's audit store is when `store:` does not say.
    public static func defaultStorePath(for configuration: GatewayConfiguration) -> String {
        defaultStore(next: configuration.file)
    }

    /// `toolgate.db` beside the configuration file (or in the working folder without one).
    static func defaultStore(next file: String) -> String {
        let folder = file.isEmpty ? "." : (file as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("toolgate.db")
    }
}
