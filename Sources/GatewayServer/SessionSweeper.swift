import Logging
import ServiceLifecycle

/// Ends idle-expired streamable-HTTP sessions on a timer, closing their streams, so a client that
/// vanished without DELETE does not hold memory until it is next looked up. Stops at graceful shutdown.
public struct SessionSweeper: Service {
    let store: HTTPSessionStore
    let interval: Duration
    let logger: Logger

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                let ended = store.sweep()
                if ended > 0 { logger.info("idle sessions expired", metadata: ["ended": "\(ended)", "live": "\(store.count)"]) }
            }
        }
    }
}

extension StreamableHTTPTransport {
    /// The service that expires this endpoint's idle sessions; add it to the application's services.
    public func sessionSweeper(interval: Duration? = nil) -> SessionSweeper {
        let every = interval ?? min(.seconds(60), max(.seconds(1), configuration.sessionIdleTimeout / 4))
        return SessionSweeper(store: store, interval: every, logger: logger)
    }
}
