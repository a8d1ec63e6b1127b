import NIOCore

/// A Swift `Duration` as NIO's `TimeAmount` (nanoseconds).
extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
