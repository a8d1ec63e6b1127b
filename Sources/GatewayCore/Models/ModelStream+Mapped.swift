extension ModelStream {
    /// The same stream with each event replaced by `transform`'s result as it passes (a policy
    /// that rewrites chunks: placeholders put back into an answer).
    public func mapped(_ transform: @escaping @Sendable (ModelStreamEvent) -> ModelStreamEvent) -> ModelStream {
        ModelStream(ledger: ledger, onDisconnect: onDisconnect, source: MappedStreamSource(inner: source, transform: transform))
    }

    /// The same stream with `observer` shown every event as it passes (the audit reads the
    /// answer's text this way, without holding the stream back).
    public func observed(_ observer: @escaping @Sendable (ModelStreamEvent) -> Void) -> ModelStream {
        mapped { event in
            observer(event)
            return event
        }
    }
}

/// A source that passes each event of another through a transform.
final class MappedStreamSource: ModelStreamSource {
    let inner: any ModelStreamSource
    let transform: @Sendable (ModelStreamEvent) -> ModelStreamEvent

    init(inner: any ModelStreamSource, transform: @escaping @Sendable (ModelStreamEvent) -> ModelStreamEvent) {
        self.inner = inner
        self.transform = transform
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        guard let event = try await inner.next() else { return nil }
        return transform(event)
    }

    func clientLeft(drain: Bool) {
        inner.clientLeft(drain: drain)
    }

    var hasBufferedEvents: Bool { inner.hasBufferedEvents }
}
