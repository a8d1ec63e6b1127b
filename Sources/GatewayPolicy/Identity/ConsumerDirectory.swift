import Crypto
import GatewayCore

/// The configured consumers and groups, indexed for the policies: API-key digest → consumer,
/// consumer → its grants and limits (its own and its groups').
public struct ConsumerDirectory: Sendable {
    public let settings: IdentitySettings
    /// Consumers by their keys' SHA-256 digests, kept as bytes (a call hashes 32 bytes, not 64
    /// hex characters) with each consumer's identity made once.
    private let byDigest: [KeyDigest: Identity]
    private let consumers: [String: ConsumerSettings]
    private let groups: [String: ConsumerGroupSettings]
    /// Each configured consumer's grants and limits with its groups', worked out once.
    private let resolved: [String: Resolved]

    struct Resolved: Sendable {
        var grants: [Grants]
        var limits: [(key: String, limit: LimitSettings)]
    }

    public init(_ settings: IdentitySettings) {
        self.settings = settings
        var byDigest: [KeyDigest: Identity] = [:]
        for consumer in settings.consumers {
            for digest in consumer.apiKeyDigests {
                guard let key = KeyDigest(hex: digest) else { continue }
                byDigest[key] = Identity(consumer: consumer.name, isAuthenticated: true, groups: consumer.groups)
            }
        }
        self.byDigest = byDigest
        self.consumers = Dictionary(settings.consumers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.groups = Dictionary(settings.groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var resolved: [String: Resolved] = [:]
        for consumer in settings.consumers {
            let identity = Identity(consumer: consumer.name, isAuthenticated: true, groups: consumer.groups)
            resolved[consumer.name] = Resolved(grants: Self.grants(of: identity, consumers: consumers, groups: groups), limits: Self.limits(of: identity, consumers: consumers, groups: groups))
        }
        self.resolved = resolved
    }

    /// The consumer an API key belongs to (by its SHA-256 digest; the key itself is never kept).
    public func consumer(forKey key: String) -> Identity? {
        byDigest[KeyDigest(of: key)]
    }

    /// The identity of a configured consumer, with its groups (and `extraGroups`, from a token).
    public func identity(named name: String, extraGroups: [String] = []) -> Identity {
        var groups = consumers[name]?.groups ?? []
        for group in extraGroups where !groups.contains(group) { groups.append(group) }
        return Identity(consumer: name, isAuthenticated: true, groups: groups)
    }

    /// Whether `identity` may use `target`: its own grants and every one of its groups' must allow it.
    public func allows(_ identity: Identity, _ target: CallTarget) -> Bool {
        for grants in grants(of: identity) where !grants.allows(target) { return false }
        return true
    }

    /// The grants that apply to `identity` (its own, then its groups').
    public func grants(of identity: Identity) -> [Grants] {
        if let known = resolved[identity.consumer], Self.sameGroups(identity, consumers[identity.consumer]) { return known.grants }
        return Self.grants(of: identity, consumers: consumers, groups: groups)
    }

    static func grants(of identity: Identity, consumers: [String: ConsumerSettings], groups: [String: ConsumerGroupSettings]) -> [Grants] {
        var all: [Grants] = []
        if let own = consumers[identity.consumer]?.allow { all.append(own) }
        for group in identity.groups {
            if let allow = groups[group]?.allow { all.append(allow) }
        }
        return all
    }

    /// Every limit that applies to `identity`, with the counter key it is counted under (a
    /// group's limit is one counter for the whole group).
    public func limits(of identity: Identity) -> [(key: String, limit: LimitSettings)] {
        if let known = resolved[identity.consumer], Self.sameGroups(identity, consumers[identity.consumer]) { return known.limits }
        return Self.limits(of: identity, consumers: consumers, groups: groups)
    }

    /// A token may name groups beyond the configured consumer's: then nothing precomputed applies.
    static func sameGroups(_ identity: Identity, _ consumer: ConsumerSettings?) -> Bool {
        identity.groups == (consumer?.groups ?? [])
    }

    static func limits(
        of identity: Identity, consumers: [String: ConsumerSettings], groups: [String: ConsumerGroupSettings]
    ) -> [(key: String, limit: LimitSettings)] {
        var all: [(String, LimitSettings)] = []
        if let consumer = consumers[identity.consumer] {
            for (index, limit) in consumer.limits.enumerated() { all.append(("consumer:\(consumer.name):\(index)", limit)) }
        }
        for name in identity.groups {
            guard let group = groups[name] else { continue }
            for (index, limit) in group.limits.enumerated() { all.append(("group:\(group.name):\(index)", limit)) }
        }
        return all
    }

    /// Lowercase hex SHA-256 of a key, as the configuration stores it.
    /// A key's SHA-256 digest as 32 bytes.
    struct KeyDigest: Hashable, Sendable {
        var words: (UInt64, UInt64, UInt64, UInt64)

        init(of key: String) {
            self = SHA256.hash(data: Array(key.utf8)).withUnsafeBytes { Self(raw: $0) }
        }

        /// From the 64 hex digits the configuration keeps.
        init?(hex: String) {
            guard let bytes = Hex.decode(hex), bytes.count == 32 else { return nil }
            self = bytes.withUnsafeBytes { Self(raw: $0) }
        }

        private init(raw: UnsafeRawBufferPointer) {
            words = (
                raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            )
        }

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    public static func digest(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }
}
