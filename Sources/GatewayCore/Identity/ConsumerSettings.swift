/// A consumer of the configuration (`consumers:`): a person, team or agent that calls the
/// gateway, with its keys (as SHA-256 digests only), groups, grants and limits.
public struct ConsumerSettings: Sendable {
    public var name: String
    /// Lowercase hex SHA-256 digests of the consumer's API keys.
    public var apiKeyDigests: [String]
    public var groups: [String]
    /// What it may use (nil: everything its groups allow, or everything).
    public var allow: Grants?
    public var limits: [LimitSettings]

    public init(name: String, apiKeyDigests: [String] = [], groups: [String] = [], allow: Grants? = nil, limits: [LimitSettings] = []) {
        self.name = name
        self.apiKeyDigests = apiKeyDigests
        self.groups = groups
        self.allow = allow
        self.limits = limits
    }
}
