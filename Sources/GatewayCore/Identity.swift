/// The caller as authentication established it.
public struct Identity: Sendable, Hashable {
    /// The consumer's name (from configuration), or `anonymous`.
    public var consumer: String
    /// True once a policy has authenticated the caller.
    public var isAuthenticated: Bool
    /// The consumer's groups (teams), for grants and limits set on a group.
    public var groups: [String]

    public init(consumer: String, isAuthenticated: Bool, groups: [String] = []) {
        self.consumer = consumer
        self.isAuthenticated = isAuthenticated
        self.groups = groups
    }

    /// A caller nobody has authenticated (stdio, or before the auth policy runs).
    public static let anonymous = Identity(consumer: "anonymous", isAuthenticated: false)
}
