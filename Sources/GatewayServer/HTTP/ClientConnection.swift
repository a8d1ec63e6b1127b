import MCPCore
import Synchronization

/// The client connection a request arrived on, as far as a route needs it: a route can have the
/// connection's close cancel its work (the stateless revision: a client that goes away cancels
/// its request). One per direct connection; its serving task binds it while a route runs.
final class ClientConnection: Sendable {
    /// The connection of the request the current task serves (nil outside a direct connection).
    @TaskLocal static var current: ClientConnection?

    private struct State {
        var closed = false
        var request: CancelScope?
    }

    private let state = Mutex(State())

    /// The connection closed (or its client stopped sending): the request registered with it,
    /// if any, is cancelled.
    func closed() {
        state.withLock { state in
            state.closed = true
            state.request?.cancel()
        }
    }

    /// Runs `work` so that the current connection's close cancels it (at once when it has
    /// closed already), through the scope the connection's serving task runs in. Deregistered
    /// under the lock before returning, so a late close cannot reach the scope after it moved on.
    static func cancellingOnClose<T>(_ work: () async -> T) async -> T {
        guard let connection = current, let request = CancelScope.current else { return await work() }
        let closedAlready = connection.state.withLock { state in
            state.request = request
            if state.closed { request.cancel() }
            return state.closed
        }
        // The scope cancels its task from the task that waits for it; a close that came first
        // cancels this task before the work starts (a task cancelling itself, nothing kept).
        if closedAlready { withUnsafeCurrentTask { $0?.cancel() } }
        defer { connection.state.withLock { $0.request = nil } }
        return await work()
    }
}
