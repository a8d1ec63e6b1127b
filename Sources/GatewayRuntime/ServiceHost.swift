import MCPCore
import ServiceLifecycle

/// Runs the gateway's own services, including those that appear or are replaced while it serves
/// (a reload's new endpoints' housekeeping, the model groups' health prober, a new audit store),
/// inside the service group: each runs in a child task that sees the group's graceful shutdown
/// (so an audit store still writes its queue), and a replaced or stopped one is cancelled.
final class ServiceHost: Service, Sendable {
    private enum Command: Sendable {
        case start(key: String, service: any Service)
        case stop(key: String)
    }

    private let commands: AsyncStream<Command>
    private let intake: AsyncStream<Command>.Continuation

    init() {
        (commands, intake) = AsyncStream.makeStream(of: Command.self)
    }

    /// Runs `service` under `key`, cancelling the one that ran under it before.
    func start(_ service: any Service, key: String) {
        intake.yield(.start(key: key, service: service))
    }

    /// Cancels the service running under `key`, if any.
    func stop(key: String) {
        intake.yield(.stop(key: key))
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running: [String: CancelScope] = [:]
                for await command in commands {
                    switch command {
                    case .start(let key, let service):
                        running[key]?.cancel()
                        let scope = CancelScope()
                        running[key] = scope
                        group.addTask { await scope.run { try? await service.run() } }
                    case .stop(let key):
                        running.removeValue(forKey: key)?.cancel()
                    }
                }
                // Graceful shutdown: the services see it themselves (they run in this service's
                // task tree) and end as they would in the group; the group waits for them.
            }
        } onGracefulShutdown: {
            self.intake.finish()
        }
    }
}
