import MCPCore
import Testing

/// Cancelling work from another task through its scope, without keeping a handle on a task.
@Suite("Cancel scope")
struct CancelScopeTests {
    /// Waits (without a timer) until the task is cancelled, after saying it started.
    static func untilCancelled(_ started: AsyncStream<Void>.Continuation) async -> String {
        let (never, _) = AsyncStream.makeStream(of: Void.self)
        started.yield()
        for await _ in never {}
        return Task.isCancelled ? "cancelled" : "ended"
    }

    @Test("cancel() from another task cancels the running work, whose answer is still returned; the scope is its current one")
    func cancelRunning() async {
        let scope = CancelScope()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        async let answer = scope.run { () async -> String in
            #expect(CancelScope.current === scope)
            return await Self.untilCancelled(startedContinuation)
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        #expect(!scope.isCancelled)
        scope.cancel()
        #expect(await answer == "cancelled")
        #expect(scope.isCancelled)
        #expect(CancelScope.current == nil, "bound only inside the work")
    }

    @Test("a cancel that comes first reaches the work once it runs; one after the work ended does nothing")
    func cancelBeforeAndAfter() async {
        let early = CancelScope()
        early.cancel()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        #expect(await early.run { await Self.untilCancelled(startedContinuation) } == "cancelled")
        _ = started
        let late = CancelScope()
        #expect(await late.run { 42 } == 42)
        late.cancel()
        #expect(!late.isCancelled, "the work had ended")
    }

    @Test("cancelling the task that runs the scope cancels the work")
    func callerCancelled() async {
        let scope = CancelScope()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let outcome = await withTaskGroup(of: String.self) { group in
            group.addTask { await scope.run { await Self.untilCancelled(startedContinuation) } }
            var iterator = started.makeAsyncIterator()
            await iterator.next()
            group.cancelAll()
            return await group.next() ?? ""
        }
        #expect(outcome == "cancelled")
        #expect(!scope.isCancelled, "the scope itself was not asked")
    }
}
