import Synchronization

/// How long a client may take and how many connections the listener holds, so slow or idle
/// clients cannot exhaust descriptors while others are served (nginx's defaults: 60 s for a head,
/// 60 s between body reads, 75 s idle keep-alive).
public struct ConnectionLimits: Sendable {
    /// From the first byte of a request (or from the connection going idle) to its whole head.
    public var headTimeout: Duration
    /// Between the head and the end of the body.
    public var bodyTimeout: Duration
    /// A kept-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Duration
    /// Connections open at once; the next ones are closed at once.
    public var maxConnections: Int

    public init(headTimeout: Duration = .seconds(60), bodyTimeout: Duration = .seconds(60), idleTimeout: Duration = .seconds(75), maxConnections: Int = 16_384) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The listener's open connections, against `ConnectionLimits.maxConnections`.
final class ConnectionCount: Sendable {
    private let open = Atomic<Int>(0)

    /// Takes a place for a new connection; false when the listener is full.
    func admit(max: Int) -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        guard now <= max else {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() {
        open.subtract(1, ordering: .relaxed)
    }

    var current: Int { open.load(ordering: .relaxed) }
}
