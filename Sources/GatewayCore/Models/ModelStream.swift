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
    let source: any ModelStreamSource

    public init(ledger: ModelStreamLedger, onDisconnect: ModelStreamSettings.OnDisconnect, source: any ModelStreamSource) {
        self.ledger = ledger
        self.onDisconnect = onDisconnect
        self.source = source
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any ModelStreamSource

        /// More events are ready without waiting (a writer gathers them into one write).
        public var hasBuffered: Bool { source.hasBufferedEvents }

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

extension ModelStream {
    /// The same stream with `check` run after every event: an error it returns ends the stream
    /// there (the provider's connection closed, the ledger closed as `cut`), and the client's last
    /// event says why. A token budget that runs out mid-stream ends a stream this way.
    public func checked(_ check: @escaping @Sendable (ModelStreamLedger) async -> GatewayError?) -> ModelStream {
        ModelStream(ledger: ledger, onDisconnect: onDisconnect, source: CheckedStreamSource(inner: source, ledger: ledger, check: check))
    }
}

/// A source that runs a check after each event of another.
final class CheckedStreamSource: ModelStreamSource {
    let inner: any ModelStreamSource
    let ledger: ModelStreamLedger
    let check: @Sendable (ModelStreamLedger) async -> GatewayError?

    init(inner: any ModelStreamSource, ledger: ModelStreamLedger, check: @escaping @Sendable (ModelStreamLedger) async -> GatewayError?) {
        self.inner = inner
        self.ledger = ledger
        self.check = check
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        guard let event = try await inner.next() else { return nil }
        if case .chunk = event, let stop = await check(ledger) {
            ledger.close(.cut)
            inner.clientLeft(drain: false)
            throw stop
        }
        return event
    }

    func clientLeft(drain: Bool) {
        inner.clientLeft(drain: drain)
    }

    var hasBufferedEvents: Bool { inner.hasBufferedEvents }
}

/// The producer behind a `ModelStream` (a provider adapter's relay), read by one task at a
/// time. `next` returns nil after the last event, having closed the ledger.
public protocol ModelStreamSource: AnyObject, Sendable {
    func next() async throws(GatewayError) -> ModelStreamEvent?
    /// Whether `next` has events ready without waiting on the provider.
    var hasBufferedEvents: Bool { get }
    /// The client went away: `drain` keeps the stream readable to its end (for exact usage);
    /// otherwise the provider's connection is closed now and the ledger closed.
    func clientLeft(drain: Bool)
}
