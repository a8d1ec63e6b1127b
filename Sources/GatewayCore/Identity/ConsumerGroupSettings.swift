/// A group of consumers (a team): grants and limits shared by its members. A group's limits
/// are one budget for the whole group.
public struct ConsumerGroupSettings: Sendable {
    public var name: String
    public var allow: Grants?
    public var limits: [LimitSettings]

    public init(name: String, allow: Grants? = nil, limits: [LimitSettings] = []) {
        self.name = name
        self.allow = allow
        self.limits = limits
    }
}
