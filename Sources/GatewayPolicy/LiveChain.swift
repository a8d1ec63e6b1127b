import GatewayCore
import Synchronization

/// A policy chain a reload can replace: the one policy `LiveChain.policy` runs whichever chain is
/// current when a call starts, so sessions and routes built before a reload apply the new
/// consumers, grants, limits and rules to their next call. A call in flight finishes under the
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

    /// A chain of one policy that runs the current chain.
    public var policy: PolicyChain { PolicyChain([CurrentChain(live: self)]) }

    struct CurrentChain: Policy {
        let name = "chain"
        let live: LiveChain

        func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
            try await live.current.run(call, context: context, terminal: next)
        }
    }
}
