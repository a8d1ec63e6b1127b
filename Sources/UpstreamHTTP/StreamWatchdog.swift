import NIOCore
import Synchronization

/// Ends a streamed answer that stalls: no first event by one deadline, no event for `idle`, or
/// still running at another deadline. Firing closes the answer's connection, so whoever is
/// reading its body gets an error at once; `fired` then says why.
///
/// One timer on the connection's event loop, rescheduled only when it fires early (activity
/// moved the idle deadline), so marking activity is one atomic store.
public final class StreamWatchdog: Sendable {
    /// Why the watchdog closed the connection.
    public enum Reason: Sendable, Equatable {
        case noFirstEvent
        case idle
        case tooLong
    }

    private let channel: any Channel
    private let idle: TimeAmount
    private let endBy: NIODeadline
    private let firstEventBy: NIODeadline?
    private let lastActivity: Atomic<Int64>
    private let sawFirstEvent = Atomic<Bool>(false)
    private let state = Mutex<(fired: Reason?, timer: Scheduled<Void>?, stopped: Bool)>((nil, nil, false))

    /// Watches `response`'s connection from now on.
    public init(watching response: HTTP1StreamingResponse, firstEventBy: NIODeadline?, idle: TimeAmount, endBy: NIODeadline) {
        self.channel = response.body.channel
        self.idle = idle
        self.endBy = endBy
        self.firstEventBy = firstEventBy
        self.lastActivity = Atomic(NIODeadline.now().uptimeNanoseconds.asInt64)
        schedule()
    }

    /// Bytes arrived: the idle deadline moves on.
    public func activity() {
        lastActivity.store(NIODeadline.now().uptimeNanoseconds.asInt64, ordering: .relaxed)
    }

    /// The first event arrived: its deadline no longer applies.
    public func firstEvent() {
        sawFirstEvent.store(true, ordering: .relaxed)
        activity()
    }

    /// Why it fired, if it did.
    public var fired: Reason? { state.withLock { $0.fired } }

    /// Stops watching (the stream ended or its reader left).
    public func stop() {
        let timer = state.withLock { state -> Scheduled<Void>? in
            state.stopped = true
            defer { state.timer = nil }
            return state.timer
        }
        timer?.cancel()
    }

    private func nextCheck() -> NIODeadline {
        var deadline = min(endBy, NIODeadline.uptimeNanoseconds(UInt64(lastActivity.load(ordering: .relaxed))) + idle)
        if let firstEventBy, !sawFirstEvent.load(ordering: .relaxed) { deadline = min(deadline, firstEventBy) }
        return deadline
    }

    private func schedule() {
        let deadline = nextCheck()
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) { [self] in check() }
        let stopped = state.withLock { state -> Bool in
            if !state.stopped { state.timer = timer }
            return state.stopped
        }
        if stopped { timer.cancel() }
    }

    private func check() {
        let now = NIODeadline.now()
        let reason: Reason?
        if let firstEventBy, !sawFirstEvent.load(ordering: .relaxed), now >= firstEventBy {
            reason = .noFirstEvent
        } else if now >= endBy {
            reason = .tooLong
        } else if now >= NIODeadline.uptimeNanoseconds(UInt64(lastActivity.load(ordering: .relaxed))) + idle {
            reason = .idle
        } else {
            reason = nil
        }
        guard let reason else { return schedule() }
        let proceed = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.fired = reason
            state.stopped = true
            return true
        }
        if proceed { channel.close(promise: nil) }
    }
}

extension UInt64 {
    fileprivate var asInt64: Int64 { Int64(clamping: self) }
}
