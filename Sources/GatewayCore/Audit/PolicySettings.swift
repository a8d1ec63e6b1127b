/// The `store:` and `policies:` sections: where the audit trail lives, what the guard denies,
/// what is redacted, and what the audit keeps.
public struct PolicySettings: Sendable {
    /// The SQLite file of the audit trail (resolved against the configuration's folder); nil: no store.
    public var store: String?
    /// Regular expressions: a call whose text matches one is refused.
    public var guardDeny: [String] = []
    /// Regular expressions: when any are given, a call whose text matches none is refused.
    public var guardAllow: [String] = []
    /// Built-in kinds to redact (`email`, `phone`, `card`, `iban`, `api_key`).
    public var redact: [String] = []
    /// Extra regular expressions to redact.
    public var redactPatterns: [String] = []
    /// The audit trail's settings (nil: no audit unless a store is configured).
    public var audit: AuditSettings?
    /// The external moderator (nil: none).
    public var moderation: ModerationSettings?
    /// Redaction of what is sent upstream (nil: upstreams get the text as it came).
    public var redactUpstream: UpstreamRedactionSettings?

    public init() {}

    /// Whether calls are audited: a store or an `audit:` section is configured.
    public var auditsCalls: Bool { store != nil || audit != nil }
}

/// `policies.audit`: what the trail keeps and for how long.
public struct AuditSettings: Sendable {
    /// Keep the arguments, messages and answers (redacted), not only who, what and how it ended.
    public var payloads = false
    /// The answer waits until its record survives a crash (`true`, the default: it is in the
    /// store's journal), or leaves once the record is queued for the next batch (a crash can lose
    /// the records queued).
    public var durableBeforeAnswer = true
    /// A secret that makes each record's hash an HMAC, so only its holder can forge a chain.
    public var chainKey: String?
    /// Records older than this are pruned.
    public var maxAge: Duration?
    /// At most this many records are kept.
    public var maxRecords: Int?
    /// The store's records (their pages, indexes included) are kept under this many bytes.
    public var maxBytes: Int?

    public init() {}
}

/// `policies.redact_upstream`: which upstreams get placeholders instead of the `redact` kinds'
/// values, and whether the answer gets the values back.
public struct UpstreamRedactionSettings: Sendable {
    /// Virtual servers whose tool calls are redacted (nil: all).
    public var servers: [String]?
    /// Model groups whose chat calls are redacted (nil: all).
    public var models: [String]?
    /// Put the values back where the answer names their placeholders.
    public var restore = false

    public init() {}
}
