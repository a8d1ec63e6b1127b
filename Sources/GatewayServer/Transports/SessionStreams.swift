import MCPCore
import Synchronization

/// The SSE streams of one streamable-HTTP session, with event ids so a client that lost a
/// connection can resume with `Last-Event-ID` (a GET that replays only that stream's later
/// events, then follows it live). Stream 0 is the standalone GET stream; each POST that answers
/// with SSE gets its own stream. Logs are bounded: a few finished streams are kept, each with
/// its most recent events.
final class SessionStreams: Sendable {
    /// One SSE event: `id` (`<stream>.<sequence>`) and the message, or a keep-alive comment.
    enum Event: Sendable {
        case message(id: String, JSONValue)
        case keepAlive
    }

    static let standalone = 0
    static let eventsPerStream = 256
    static let finishedStreamsKept = 32

    private struct Log {
        var events: [(sequence: Int, message: JSONValue)] = []
        var nextSequence = 1
        var finished = false
        var listener: AsyncStream<Event>.Continuation?
    }

    private struct State {
        var nextStream = 1
        var logs: [Int: Log] = [:]
        var finishedOrder: [Int] = []
        var tokens: [JSONValue: Int] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Opens a POST's stream, receiving the notifications of the request with this progress token (if any).
    func open(token: JSONValue?) -> (stream: Int, events: AsyncStream<Event>) {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let id = state.withLock { state -> Int in
            let id = state.nextStream
            state.nextStream += 1
            state.logs[id] = Log(listener: continuation)
            if let token { state.tokens[token] = id }
            if state.closed { continuation.finish() }
            return id
        }
        return (id, events)
    }

    /// Opens the standalone stream; nil when one is already open.
    func openStandalone() -> AsyncStream<Event>? {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let opened = state.withLock { state -> Bool in
            if state.logs[Self.standalone]?.listener != nil { return false }
            var log = state.logs[Self.standalone] ?? Log()
            log.listener = continuation
            state.logs[Self.standalone] = log
            if state.closed { continuation.finish() }
            return true
        }
        return opened ? events : nil
    }

    /// Sends a notification to the stream of the request that owns its progress token.
    func yield(_ message: JSONRPCMessage, toToken token: JSONValue) {
        state.withLock { state in
            guard let id = state.tokens[token] else { return }
            Self.append(message.jsonValue, to: id, in: &state)
        }
    }

    /// Sends a notification of the session's own on the standalone stream (kept for a resume
    /// when the stream has been opened once; dropped when the client never opened it).
    func notify(_ message: JSONRPCMessage) {
        state.withLock { Self.append(message.jsonValue, to: Self.standalone, in: &$0) }
    }

    /// Sends a keep-alive comment on the standalone stream (not logged).
    func keepAlive() {
        _ = state.withLock { $0.logs[Self.standalone]?.listener }?.yield(.keepAlive)
    }

    /// Ends a POST's stream with the request's reply (nil: cancelled, nothing more to send).
    func finish(_ id: Int, token: JSONValue?, reply: JSONValue?) {
        state.withLock { state in
            if let token { state.tokens.removeValue(forKey: token) }
            if let reply { Self.append(reply, to: id, in: &state) }
            state.logs[id]?.finished = true
            state.logs[id]?.listener?.finish()
            state.logs[id]?.listener = nil
            state.finishedOrder.append(id)
            while state.finishedOrder.count > Self.finishedStreamsKept {
                state.logs.removeValue(forKey: state.finishedOrder.removeFirst())
            }
        }
    }

    /// A POST stream's connection went away: its events stay logged for a resuming GET.
    func detach(_ id: Int) {
        state.withLock { $0.logs[id]?.listener = nil }
    }

    /// Resumes after `lastEventID`: the stream's later logged events, then its live ones until it
    /// ends. Nil when the id names no stream this session keeps.
    func resume(after lastEventID: String) -> AsyncStream<Event>? {
        let parts = lastEventID.split(separator: ".")
        guard parts.count == 2, let id = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let found = state.withLock { state -> Bool in
            guard var log = state.logs[id] else { return false }
            for event in log.events where event.sequence > sequence {
                continuation.yield(.message(id: "\(id).\(event.sequence)", event.message))
            }
            if log.finished || state.closed {
                continuation.finish()
            } else {
                log.listener?.finish()
                log.listener = continuation
                state.logs[id] = log
            }
            return true
        }
        return found ? events : nil
    }

    /// Ends the standalone stream only (the server is stopping; POST streams end with their calls).
    func closeStandalone() {
        let listener = state.withLock { state -> AsyncStream<Event>.Continuation? in
            defer { state.logs[Self.standalone]?.listener = nil }
            return state.logs[Self.standalone]?.listener
        }
        listener?.finish()
    }

    /// Ends every stream (session deleted or expired).
    func close() {
        let listeners = state.withLock { state -> [AsyncStream<Event>.Continuation] in
            state.closed = true
            return state.logs.values.compactMap(\.listener)
        }
        for listener in listeners { listener.finish() }
    }

    private static func append(_ message: JSONValue, to id: Int, in state: inout State) {
        guard var log = state.logs[id], !log.finished else { return }
        let sequence = log.nextSequence
        log.nextSequence += 1
        log.events.append((sequence, message))
        if log.events.count > eventsPerStream { log.events.removeFirst(log.events.count - eventsPerStream) }
        log.listener?.yield(.message(id: "\(id).\(sequence)", message))
        state.logs[id] = log
    }
}
