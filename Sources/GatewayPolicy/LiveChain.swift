import GatewayCore
import Synchronization

/// A policy chain a reload can replace: the chain `LiveChain.policy` hands out runs whichever
/// chain is current when a call starts, so sessions and routes built before a reload apply the
/// new consumers, grants, limits and rules to their next call. A call in flight finishes under the
/// chain it started with.
public final class LiveChain: Sendable {
    private let chain: Mutex<PolicyChain>

    public init(_ chain: PolicyChain) {
        self.chain = Mutex(chain)
    }

    /// The chain new calls run.
    public var current: PolicyChain { chain.withLock { $0 } }

    public func replace(with chain: PolicyChain) {
        self.chain.withLock { $0 = chain }
    }

    /// A chain that runs the current chain: each run reads it (one lock) and runs its policies
    /// directly, with no policy of its own in between.
    public var policy: PolicyChain { PolicyChain(live: self) }
}
