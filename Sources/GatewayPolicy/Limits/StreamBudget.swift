import GatewayCore
import Synchronization

/// A stream's token reservations while it runs: when its usage so far passes what it reserved, it
/// takes more from the store (in steps, so the shared counter stays honest), and when the store
/// has none left the stream is cut.
final class StreamBudget: Sendable {
    private let state: Mutex<[LimitsPolicy.Held]>
    let store: any RateLimitStore
    /// Tokens taken per top-up beyond the reservation.
    static let step = 64.0

    init(held: [LimitsPolicy.Held], store: any RateLimitStore) {
        self.state = Mutex(held)
        self.store = store
    }

    /// The reservations as they stand (for the settlement).
    var current: [LimitsPolicy.Held] { state.withLock { $0 } }

    func check(_ ledger: ModelStreamLedger) async -> GatewayError? {
        let usage = ledger.usage
        for (index, item) in current.enumerated() {
            let used: Double
            switch item.limit.measure {
            case .tokens: used = Double(usage.totalTokens)
            case .promptTokens: used = Double(usage.promptTokens)
            case .completionTokens: used = Double(usage.completionTokens)
            default: continue
            }
            guard used > item.reserved else { continue }
            let more = max(Self.step, used - item.reserved)
            let decision = await store.acquire(item.key, cost: more, amount: item.limit.amount, window: item.limit.window)
            guard decision.allowed else {
                return GatewayError(
                    .rateLimited, "the token limit (\(item.limit.policyName)) ran out during this answer; it was cut after \(Int(used)) tokens",
                    retryAfter: max(1, decision.resetIn.map(RateLimitHeaders.seconds) ?? 1)
                )
            }
            state.withLock { $0[index].reserved += more }
        }
        return nil
    }
}
