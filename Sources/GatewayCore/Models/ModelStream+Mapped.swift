import Synchronization

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

extension ModelStream {
    /// The same stream that calls `onEnd` once its reader is done with it: it read the end, met an
    /// error, or left. (The ledger may close earlier, while read-ahead events are still on their
    /// way to the reader; what the reader saw is complete only here.)
    public func whenConsumed(_ onEnd: @escaping @Sendable () -> Void) -> ModelStream {
        ModelStream(ledger: ledger, onDisconnect: onDisconnect, source: ConsumedStreamSource(inner: source, onEnd: onEnd))
    }
}

/// A source that reports, once, when its reader is done.
final class ConsumedStreamSource: ModelStreamSource {
    let inner: any ModelStreamSource
    private let onEnd: Mutex<(@Sendable () -> Void)?>

    init(inner: any ModelStreamSource, onEnd: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.onEnd = Mutex(onEnd)
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        do {
            guard let event = try await inner.next() else {
                end()
                return nil
            }
            return event
        } catch {
            end()
            throw error
        }
    }

    func clientLeft(drain: Bool) {
        inner.clientLeft(drain: drain)
        end()
    }

    var hasBufferedEvents: Bool { inner.hasBufferedEvents }

    private func end() {
        onEnd.withLock { onEnd in
            defer { onEnd = nil }
            return onEnd
        }?()
    }
}
