import GatewayServer
import Synchronization

/// The MCP endpoints of a serving gateway by path. An endpoint's transport (and so its sessions)
/// lives as long as the path is served; the server behind it is what a reload replaces.
final class EndpointTable: Sendable {
    /// One path: its transport, the server now behind it, and the provider its sessions call
    /// (which forwards to that server's shared provider).
    final class Slot: Sendable {
        let provider: ReloadableToolProvider
        private let current: Mutex<AssembledServer>
        private let made = Mutex<StreamableHTTPTransport?>(nil)

        init(server: AssembledServer) {
            current = Mutex(server)
            provider = ReloadableToolProvider(server.provider)
        }

        /// The server new sessions and calls get.
        var server: AssembledServer { current.withLock { $0 } }

        var transport: StreamableHTTPTransport {
            guard let transport = made.withLock({ $0 }) else { preconditionFailure("a slot is published only with its transport") }
            return transport
        }

        func update(_ server: AssembledServer) {
            current.withLock { $0 = server }
        }

        fileprivate func set(_ transport: StreamableHTTPTransport) {
            made.withLock { $0 = transport }
        }
    }

    private let slots = Mutex<[String: Slot]>([:])

    /// The slot of `server`'s path, made with a transport from `make` when the path is new.
    func slot(for server: AssembledServer, make: (Slot) -> StreamableHTTPTransport) -> Slot {
        let path = server.endpoint.path
        if let existing = slots.withLock({ $0[path] }) { return existing }
        let slot = Slot(server: server)
        slot.set(make(slot))
        slots.withLock { $0[path] = slot }
        return slot
    }

    func existing(_ path: String) -> Slot? {
        slots.withLock { $0[path] }
    }

    /// Forgets a path (its routes are left out of the next table).
    func remove(_ path: String) -> Slot? {
        slots.withLock { $0.removeValue(forKey: path) }
    }

    var paths: [String] { slots.withLock { Array($0.keys) } }
}
