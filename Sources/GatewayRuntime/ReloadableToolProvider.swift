import GatewayCore
import MCPCore
import Synchronization

/// A virtual server's provider that a reload can replace while sessions stay open: every call
/// goes to the provider current when it starts, the sessions watching it are told when its lists
/// change (its own `list_changed`, or a replacement), and a replaced provider is shut down once the
/// calls it was serving have ended.
final class ReloadableToolProvider: ToolProvider, FeatureForwarding, Sendable {
    /// One provider with the calls in flight on it.
    final class Generation: Sendable {
        let provider: any ToolProvider
        private let state = Mutex<(inFlight: Int, drained: [CheckedContinuation<Void, Never>])>((0, []))

        init(_ provider: any ToolProvider) {
            self.provider = provider
        }

        func begin() {
            state.withLock { $0.inFlight += 1 }
        }

        func end() {
            let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.inFlight -= 1
                guard state.inFlight == 0 else { return [] }
                defer { state.drained = [] }
                return state.drained
            }
            for continuation in waiting { continuation.resume() }
        }

        /// Returns when no call is running on it (new ones no longer start here once it is replaced).
        func drained() async {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.inFlight == 0 { return true }
                    state.drained.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }
    }

    private let current: Mutex<(generation: Generation, observation: ListChangeObservation?)>
    private let changes = ListChangeBroadcaster()

    init(_ provider: any ToolProvider) {
        current = Mutex((Generation(provider), nil))
        observeInner(of: current.withLock { $0.generation })
    }

    /// The provider now serving.
    var provider: any ToolProvider { current.withLock { $0.generation.provider } }

    /// The provider now serving, with its calls in flight.
    var generation: Generation { current.withLock { $0.generation } }

    /// Puts `provider` in place for new calls, tells the sessions its lists changed (unless
    /// `notify` is false: the same tools), and returns the replaced one (shut it down after
    /// `drained()`).
    func replace(with provider: any ToolProvider, notify: Bool = true) async -> Generation {
        let next = Generation(provider)
        let previous = current.withLock { state in
            defer { state = (next, nil) }
            return state
        }
        previous.observation?.cancel()
        observeInner(of: next)
        if notify {
            for change in ListChange.allCases { await changes.changed(change) }
        }
        return previous.generation
    }

    private func observeInner(of generation: Generation) {
        let changes = self.changes
        let observation = generation.provider.observeListChanges { change in await changes.changed(change) }
        current.withLock { state in
            if state.generation === generation { state.observation = observation } else { observation?.cancel() }
        }
    }

    private func entered() -> Generation {
        current.withLock { state in
            state.generation.begin()
            return state.generation
        }
    }

    func tools() async throws(GatewayError) -> [MCPTool] {
        let generation = entered()
        defer { generation.end() }
        return try await generation.provider.tools()
    }

    func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        let generation = entered()
        defer { generation.end() }
        return try await generation.provider.call(call, context: context)
    }

    func forward(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>? {
        let generation = entered()
        defer { generation.end() }
        guard let forwarding = generation.provider as? any FeatureForwarding else { return nil }
        return try await forwarding.forward(method, params: params)
    }

    /// As the provider now serving: an imported document forwards nothing, so its resources and
    /// prompts requests skip the chain as they do without a reloadable endpoint.
    var forwardsFeatures: Bool {
        guard let forwarding = provider as? any FeatureForwarding else { return false }
        return forwarding.forwardsFeatures
    }

    func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation? {
        changes.observe(observer)
    }

    func shutdown() async {
        let generation = current.withLock { $0.generation }
        await generation.provider.shutdown()
    }
}
