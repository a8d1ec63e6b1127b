import GatewayCore

/// A step of the gateway's policy chain, written once for every kind of call.
///
/// Hummingbird's middleware shape: act before, call `next`, act after. `handle` is generic over
/// the call, so a policy that needs only who, what and when (authentication, grants, request
/// limits, audit, metrics) serves tool calls, resource reads, prompt gets, list requests and
/// model calls alike; a policy that reads payloads does so through `GatewayCall.inspectableText`
/// or by checking for the kinds it knows.
public protocol Policy: Sendable {
    /// The name verdicts are recorded under (`auth`, `rate_limit`, `guard`...).
    var name: String { get }

    func handle<Call: GatewayCall>(
        _ call: Call, context: CallContext, next: PolicyNext<Call>
    ) async throws(GatewayError) -> Call.Output
}

/// The rest of the chain after a policy: the next policies, then the provider.
public typealias PolicyNext<Call: GatewayCall> = (Call, CallContext) async throws(GatewayError) -> Call.Output
