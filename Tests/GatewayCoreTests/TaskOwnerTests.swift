import GatewayCore
import Logging
import Synchronization
import Testing

/// Work that outlives the call that starts it belongs to an owner, which waits for it.
@Suite("Task owner")
struct TaskOwnerTests {
    @Test("jobs run beside the owner's body; when it returns, a running job is awaited, not dropped")
    func awaitsRunningJobs() async {
        let finished = Mutex(false)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        await TaskOwner.withOwner(logger: Logger(label: "test")) { owner in
            owner.start {
                startedContinuation.yield()
                for await _ in release { break }
                finished.withLock { $0 = true }
            }
            var iterator = started.makeAsyncIterator()
            await iterator.next()
            // The body returns while the job still waits; the owner lets it finish first.
            releaseContinuation.yield()
        }
        #expect(finished.withLock { $0 }, "withOwner returned only after the job ended")
    }

    @Test("a job started after finish() is not run; cancelling run() cancels the running jobs")
    func finishAndCancel() async {
        let owner = TaskOwner(logger: Logger(label: "test"))
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let cancelled = Mutex(false)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await owner.run() }
            owner.start {
                let (never, _) = AsyncStream.makeStream(of: Void.self)
                startedContinuation.yield()
                for await _ in never {}
                cancelled.withLock { $0 = Task.isCancelled }
            }
            var iterator = started.makeAsyncIterator()
            await iterator.next()
            owner.finish()
            let ran = Mutex(false)
            owner.start { ran.withLock { $0 = true } }
            group.cancelAll()
            await group.waitForAll()
            #expect(!ran.withLock { $0 })
        }
        #expect(cancelled.withLock { $0 })
    }
}
