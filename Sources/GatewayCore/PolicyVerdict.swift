/// One policy's decision about a call, kept for the audit record.
public struct PolicyVerdict: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case allowed, denied, modified, observed
    }

    /// The policy's name (`auth`, `rate_limit`, `guard`...).
    public var policy: String
    public var outcome: Outcome
    /// Why, in words fit for the audit record (never a secret).
    public var detail: String?

    public init(policy: String, outcome: Outcome, detail: String? = nil) {
        self.policy = policy
        self.outcome = outcome
        self.detail = detail
    }
}
