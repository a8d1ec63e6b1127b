import GatewayCore
import ServiceLifecycle

/// Settlements that cannot be awaited where they arise (a stream's ledger closes synchronously,
/// on whichever task ended it): queued here and applied in order by this service's own task, so
/// no task is left unowned. Applies what is queued before it stops.
public final class SettlementQueue: Service, Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    public init() {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    func enqueue(_ job: @escaping Job) {
        continuation.yield(job)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await job in jobs { await job() }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
