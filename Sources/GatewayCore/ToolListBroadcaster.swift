import Synchronization

/// Tells observers that a provider's tool list changed (an upstream sent
/// `notifications/tools/list_changed`). Providers own one; sessions observe it.
public final class ToolListBroadcaster: Sendable {
    public typealias Observer = @Sendable () async -> Void

    private struct State {
        var nextID = 0
        var observers: [Int: Observer] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Calls `observer` after every change until the returned observation is cancelled.
    public func observe(_ observer: @escaping Observer) -> ToolListObservation {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.observers[state.nextID] = observer
            return state.nextID
        }
        return ToolListObservation { [weak self] in
            _ = self?.state.withLock { $0.observers.removeValue(forKey: id) }
        }
    }

    /// Tells every observer, one after the other.
    public func changed() async {
        let observers = state.withLock { Array($0.observers.values) }
        for observer in observers { await observer() }
    }

    /// How many observers are registered.
    public var observerCount: Int { state.withLock { $0.observers.count } }
}

/// One registration with a `ToolListBroadcaster`; `cancel` ends it (idempotent).
public final class ToolListObservation: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    public func cancel() {
        let action = onCancel.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }
}
