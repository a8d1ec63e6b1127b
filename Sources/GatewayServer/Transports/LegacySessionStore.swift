import Synchronization

/// Open legacy SSE sessions by id (each lives as long as its GET stream), bounded in number.
final class LegacySessionStore: Sendable {
    let maxSessions: Int
    private let sessions = Mutex<[String: LegacySSESession]>([:])

    init(maxSessions: Int) {
        self.maxSessions = maxSessions
    }

    func insert(_ session: LegacySSESession) -> Bool {
        sessions.withLock { sessions in
            guard sessions.count < maxSessions else { return false }
            sessions[session.id] = session
            return true
        }
    }

    func session(_ id: String) -> LegacySSESession? { sessions.withLock { $0[id] } }

    func remove(_ id: String) -> Bool { sessions.withLock { $0.removeValue(forKey: id) != nil } }

    var count: Int { sessions.withLock { $0.count } }

    /// The sessions open now.
    func all() -> [LegacySSESession] { sessions.withLock { Array($0.values) } }
}
