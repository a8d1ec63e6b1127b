/// How a group picks the instance for a call among the healthy ones of its first priority level.
public enum RoutingStrategy: String, Sendable, Hashable, CaseIterable {
    /// Smooth weighted round-robin by `weight`.
    case weightedRoundRobin = "weighted-round-robin"
    /// The instance with the fewest calls in flight (weight breaks ties).
    case leastBusy = "least-busy"
    /// Faster time to first token gets more traffic (an exponentially weighted average); the
    /// weights are a floor, so no healthy instance gets none.
    case latency
    /// The cheapest instance by its price table.
    case cost
}
