/// Everything about callers: consumers, groups, authentication.
public struct IdentitySettings: Sendable {
    public var consumers: [ConsumerSettings]
    public var groups: [ConsumerGroupSettings]
    public var auth: AuthSettings

    public init(consumers: [ConsumerSettings] = [], groups: [ConsumerGroupSettings] = [], auth: AuthSettings = AuthSettings()) {
        self.consumers = consumers
        self.groups = groups
        self.auth = auth
    }

    /// Whether callers must authenticate: as configured, else as soon as a consumer or JWT is configured.
    public var authenticationRequired: Bool {
        auth.required ?? (!consumers.isEmpty || auth.jwt != nil)
    }

    /// Whether anything about callers is configured at all (no policies are installed otherwise).
    public var isConfigured: Bool {
        !consumers.isEmpty || !groups.isEmpty || auth.jwt != nil || auth.required == true
    }
}
