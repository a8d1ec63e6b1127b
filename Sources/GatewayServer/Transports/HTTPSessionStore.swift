import Synchronization

/// Live sessions by id, bounded in number and expired when idle.
final class HTTPSessionStore: Sendable {
    let maxSessions: Int
    let idleTimeout: Duration
    private let sessions = Mutex<[String: HTTPSession]>([:])

    init(maxSessions: Int, idleTimeout: Duration) {
        self.maxSessions = maxSessions
        self.idleTimeout = idleTimeout
    }

    /// A new session id: 32 bytes from the system's cryptographic generator, hex-encoded (visible ASCII).
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: .min ... .max, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    /// Stores a session; false when the store is full even after expiring idle sessions.
    func insert(_ session: HTTPSession) -> Bool {
        sessions.withLock { sessions in
            if sessions.count >= maxSessions { expire(&sessions) }
            guard sessions.count < maxSessions else { return false }
            sessions[session.id] = session
            return true
        }
    }

    /// The live session with this id (an idle-expired one is removed and not returned).
    func session(_ id: String) -> HTTPSession? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            if session.idle(since: .now) > idleTimeout {
                sessions.removeValue(forKey: id)?.close()
                return nil
            }
            session.touch()
            return session
        }
    }

    /// Takes a session out of the store (the caller closes it); nil when there was none.
    func remove(_ id: String) -> HTTPSession? {
        sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Ends every idle-expired session and closes its streams; returns how many ended.
    @discardableResult
    func sweep(now: ContinuousClock.Instant = .now) -> Int {
        let expired = sessions.withLock { sessions -> [HTTPSession] in
            let gone = sessions.values.filter { $0.idle(since: now) > idleTimeout }
            for session in gone { sessions.removeValue(forKey: session.id) }
            return gone
        }
        for session in expired { session.close() }
        return expired.count
    }

    var count: Int { sessions.withLock { $0.count } }

    /// The sessions open now.
    func all() -> [HTTPSession] { sessions.withLock { Array($0.values) } }

    private func expire(_ sessions: inout [String: HTTPSession]) {
        let now = ContinuousClock.now
        for (id, session) in sessions where session.idle(since: now) > idleTimeout {
            sessions.removeValue(forKey: id)
            session.close()
        }
    }
}
