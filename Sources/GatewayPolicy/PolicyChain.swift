import GatewayCore

/// The ordered policies every call passes before it reaches its provider, for every kind of call.
///
/// The first policy added is the outermost: it sees the call first and the answer last. An empty
/// chain hands the call straight to the provider (nothing is allocated or wrapped).
public struct PolicyChain: Sendable {
    private var policies: [any Policy]

    /// An empty chain: calls go straight to the provider.
    public init(_ policies: [any Policy] = []) {
        self.policies = policies
    }

    /// Appends a policy as the innermost step so far.
    public mutating func append(_ policy: some Policy) {
        policies.append(policy)
    }

    /// Appends another chain's policies after these.
    public mutating func append(contentsOf other: PolicyChain) {
        policies += other.policies
    }

    /// The number of policies.
    public var count: Int { policies.count }

    /// The policies' names, outermost first.
    public var names: [String] { policies.map(\.name) }

    /// Runs `call` through every policy and then `terminal` (the provider). The context's target kind is set
    /// from the call's kind.
    public func run<Call: GatewayCall>(
        _ call: Call, context: CallContext, terminal: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output {
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
