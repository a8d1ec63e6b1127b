import GatewayCore
import Synchronization

/// One opening of a link that every caller arriving meanwhile waits for: the opening runs as a
/// job of the connector's owner (a caller that gives up does not stop it for the others), and
/// its outcome is handed to every waiter.
final class LinkStart: Sendable {
    private struct State {
        var outcome: Result<any MCPUpstreamLink, GatewayError>?
        var waiters: [CheckedContinuation<Result<any MCPUpstreamLink, GatewayError>, Never>] = []
    }

    private let state = Mutex(State())

    /// Hands the outcome to every waiter, present and future.
    func settle(_ outcome: Result<any MCPUpstreamLink, GatewayError>) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    /// The outcome, once the opening has one.
    func outcome() async throws(GatewayError) -> any MCPUpstreamLink {
        let outcome = await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<any MCPUpstreamLink, GatewayError>? in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try outcome.get()
    }
}
