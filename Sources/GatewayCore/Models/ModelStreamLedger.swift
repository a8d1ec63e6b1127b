import Synchronization

/// What a streamed model answer has used and how it ended, written by the relay as events pass
/// and read by policies (limits settle reservations, audit records the call) once it closes.
///
/// Shared by reference between the relay and the observers; every access takes its lock.
public final class ModelStreamLedger: Sendable {
    /// How a stream ended.
    public enum End: String, Sendable, Hashable {
        /// The provider finished it (`[DONE]`).
        case completed
        /// The client went away; the provider was cancelled.
        case clientCancelled = "client_cancelled"
        /// The client went away; the gateway read the provider's answer to its end to count it.
        case clientDrained = "client_drained"
        /// The provider failed or stalled mid-stream.
        case upstreamFailed = "upstream_failed"
        /// A gateway limit (duration, size, budget) ended it.
        case cut
    }

    /// The ledger's state at the end.
    public struct Outcome: Sendable {
        public var end: End
        /// The provider's usage, or the gateway's estimate (`estimated`).
        public var usage: TokenUsage
        public var finishReason: String?
        /// Time from the start of the attempt that served it to its first event.
        public var timeToFirstToken: Duration?
        public var bytes: Int
    }

    struct State {
        var reported: TokenUsage?
        var completionBytes = 0
        var finishReason: String?
        var firstToken: Duration?
        var bytes = 0
        var outcome: Outcome?
        var observers: [@Sendable (Outcome) -> Void] = []
    }

    private let state = Mutex(State())
    /// The prompt estimate, used when the provider reports no usage.
    public let estimatedPromptTokens: Int

    public init(estimatedPromptTokens: Int) {
        self.estimatedPromptTokens = estimatedPromptTokens
    }

    /// Notes the provider's reported usage (the latest report wins).
    public func report(usage: TokenUsage) {
        state.withLock { $0.reported = usage }
    }

    /// Notes one event: its size on the wire, the completion text it carried, its finish reason.
    /// Returns the bytes passed so far, this event's included.
    @discardableResult
    public func pass(bytes: Int, completionBytes: Int, finishReason: String?) -> Int {
        state.withLock {
            $0.bytes += bytes
            $0.completionBytes += completionBytes
            if let finishReason { $0.finishReason = finishReason }
            return $0.bytes
        }
    }

    /// Notes the time to the first event (kept once).
    public func firstToken(after duration: Duration) {
        state.withLock { if $0.firstToken == nil { $0.firstToken = duration } }
    }

    /// The bytes passed so far.
    public var bytes: Int { state.withLock { $0.bytes } }

    /// The usage so far: the provider's report, or an estimate from the text passed.
    public var usage: TokenUsage {
        state.withLock { Self.usage(of: $0, prompt: estimatedPromptTokens) }
    }

    /// Calls `observer` once the stream has ended (at once if it already has).
    public func onClose(_ observer: @escaping @Sendable (Outcome) -> Void) {
        let ended = state.withLock { state -> Outcome? in
            if let outcome = state.outcome { return outcome }
            state.observers.append(observer)
            return nil
        }
        if let ended { observer(ended) }
    }

    /// Ends the ledger (the first call counts) and tells every observer.
    @discardableResult
    public func close(_ end: End) -> Outcome {
        let (outcome, observers) = state.withLock { state -> (Outcome, [@Sendable (Outcome) -> Void]) in
            if let outcome = state.outcome { return (outcome, []) }
            let outcome = Outcome(
                end: end, usage: Self.usage(of: state, prompt: estimatedPromptTokens), finishReason: state.finishReason,
                timeToFirstToken: state.firstToken, bytes: state.bytes
            )
            state.outcome = outcome
            defer { state.observers = [] }
            return (outcome, state.observers)
        }
        for observer in observers { observer(outcome) }
        return outcome
    }

    /// The outcome, once closed.
    public var outcome: Outcome? { state.withLock { $0.outcome } }

    private static func usage(of state: State, prompt: Int) -> TokenUsage {
        if let reported = state.reported { return reported }
        return TokenUsage(promptTokens: prompt, completionTokens: TokenEstimate.tokens(inBytes: state.completionBytes), estimated: true)
    }
}
