import GatewayServer
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on 127.0.0.1 on a free port for the duration of `body`, over the
/// gateway's own `DirectHTTP1Channel` connections (bodies past `maxBodyBytes + 1` bytes are dropped).
///
/// The server is a real HTTP server; `body` gets its port. When `body` returns or throws, the
/// server is stopped.
public func withLiveServer<Result: Sendable>(
    _ router: Router<BasicRequestContext>,
    maxBodyBytes: Int = 4 << 20,
    _ body: @Sendable (_ port: Int) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "live-server")
    // Hummingbird logs the races of a test server's shutdown ("Already closed", a cancelled
    // child channel) at error level; a green run stays quiet.
    logger.logLevel = .critical
    let app = Application(
        router: router,
        server: DirectHTTP1Channel.builder(responder: router.buildResponder(), maxBodyBytes: maxBodyBytes, serverName: "live-server"),
        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "live-server"),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw LiveServerError(message: "the live server did not report a port")
        }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// The live server could not start.
public struct LiveServerError: Error, Sendable {
    public var message: String
}
