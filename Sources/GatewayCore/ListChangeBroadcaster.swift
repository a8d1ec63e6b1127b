import Synchronization

/// Which of an upstream's lists changed (its `notifications/<list>/list_changed`).
public enum ListChange: String, Sendable, CaseIterable {
    case tools, resources, prompts

    /// The notification that announces it.
    public var notification: String { "notifications/\(rawValue)/list_changed" }

    /// The change a notification announces, if it is one of these.
    public init?(notification method: String) {
        guard let change = Self.allCases.first(where: { $0.notification == method }) else { return nil }
        self = change
    }
}

/// Tells observers that one of a provider's lists changed (an upstream sent
/// `notifications/tools/list_changed` or its resources/prompts twin). Providers own one;
/// sessions observe it.
public final class ListChangeBroadcaster: Sendable {
    public typealias Observer = @Sendable (ListChange) async -> Void

    private struct State {
        var nextID = 0
        var observers: [Int: Observer] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Calls `observer` after every change until the returned observation is cancelled.
    public func observe(_ observer: @escaping Observer) -> ListChangeObservation {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.observers[state.nextID] = observer
            return state.nextID
        }
        return ListChangeObservation { [weak self] in
            _ = self?.state.withLock { $0.observers.removeValue(forKey: id) }
        }
    }

    /// Tells every observer, one after the other.
    public func changed(_ change: ListChange) async {
        let observers = state.withLock { Array($0.observers.values) }
        for observer in observers { await observer(change) }
    }

    /// How many observers are registered.
    public var observerCount: Int { state.withLock { $0.observers.count } }
}

/// One registration with a `ListChangeBroadcaster`; `cancel` ends it (idempotent).
public final class ListChangeObservation: Sendable {
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
