import Synchronization

/// A handle through which another task cancels work it did not start: `notifications/cancelled`
/// naming a request, a client's connection closing under a stateless request, a link closing its
/// streams.
///
/// `run` runs the work in a child task of its own task group and waits until the work ends or
/// `cancel()` is called, whichever comes first; on `cancel()` it cancels that child and still
/// waits for its answer. Inside the work the scope is `CancelScope.current`, so a request can
/// register the scope it runs in (a connection binds one scope for all the requests it serves one
/// after the other, so a request costs no task of its own there).
public final class CancelScope: Sendable {
    /// The scope whose `run` the current task's work runs in (nil outside one).
    @TaskLocal public static var current: CancelScope?

    private struct State {
        var cancelRequested = false
        var done = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether `cancel()` was called before the work ended.
    public var isCancelled: Bool { state.withLock { $0.cancelRequested } }

    /// Cancels the work (once it runs, at once; when it has ended, nothing).
    public func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.done, !state.cancelRequested else { return nil }
            state.cancelRequested = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Runs `work` in a child task that `cancel()` cancels; the calling task's own cancellation
    /// reaches it as well. Returns the work's result, also when it was cancelled.
    public func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        await withTaskGroup(of: T.self) { group in
            group.addTask {
                let result = await CancelScope.$current.withValue(self) { await work() }
                self.finished()
                return result
            }
            await signalled()
            if isCancelled { group.cancelAll() }
            guard let result = await group.next() else { preconditionFailure("the scope's only child returns a value") }
            return result
        }
    }

    private func finished() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once the work ended or `cancel()` was called.
    private func signalled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.done || state.cancelRequested { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
