import ServiceLifecycle

/// Runs one piece of an endpoint's housekeeping every `interval` (idle-session expiry,
/// keep-alive comments) until graceful shutdown or cancellation.
public struct RepeatingService: Service {
    let interval: Duration
    let work: @Sendable () -> Void

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                work()
            }
        }
    }
}
