/// The port limits are counted through: an in-memory store now, a shared one (PostgreSQL) for
/// many gateway instances later, without touching the policies.
///
/// Counters are fixed windows keyed by a string (`consumer:alice:0`); `acquire` adds `cost` when
/// it fits (`amount` allows), `adjust` changes the count of the window a reservation was made in
/// (settling a token reservation to the real usage), `release` gives back a concurrency slot.
public protocol RateLimitStore: Sendable {
    func acquire(_ key: String, cost: Double, amount: Double, window: Duration?) async -> RateLimitDecision
    func adjust(_ key: String, by delta: Double, window: Duration?, windowStart: ContinuousClock.Instant) async
    /// Adds without checking (usage that happened anyway, such as a stream's overshoot).
    func add(_ key: String, cost: Double, window: Duration?) async
}

/// What a store decided, with what `RateLimit` headers need.
public struct RateLimitDecision: Sendable {
    public var allowed: Bool
    /// Left after this acquisition (or now, when refused).
    public var remaining: Double
    /// Time until the window ends (nil for concurrency).
    public var resetIn: Duration?
    /// When the window the acquisition counted in started (for `adjust`).
    public var windowStart: ContinuousClock.Instant

    public init(allowed: Bool, remaining: Double, resetIn: Duration?, windowStart: ContinuousClock.Instant) {
        self.allowed = allowed
        self.remaining = remaining
        self.resetIn = resetIn
        self.windowStart = windowStart
    }
}
