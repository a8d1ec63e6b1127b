import Synchronization

/// The time a call spent waiting on its upstream (an API, an MCP server), added up by the code
/// that calls it, so the metrics can tell the upstream's share of a call from the gateway's own.
public final class UpstreamTimer: Sendable {
    private let total = Mutex<Duration>(.zero)

    public init() {}

    /// Adds one upstream request's time.
    public func add(_ duration: Duration) {
        total.withLock { $0 += duration }
    }

    /// Times `body` as upstream time.
    public func measure<T>(_ body: () async throws(GatewayError) -> T) async throws(GatewayError) -> T {
        let started = ContinuousClock.now
        defer { add(started.duration(to: .now)) }
        return try await body()
    }

    public var elapsed: Duration { total.withLock { $0 } }
}
