/// When to start a stdio child again after it exits: at once the first time, then with
/// exponentially growing delays while it keeps failing, back to at once after it has run
/// stably. A pure state machine: the owner asks and performs.
public struct RestartPolicy: Sendable, Equatable {
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A child that ran this long before exiting counts as stable (its failure streak resets).
    public var stableAfter: Duration

    public private(set) var failures = 0
    public private(set) var startedAt: ContinuousClock.Instant?
    /// No start before this instant.
    public private(set) var notBefore: ContinuousClock.Instant?

    public init(baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(30), stableAfter: Duration = .seconds(30)) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.stableAfter = stableAfter
    }

    /// How long to wait before a start may happen now (zero: start).
    public func wait(now: ContinuousClock.Instant) -> Duration {
        guard let notBefore, notBefore > now else { return .zero }
        return notBefore - now
    }

    /// A child was started.
    public mutating func started(now: ContinuousClock.Instant) {
        startedAt = now
        notBefore = nil
    }

    /// The child exited (or could not start); returns the delay before the next start.
    @discardableResult
    public mutating func exited(now: ContinuousClock.Instant) -> Duration {
        if let startedAt, now - startedAt >= stableAfter { failures = 0 }
        startedAt = nil
        let delay: Duration
        if failures == 0 {
            delay = .zero
        } else {
            let factor = 1 << min(failures - 1, 20)
            delay = min(maxDelay, baseDelay * factor)
        }
        failures += 1
        notBefore = now + delay
        return delay
    }
}
