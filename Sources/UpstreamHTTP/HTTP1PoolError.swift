/// Why an upstream request on a pooled connection failed; `message` is safe to show (no URL, no headers).
public struct HTTP1PoolError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// The connection could not be opened (refused, unresolvable, unreachable).
        case connectFailed
        /// Opening the connection took longer than the connect timeout.
        case connectTimedOut
        /// No complete answer before the request's deadline.
        case timedOut
        /// The upstream closed the connection before the answer was complete.
        case closedBeforeAnswer
        /// The request could not be written: it never reached the upstream.
        case sendFailed
        /// The request holds a character HTTP/1.1 does not allow (in its method, target or a header):
        /// refused before any connection was used.
        case invalidRequest
        /// The upstream's bytes were not a valid HTTP/1.1 answer, or the connection failed while reading it.
        case invalidResponse
    }

    public var code: Code
    public var message: String
    /// Some of the answer (at least its first bytes) had arrived when the request failed.
    public var answerStarted: Bool

    public init(_ code: Code, _ message: String, answerStarted: Bool = false) {
        self.code = code
        self.message = message
        self.answerStarted = answerStarted
    }

    public var description: String { message }

    /// True when a kept-alive connection turned out to be closed and the request may be sent again
    /// on a new one: it never left, or nothing came back and sending it twice is harmless.
    package func isStale(retryable: Bool) -> Bool {
        switch code {
        case .sendFailed: return true
        case .closedBeforeAnswer: return retryable && !answerStarted
        default: return false
        }
    }
}
