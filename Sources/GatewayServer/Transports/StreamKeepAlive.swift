/// Keep-alive comments for one endpoint's open standalone (GET) and legacy SSE streams, so a
/// client that vanished is noticed: the comment's write fails and its stream ends. One timer
/// (`StreamableHTTPTransport.streamKeepAlive()`) serves all of the endpoint's streams; a task and
/// a timer per stream cost memory per idle stream (BENCHMARKS.md).
struct StreamKeepAlive: Sendable {
    let sessions: HTTPSessionStore
    let legacy: LegacySessionStore

    /// One round: each stream open now gets one comment (a session without a standalone stream, none).
    func tick() {
        for session in sessions.all() { session.streams.keepAlive() }
        for session in legacy.all() { session.outboxContinuation.yield(.null) }
    }
}
