import GatewayCore

/// The first policy: who is calling. A call whose transport already established an identity
/// (stdio's configured one) passes; otherwise the caller's credentials are resolved, and a
/// missing or invalid one is refused with 401 before anything else runs.
public struct AuthenticationPolicy: Policy {
    public let name = "auth"
    let authenticator: Authenticator

    public init(_ authenticator: Authenticator) {
        self.authenticator = authenticator
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        guard !context.identity.isAuthenticated else { return try await next(call, context) }
        var context = context
        do throws(GatewayError) {
            context.identity = try await authenticator.identify(authenticator.credentials(context.credentials, headers: context.callerHeaders))
        } catch {
            context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .denied, detail: error.code.rawValue))
            throw error
        }
        context.record(PolicyVerdict(policy: name, outcome: .allowed, detail: context.identity.isAuthenticated ? context.identity.consumer : "anonymous"))
        return try await next(call, context)
    }
}
