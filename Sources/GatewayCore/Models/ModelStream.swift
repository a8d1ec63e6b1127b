/// A streamed model answer: the events as the provider sends them (pulled, so a slow client
/// holds the provider back instead of filling memory) and the ledger that knows, at the end,
/// how it ended and what it used.
public struct ModelStream: AsyncSequence, Sendable {
    public typealias Element = ModelStreamEvent
    public typealias Failure = GatewayError

    /// Where usage, the first token and the end are recorded; policies observe the end here.
    public let ledger: ModelStreamLedger
    /// What to do when the client goes away mid-stream.
    public let onDisconnect: ModelStreamSettings.OnDisconnect
    private let source: any ModelStreamSource

    public init(ledger: ModelStreamLedger, onDisconnect: ModelStreamSettings.OnDisconnect, source: any ModelStreamSource) {
        self.ledger = ledger
        self.onDisconnect = onDisconnect
        self.source = source
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any ModelStreamSource

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(GatewayError) -> ModelStreamEvent? {
            try await source.next()
        }

        public mutating func next() async throws(GatewayError) -> ModelStreamEvent? {
            try await source.next()
        }
    }

    /// Iterate once: the events come off one upstream connection, to one reader.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// The client went away: the provider's connection is closed (`cancel_upstream`), or the
    /// reader goes on to the end without sending (`drain_for_accounting`); the ledger records which.
    public func clientLeft() {
        source.clientLeft(drain: onDisconnect == .drainForAccounting)
    }
}

/// The producer behind a `ModelStream` (a provider adapter's relay), read by one task at a
/// time. `next` returns nil after the last event, having closed the ledger.
public protocol ModelStreamSource: AnyObject, Sendable {
    func next() async throws(GatewayError) -> ModelStreamEvent?
    /// The client went away: `drain` keeps the stream readable to its end (for exact usage);
    /// otherwise the provider's connection is closed now and the ledger closed.
    func clientLeft(drain: Bool)
}
