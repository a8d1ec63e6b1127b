import Synchronization

extension ModelStream {
    /// The same stream held back in windows of about `characters` (as `count` measures each
    /// event), each window shown to `judge` before the reader gets it. `judge` returns nil to let
    /// the window through, or the events to send instead: then the provider's connection is
    /// closed, the ledger closed as `cut`, and the stream ends after them. An error `judge` throws
    /// ends the stream with it. The last window is judged at the end, however short.
    public func held(
        characters: Int, count: @escaping @Sendable (ModelStreamEvent) -> Int,
        judge: @escaping @Sendable ([ModelStreamEvent]) async throws(GatewayError) -> [ModelStreamEvent]?
    ) -> ModelStream {
        ModelStream(ledger: ledger, onDisconnect: onDisconnect, source: HeldStreamSource(inner: source, ledger: ledger, characters: characters, count: count, judge: judge))
    }
}

/// A source that releases another's events a judged window at a time.
final class HeldStreamSource: ModelStreamSource {
    let inner: any ModelStreamSource
    let ledger: ModelStreamLedger
    let characters: Int
    let count: @Sendable (ModelStreamEvent) -> Int
    let judge: @Sendable ([ModelStreamEvent]) async throws(GatewayError) -> [ModelStreamEvent]?

    private struct State {
        var released: [ModelStreamEvent] = []
        var finished = false
    }

    private let state = Mutex(State())

    init(
        inner: any ModelStreamSource, ledger: ModelStreamLedger, characters: Int, count: @escaping @Sendable (ModelStreamEvent) -> Int,
        judge: @escaping @Sendable ([ModelStreamEvent]) async throws(GatewayError) -> [ModelStreamEvent]?
    ) {
        self.inner = inner
        self.ledger = ledger
        self.characters = max(1, characters)
        self.count = count
        self.judge = judge
    }

    func next() async throws(GatewayError) -> ModelStreamEvent? {
        enum Step { case event(ModelStreamEvent), end, fill }
        let step = state.withLock { state -> Step in
            if !state.released.isEmpty { return .event(state.released.removeFirst()) }
            return state.finished ? .end : .fill
        }
        switch step {
        case .event(let event): return event
        case .end: return nil
        case .fill: break
        }
        var window: [ModelStreamEvent] = []
        var measured = 0
        var ended = false
        while measured < characters {
            guard let event = try await inner.next() else {
                ended = true
                break
            }
            window.append(event)
            measured += count(event)
        }
        var release = window
        if measured > 0, let replacement = try await judge(window) {
            release = replacement
            if !ended {
                ledger.close(.cut)
                inner.clientLeft(drain: false)
            }
            ended = true
        }
        return state.withLock { state in
            state.finished = ended
            state.released = release
            return state.released.isEmpty ? nil : state.released.removeFirst()
        }
    }

    func clientLeft(drain: Bool) {
        inner.clientLeft(drain: drain)
    }

    var hasBufferedEvents: Bool { state.withLock { !$0.released.isEmpty } }
}
