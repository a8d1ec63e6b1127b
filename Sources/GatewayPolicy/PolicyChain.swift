import GatewayCore

/// The ordered policies every call passes before it reaches its provider, for every kind of call.
///
/// The first policy added is the outermost: it sees the call first and the answer last. An empty
/// chain hands the call straight to the provider (nothing is allocated or wrapped).
public struct PolicyChain: Sendable {
    private var policies: [any Policy]
    /// A live chain's handle (`LiveChain.policy`): every run takes that chain's current policies.
    private let live: LiveChain?

    /// An empty chain: calls go straight to the provider.
    public init(_ policies: [any Policy] = []) {
        self.policies = policies
        self.live = nil
    }

    init(live: LiveChain) {
        self.policies = []
        self.live = live
    }

    /// Appends a policy as the innermost step so far (not to a live chain's handle).
    public mutating func append(_ policy: some Policy) {
        precondition(live == nil, "a live chain changes by replacement")
        policies.append(policy)
    }

    /// Appends another chain's policies after these (the policies current now, for a live chain's handle).
    public mutating func append(contentsOf other: PolicyChain) {
        precondition(live == nil, "a live chain changes by replacement")
        policies += other.live?.current.policies ?? other.policies
    }

    /// The number of policies (now, for a live chain's handle).
    public var count: Int { live?.current.count ?? policies.count }

    /// The policies' names, outermost first (now, for a live chain's handle).
    public var names: [String] { live?.current.names ?? policies.map(\.name) }

    /// Runs `call` through every policy and then `terminal` (the provider). The context's target kind is set
    /// from the call's kind.
    public func run<Call: GatewayCall>(
        _ call: Call, context: CallContext, terminal: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output {
        if let live { return try await live.current.run(call, context: context, terminal: terminal) }
        guard context.target.kind == Call.kind else {
            var context = context
            context.target.kind = Call.kind
            return try await run(index: 0, call: call, context: context, terminal: terminal)
        }
        if policies.isEmpty { return try await terminal(call, context) }
        return try await run(index: 0, call: call, context: context, terminal: terminal)
    }

    private func run<Call: GatewayCall>(
        index: Int, call: Call, context: CallContext, terminal: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output {
        guard index < policies.count else { return try await terminal(call, context) }
        return try await policies[index].handle(call, context: context) { (call, context) async throws(GatewayError) -> Call.Output in
            try await self.run(index: index + 1, call: call, context: context, terminal: terminal)
        }
    }
}
