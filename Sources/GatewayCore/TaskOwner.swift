import Logging

/// The owner of work that outlives the call that starts it: a stdio child's output readers, a
/// remote link's event streams, a session's ending, a cancelled request's notice upstream, an SSE
/// reply that runs on while its client is away.
///
/// Each job runs in a child task of `run()`'s task group, so nothing outlives the owner: once
/// `finish()` is called `run()` takes no more jobs and returns when those running have ended, and
/// cancelling `run()` cancels them. A job that must be stoppable on its own runs in a `CancelScope`.
/// The gateway runs one owner as part of its resources, stopped after everything that starts jobs.
public final class TaskOwner: Sendable {
    public typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let intake: AsyncStream<Job>.Continuation
    private let logger: Logger

    public init(logger: Logger) {
        (jobs, intake) = AsyncStream.makeStream(of: Job.self)
        self.logger = logger
    }

    /// Starts `job` in the owner's task group (a job started after `finish()` is not run; it is logged).
    public func start(_ job: @escaping Job) {
        if case .terminated = intake.yield(job) {
            logger.debug("a job started after its owner finished was not run")
        }
    }

    /// Runs the jobs until `finish()`, then waits for those still running.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    /// Takes no more jobs; `run()` returns once the running ones have ended.
    public func finish() {
        intake.finish()
    }

    /// Runs `body` with an owner whose jobs run beside it; when `body` returns, the owner takes no
    /// more jobs and this waits for the running ones (a test, or a tool, that needs no gateway).
    public static func withOwner<T: Sendable>(logger: Logger, _ body: (TaskOwner) async throws -> T) async rethrows -> T {
        let owner = TaskOwner(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await owner.run() }
            defer { owner.finish() }
            return try await body(owner)
        }
    }
}
