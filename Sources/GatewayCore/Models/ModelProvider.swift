/// The port model calls leave the gateway through: resolves the `model` a client names to a
/// group and serves the call on one of the group's instances (balancing, fallback and health
/// are the adapter's business).
public protocol ModelProvider: Sendable {
    /// The groups, in configuration order.
    var groups: [ModelGroupInfo] { get }
    /// The group a client's `model` names (its name or an alias), if any.
    func group(named model: String) -> ModelGroupInfo?
    /// Serves one call. Throws a `GatewayError` carrying the provider's status and error object
    /// when the provider refused it and no fallback applied.
    func send(_ request: ModelRequest, group: ModelGroupInfo, context: CallContext) async throws(GatewayError) -> ModelResponse
}
