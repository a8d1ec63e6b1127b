import NIOCore
import Synchronization

/// The pool's bookkeeping per origin: idle connections, how many connections are open (idle, in
/// use or being opened), and the calls waiting for one when `maxOpen` are. A released connection
/// goes straight to the first waiter; a closed one lets the first waiter open a new one. Waiters
/// leave at their deadline or when cancelled. All of it under one lock, nothing awaited inside.
final class HTTP1OriginSlots: Sendable {
    /// What a caller gets: a kept-alive connection, or the right to open a new one.
    enum Lease {
        case idle(any Channel)
        case connect
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Lease, any Error>
        var timer: Scheduled<Void>?
    }

    private struct Origin {
        var idle: [any Channel] = []
        var open = 0
        var waiters: [Waiter] = []
    }

    private struct State {
        var origins: [HTTP1Origin: Origin] = [:]
        var nextWaiter: UInt64 = 0
    }

    let maxOpen: Int
    let maxIdle: Int
    private let state = Mutex(State())

    init(maxOpen: Int, maxIdle: Int) {
        self.maxOpen = maxOpen
        self.maxIdle = maxIdle
    }

    /// An idle connection owned by `loop`, else a slot to connect, else any idle one, else waits
    /// for either until `deadline` (then `timedOut`) or cancellation.
    func acquire(_ origin: HTTP1Origin, for loop: (any EventLoop)?, deadline: NIODeadline, timerLoop: any EventLoop) async throws -> Lease {
        if let lease = state.withLock({ Self.take(origin, for: loop, maxOpen: maxOpen, in: &$0) }) { return lease }
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let ready = state.withLock { state -> Result<Lease, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let lease = Self.take(origin, for: loop, maxOpen: maxOpen, in: &state) { return .success(lease) }
                    state.origins[origin, default: Origin()].waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let ready {
                    continuation.resume(with: ready)
                    return
                }
                let timer = timerLoop.scheduleTask(deadline: deadline) { [weak self] () -> Void in
                    self?.abandon(origin, waiter: id, with: HTTP1PoolError(.timedOut, "no connection became free before the deadline"))
                }
                let kept = state.withLock { state -> Bool in
                    guard let index = state.origins[origin]?.waiters.firstIndex(where: { $0.id == id }) else { return false }
                    state.origins[origin]?.waiters[index].timer = timer
                    return true
                }
                if !kept { timer.cancel() }
            }
        } onCancel: {
            abandon(origin, waiter: id, with: CancellationError())
        }
    }

    /// A connection's answer is complete and it may be reused: to the first waiter, else kept
    /// idle (up to `maxIdle`; beyond that it is closed, which `closed` then counts).
    func release(_ channel: any Channel, origin: HTTP1Origin) {
        let handed = state.withLock { state -> (Waiter?, keep: Bool) in
            if let waiter = state.origins[origin]?.waiters.first {
                state.origins[origin]?.waiters.removeFirst()
                return (waiter, true)
            }
            guard state.origins[origin, default: Origin()].idle.count < maxIdle else { return (nil, false) }
            state.origins[origin, default: Origin()].idle.append(channel)
            return (nil, true)
        }
        if let waiter = handed.0 {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .idle(channel))
        } else if !handed.keep {
            channel.close(promise: nil)
        }
    }

    /// A connection of `origin` closed (or failed to open): its slot goes to the first waiter.
    func closed(_ channel: (any Channel)?, origin: HTTP1Origin) {
        let waiter = state.withLock { state -> Waiter? in
            guard var entry = state.origins[origin] else { return nil }
            entry.open -= 1
            if let channel { entry.idle.removeAll { $0 === channel } }
            var next: Waiter?
            if !entry.waiters.isEmpty, entry.open < maxOpen {
                next = entry.waiters.removeFirst()
                entry.open += 1
            }
            state.origins[origin] = entry
            return next
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .connect)
    }

    /// Takes every idle connection out (to close them).
    /// Connections open (busy and idle) and idle, over every origin.
    var counts: (open: Int, idle: Int) {
        state.withLock { state in
            state.origins.values.reduce((0, 0)) { ($0.0 + $1.open, $0.1 + $1.idle.count) }
        }
    }

    func drainIdle() -> [any Channel] {
        state.withLock { state in
            var channels: [any Channel] = []
            for origin in state.origins.keys {
                channels += state.origins[origin]?.idle ?? []
                state.origins[origin]?.idle.removeAll()
            }
            return channels
        }
    }

    private func abandon(_ origin: HTTP1Origin, waiter id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.origins[origin]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.origins[origin]?.waiters.remove(at: index)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    private static func take(_ origin: HTTP1Origin, for loop: (any EventLoop)?, maxOpen: Int, in state: inout State) -> Lease? {
        // An idle connection on the caller's loop, else a new one there while there is room (a
        // connection on another loop costs a thread switch at every use), else any idle one.
        if let channel = state.origins[origin]?.idle.takeOpen(on: loop) { return .idle(channel) }
        if state.origins[origin, default: Origin()].open < maxOpen {
            state.origins[origin, default: Origin()].open += 1
            return .connect
        }
        return state.origins[origin]?.idle.takeOpen(on: nil).map { .idle($0) }
    }
}

extension [any Channel] {
    /// Drops closed connections, then removes and returns the newest one owned by `loop` (by
    /// any loop when nil).
    fileprivate mutating func takeOpen(on loop: (any EventLoop)?) -> (any Channel)? {
        removeAll { !$0.isActive }
        guard let loop else { return popLast() }
        return lastIndex { $0.eventLoop === loop }.map { remove(at: $0) }
    }
}
