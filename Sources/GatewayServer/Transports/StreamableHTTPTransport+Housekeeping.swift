import ServiceLifecycle

extension StreamableHTTPTransport {
    /// The service that ends this endpoint's idle-expired sessions on a timer, closing their
    /// streams, so a client that vanished without DELETE does not hold memory until it is next
    /// looked up; add it to the application's services.
    public func sessionSweeper(interval: Duration? = nil) -> RepeatingService {
        let every = interval ?? min(.seconds(60), max(.seconds(1), configuration.sessionIdleTimeout / 4))
        let store = self.store
        let logger = self.logger
        return RepeatingService(interval: every) {
            let ended = store.sweep()
            if ended > 0 { logger.info("idle sessions expired", metadata: ["ended": "\(ended)", "live": "\(store.count)"]) }
        }
    }
}

extension StreamableHTTPTransport {
    /// How often an idle SSE stream (standalone or legacy) gets a comment.
    public static let keepAliveInterval: Duration = .seconds(15)

    /// The service that sends this endpoint's keep-alive comments.
    public func streamKeepAlive(interval: Duration = Self.keepAliveInterval) -> RepeatingService {
        let keepAlive = StreamKeepAlive(sessions: store, legacy: legacy)
        return RepeatingService(interval: interval) { keepAlive.tick() }
    }

    /// The endpoint's background services (idle-session expiry, keep-alive comments); add them
    /// to the application's services.
    public func services() -> [any Service] {
        [sessionSweeper(), streamKeepAlive()]
    }
}
