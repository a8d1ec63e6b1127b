import GatewayCore
import Synchronization

/// Limits counted in this process: fixed windows per key, and concurrency slots (a window of
/// nil). One lock; each operation is a dictionary lookup and an addition.
public final class InMemoryRateLimitStore: RateLimitStore {
    struct Counter {
        var start: ContinuousClock.Instant
        var used: Double
    }

    private let counters = Mutex<[String: Counter]>([:])

    public init() {}

    public func acquire(_ key: String, cost: Double, amount: Double, window: Duration?) async -> RateLimitDecision {
        let now = ContinuousClock.now
        return counters.withLock { counters in
            var counter = Self.current(counters[key], now: now, window: window)
            let allowed = counter.used + cost <= amount || (cost == 0 && counter.used < amount)
            if allowed { counter.used += cost }
            counters[key] = counter
            let resetIn = window.map { counter.start.duration(to: now) < $0 ? $0 - counter.start.duration(to: now) : .zero }
            return RateLimitDecision(allowed: allowed, remaining: max(0, amount - counter.used), resetIn: resetIn, windowStart: counter.start)
        }
    }

    public func adjust(_ key: String, by delta: Double, window: Duration?, windowStart: ContinuousClock.Instant) async {
        counters.withLock { counters in
            guard var counter = counters[key], counter.start == windowStart else { return }
            counter.used = max(0, counter.used + delta)
            counters[key] = counter
        }
    }

    public func add(_ key: String, cost: Double, window: Duration?) async {
        let now = ContinuousClock.now
        counters.withLock { counters in
            var counter = Self.current(counters[key], now: now, window: window)
            counter.used += cost
            counters[key] = counter
        }
    }

    /// The counter of the window `now` falls in (a new one once the old has ended).
    static func current(_ counter: Counter?, now: ContinuousClock.Instant, window: Duration?) -> Counter {
        guard let counter else { return Counter(start: now, used: 0) }
        if let window, counter.start.duration(to: now) >= window { return Counter(start: now, used: 0) }
        return counter
    }
}
