import MCPCore
import Testing

@testable import GatewayServer

/// A route's work stops when its client's connection closes, and only while it runs. The work
/// runs in a `CancelScope`, as a direct connection's serving task does.
@Suite("Client connection close")
struct ClientConnectionTests {
    /// Waits (without a timer) until the task is cancelled, then says so.
    static func untilCancelled(_ started: AsyncStream<Void>.Continuation) async -> Bool {
        let (never, _) = AsyncStream.makeStream(of: Void.self)
        started.yield()
        for await _ in never {}
        return Task.isCancelled
    }

    @Test("the connection's close cancels the work registered with it")
    func closeCancels() async {
        let connection = ClientConnection()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        async let cancelled = CancelScope().run {
            await ClientConnection.$current.withValue(connection) {
                await ClientConnection.cancellingOnClose { await Self.untilCancelled(startedContinuation) }
            }
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        connection.closed()
        #expect(await cancelled)
    }

    @Test("work on a connection that closed already is cancelled at once; without a connection nothing is registered")
    func closedBefore() async {
        let connection = ClientConnection()
        connection.closed()
        // In a scope's task: the cancellation is the serving task's, not the test's.
        async let cancelled = CancelScope().run {
            await ClientConnection.$current.withValue(connection) {
                await ClientConnection.cancellingOnClose { Task.isCancelled }
            }
        }
        #expect(await cancelled)
        let outside = await ClientConnection.cancellingOnClose { Task.isCancelled }
        #expect(!outside)
    }

    @Test("a close after the work returned does not reach the task")
    func closeAfterwards() async {
        let connection = ClientConnection()
        let stillRunning = await CancelScope().run {
            await ClientConnection.$current.withValue(connection) { () async -> Bool in
                _ = await ClientConnection.cancellingOnClose { Task.isCancelled }
                connection.closed()
                return !Task.isCancelled
            }
        }
        #expect(stillRunning)
    }
}
