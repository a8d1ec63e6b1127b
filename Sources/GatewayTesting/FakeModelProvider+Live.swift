import Foundation

/// Runs a fake model provider with this repository's fixtures on 127.0.0.1 for the duration of
/// `body`, which gets it and its base URL (`http://127.0.0.1:PORT`).
public func withFakeModelProvider<Result: Sendable>(
    _ body: @Sendable (_ provider: FakeModelProvider, _ url: String) async throws -> Result
) async throws -> Result {
    let provider = FakeModelProvider(fixtures: try FakeModelProvider.repositoryFixtures())
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await provider.run { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw FixtureError(message: "the fake model provider did not report a port")
        }
        defer { group.cancelAll() }
        return try await body(provider, "http://127.0.0.1:\(port)")
    }
}
