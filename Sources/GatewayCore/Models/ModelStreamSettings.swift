/// Limits and the disconnect policy of streamed answers.
public struct ModelStreamSettings: Sendable {
    /// What happens when the client goes away mid-stream.
    public enum OnDisconnect: String, Sendable, Hashable {
        /// Close the provider's connection at once (it stops generating, and billing).
        case cancelUpstream = "cancel_upstream"
        /// Read the provider's answer to its end, unsent, so its usage is counted exactly.
        case drainForAccounting = "drain_for_accounting"
    }

    public var onDisconnect: OnDisconnect
    /// A stream still running after this is cut.
    public var maxDuration: Duration
    /// A stream that has passed this many bytes is cut.
    public var maxBytes: Int
    /// The largest whole (non-stream) answer taken from a provider.
    public var maxResponseBytes: Int

    public init(onDisconnect: OnDisconnect = .cancelUpstream, maxDuration: Duration = .seconds(600), maxBytes: Int = 64 << 20, maxResponseBytes: Int = 32 << 20) {
        self.onDisconnect = onDisconnect
        self.maxDuration = maxDuration
        self.maxBytes = maxBytes
        self.maxResponseBytes = maxResponseBytes
    }
}
