import Hummingbird
import Synchronization

/// The whole requests of one connection, handed from its event loop to its task. NIO's
/// pipelining handler delivers one request at a time, so at most one is usually waiting. (A
/// purpose-made hand-off: `AsyncStream` costs generic-metadata lookups on every element here.)
final class DirectHTTP1Requests: Sendable {
    private struct State {
        var pending: [Request] = []
        var waiter: UnsafeContinuation<Request?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Hands over a request (dropped once the connection has finished).
    func push(_ request: Request) {
        let waiter = state.withLock { state -> UnsafeContinuation<Request?, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending.append(request)
            return nil
        }
        waiter?.resume(returning: request)
    }

    /// No more requests: the connection or its input closed.
    func finish() {
        let waiter = state.withLock { state -> UnsafeContinuation<Request?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next request, or nil once finished and drained.
    func next() async -> Request? {
        await withUnsafeContinuation { continuation in
            let ready = state.withLock { state -> Request?? in
                if !state.pending.isEmpty { return .some(state.pending.removeFirst()) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
