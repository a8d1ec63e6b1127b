import MCPCore

/// A model call's answer as the provider layer hands it back: which instance served it, after
/// how many upstream requests, how long the gateway waited on providers, and the body (whole,
/// or streaming).
public struct ModelResponse: Sendable {
    public enum Body: Sendable {
        /// A whole JSON answer: the bytes the client gets, the same answer parsed (policies read
        /// it without parsing it again) and its usage.
        case complete([UInt8], json: JSONValue, usage: TokenUsage?)
        /// A stream of chunks; the usage is known when its ledger closes.
        case stream(ModelStream)
    }

    /// The instance's configured `name`.
    public var instance: String
    /// The upstream requests made for this call, retries included.
    public var attempts: Int
    /// Time spent waiting on providers until this answer was ready to send (for the gateway's
    /// own overhead: the call's time minus this).
    public var upstreamWait: Duration
    public var body: Body
    /// The serving instance's prices (cost limits), if configured.
    public var price: ModelPrice?
    /// Headers policies add to the answer (`RateLimit`, `RateLimit-Policy`).
    public var headers: [(name: String, value: String)] = []

    public init(instance: String, attempts: Int, upstreamWait: Duration, body: Body, price: ModelPrice? = nil) {
        self.price = price
        self.instance = instance
        self.attempts = attempts
        self.upstreamWait = upstreamWait
        self.body = body
    }

    /// The usage of a whole answer, or of a stream so far.
    public var usage: TokenUsage? {
        switch body {
        case .complete(_, _, let usage): return usage
        case .stream(let stream): return stream.ledger.usage
        }
    }
}
