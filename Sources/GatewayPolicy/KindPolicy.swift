import GatewayCore
import MCPCore

/// A policy that acts on one kind of call only (it reads or amends that kind's payload) and lets
/// every other kind pass untouched. Policies about who, what and when conform to `Policy`
/// directly instead, so they are written once for all kinds.
public protocol KindPolicy<Handled>: Policy {
    associatedtype Handled: GatewayCall

    func handle(
        _ call: Handled, context: CallContext, next: PolicyNext<Handled>
    ) async throws(GatewayError) -> Handled.Output
}

extension KindPolicy {
    public var name: String { String(describing: Self.self) }

    public func handle<Call: GatewayCall>(
        _ call: Call, context: CallContext, next: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output {
        guard let handled = call as? Handled else { return try await next(call, context) }
        let forward: PolicyNext<Handled> = { (call, context) async throws(GatewayError) -> Handled.Output in
            // `Handled` is `Call` here (the cast above succeeded), so the casts below always hold.
            try await next(call as! Call, context) as! Handled.Output
        }
        return try await handle(handled, context: context, next: forward) as! Call.Output
    }
}

/// A policy that sees tool calls only (their arguments), e.g. an argument guard.
public protocol ToolPolicy: KindPolicy where Handled == ToolCall {}
