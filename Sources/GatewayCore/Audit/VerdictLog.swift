import Synchronization

/// The verdicts of one call, shared by every copy of its context: what the audit policy, the
/// outermost, reads after the inner policies ran.
public final class VerdictLog: Sendable {
    private let entries = Mutex<[PolicyVerdict]>([])

    public init() {}

    public func append(_ verdict: PolicyVerdict) {
        entries.withLock { $0.append(verdict) }
    }

    public var verdicts: [PolicyVerdict] { entries.withLock { $0 } }
}
