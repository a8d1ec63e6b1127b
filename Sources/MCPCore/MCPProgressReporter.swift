import Synchronization

/// Sends `notifications/progress` for one request, keeping `progress` strictly increasing and
/// staying silent once the request has been answered.
public final class MCPProgressReporter: Sendable {
    /// The client's token (string or integer), echoed with its type.
    public let token: JSONValue
    private let send: @Sendable (JSONRPCMessage) async -> Void
    private let state = Mutex<(last: Double?, finished: Bool)>((nil, false))

    public init(token: JSONValue, send: @escaping @Sendable (JSONRPCMessage) async -> Void) {
        self.token = token
        self.send = send
    }

    /// Reports progress; values that do not increase, or come after the response, are dropped.
    public func report(progress: Double, total: Double? = nil, message: String? = nil) async {
        let accepted = state.withLock { state -> Bool in
            if state.finished { return false }
            if let last = state.last, progress <= last { return false }
            state.last = progress
            return true
        }
        guard accepted else { return }
        var params: JSONObject = ["progressToken": token, "progress": .double(progress)]
        if let total { params["total"] = .double(total) }
        if let message { params["message"] = .string(message) }
        await send(.notification(method: "notifications/progress", params: .object(params)))
    }

    /// Marks the request answered: no progress may follow.
    public func finish() {
        state.withLock { $0.finished = true }
    }
}
