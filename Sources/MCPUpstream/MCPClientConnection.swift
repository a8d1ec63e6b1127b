import GatewayCore
import Logging
import MCPCore
import NIOCore
import NIOPosix
import Synchronization

/// The client side of one MCP connection to an upstream server, shared by many gateway
/// sessions: every request gets a gateway-unique integer id (so ids of different clients never
/// clash), progress tokens are replaced by the gateway's own and routed back to the caller's
/// reporter, and a cancelled caller sends `notifications/cancelled` with the upstream id.
/// It does no I/O itself: `write` sends one message; the owner feeds received messages to
/// `receive`. Notifications other than progress go to `onNotification` (`tools/list_changed`).
public final class MCPClientConnection: Sendable {
    typealias Waiter = CheckedContinuation<Result<JSONValue, JSONRPCError>, Never>

    private struct State {
        var nextID: Int64 = 1
        /// Issued ids not yet answered or abandoned.
        var outstanding: Set<Int64> = []
        var pending: [Int64: Waiter] = [:]
        /// Answers that arrived before their caller started waiting.
        var early: [Int64: Result<JSONValue, JSONRPCError>] = [:]
        var progress: [String: MCPProgressReporter] = [:]
        /// Requests whose timeout fired before their caller started waiting.
        var timedOut: Set<Int64> = []
        var closed: JSONRPCError?
    }

    private let state = Mutex(State())
    private let write: @Sendable (JSONValue) async -> Bool
    private let onNotification: @Sendable (String, JSONValue?) async -> Void
    private let logger: Logger
    /// Sends the cancellation notices, which outlive the cancelled caller.
    private let owner: TaskOwner
    /// Runs request timeouts: a timer on an event loop costs far less than a task per call.
    private let timers: any EventLoop

    /// `write` sends one message to the upstream and returns false when it cannot (it may also
    /// deliver the answer itself, through `receive`, before it returns: an HTTP response body).
    public init(
        owner: TaskOwner, logger: Logger, onNotification: @escaping @Sendable (String, JSONValue?) async -> Void = { _, _ in },
        write: @escaping @Sendable (JSONValue) async -> Bool
    ) {
        self.owner = owner
        self.logger = logger
        self.onNotification = onNotification
        self.write = write
        timers = MultiThreadedEventLoopGroup.singleton.next()
    }

    /// Marks the failure of a request that ran out of time (`request(timeout:)`).
    public static let timeoutKey = "toolgateTimeout"

    /// Sends a request and waits for its answer; fails at once when the connection is closed,
    /// when the calling task is cancelled, and after `timeout` (an error whose data holds
    /// `timeoutKey`); in the last two cases the upstream is sent `notifications/cancelled`.
    public func request(
        _ method: String, params: JSONObject? = nil, progress: MCPProgressReporter? = nil, timeout: Duration? = nil
    ) async -> Result<JSONValue, JSONRPCError> {
        let issued = state.withLock { state -> Result<Int64, JSONRPCError> in
            if let closed = state.closed { return .failure(closed) }
            defer { state.nextID += 1 }
            state.outstanding.insert(state.nextID)
            return .success(state.nextID)
        }
        let id: Int64
        switch issued {
        case .failure(let error): return .failure(error)
        case .success(let issuedID): id = issuedID
        }
        var params = params ?? [:]
        let token = "tg-\(id)"
        if let progress {
            var meta = params["_meta"]?.objectValue ?? [:]
            meta["progressToken"] = .string(token)
            params["_meta"] = .object(meta)
            state.withLock { $0.progress[token] = progress }
        }
        let timer = timeout.map { timeout in
            timers.scheduleTask(in: TimeAmount(timeout)) { [weak self] in
                self?.abandon(id, answering: Self.timeoutError(timeout), reason: "no answer within \(timeout)", timedOut: true)
            }
        }
        defer {
            timer?.cancel()
            state.withLock { state in
                state.outstanding.remove(id)
                state.early.removeValue(forKey: id)
                state.progress.removeValue(forKey: token)
                state.timedOut.remove(id)
            }
        }
        let message = JSONRPCMessage.request(id: JSONRPCID(.int(id))!, method: method, params: .object(params)).jsonValue
        return await withTaskCancellationHandler {
            // Inside the handler: an HTTP write lasts as long as its response stream.
            guard await write(message) else {
                return .failure(JSONRPCError(code: .internalError, message: "the upstream MCP server cannot be written to"))
            }
            return await withCheckedContinuation { (waiter: Waiter) in
                let ready = state.withLock { state -> Result<JSONValue, JSONRPCError>? in
                    if let early = state.early.removeValue(forKey: id) { return early }
                    if state.timedOut.contains(id), let timeout { return .failure(Self.timeoutError(timeout)) }
                    if let closed = state.closed { return .failure(closed) }
                    if !state.outstanding.contains(id) { return .failure(Self.cancelledError) }
                    state.pending[id] = waiter
                    return nil
                }
                if let ready { waiter.resume(returning: ready) }
            }
        } onCancel: {
            abandon(id, answering: Self.cancelledError, reason: "cancelled by the gateway's client", timedOut: false)
        }
    }

    static let cancelledError = JSONRPCError(code: .internalError, message: "cancelled")

    static func timeoutError(_ timeout: Duration) -> JSONRPCError {
        JSONRPCError(code: .internalError, message: "no answer within \(timeout)", data: [timeoutKey: true])
    }

    /// Gives up on a request still outstanding (its caller was cancelled, or its timeout fired):
    /// a waiting caller gets `error` (a caller not yet waiting finds it on arrival), and the
    /// upstream is sent `notifications/cancelled` with `reason`.
    private func abandon(_ id: Int64, answering error: JSONRPCError, reason: String, timedOut: Bool) {
        let (waiter, abandoned) = state.withLock { state -> (Waiter?, Bool) in
            guard state.outstanding.remove(id) != nil else { return (nil, false) }
            if timedOut { state.timedOut.insert(id) }
            return (state.pending.removeValue(forKey: id), true)
        }
        guard abandoned else { return }
        waiter?.resume(returning: .failure(error))
        let notice = JSONRPCMessage.notification(method: "notifications/cancelled", params: ["requestId": .int(id), "reason": .string(reason)]).jsonValue
        owner.start { _ = await self.write(notice) }
    }

    /// Sends a notification.
    public func notify(_ method: String, params: JSONObject? = nil) async {
        _ = await write(JSONRPCMessage.notification(method: method, params: .object(params ?? [:])).jsonValue)
    }

    /// Handles one message (or batch) from the upstream: answers, progress, pings, notifications.
    public func receive(_ line: [UInt8]) async {
        guard let value = try? JSONParser().parse(line) else {
            logger.warning("upstream sent a line that is not JSON", metadata: ["bytes": "\(line.count)"])
            return
        }
        if case .array(let batch) = value {
            for member in batch { await receive(value: member) }
        } else {
            await receive(value: value)
        }
    }

    /// Delivers an answer the transport made itself (an HTTP error for a request it carried).
    public func fail(id: Int64, _ error: JSONRPCError) async {
        await receive(value: ["jsonrpc": "2.0", "id": .int(id), "error": error.jsonValue])
    }

    private func receive(value: JSONValue) async {
        if let id = value["id"]?.intValue, value["method"] == nil {
            let answer: Result<JSONValue, JSONRPCError>
            if let error = value["error"], let code = error["code"]?.intValue {
                answer = .failure(JSONRPCError(code: .init(rawValue: Int(code)), message: error["message"]?.stringValue ?? "", data: error["data"]))
            } else {
                answer = .success(value["result"] ?? .object([:]))
            }
            let waiter = state.withLock { state -> Waiter? in
                if let waiter = state.pending.removeValue(forKey: id) { return waiter }
                if state.outstanding.contains(id), state.early[id] == nil { state.early[id] = answer }
                return nil
            }
            waiter?.resume(returning: answer)
            return
        }
        guard let method = value["method"]?.stringValue else { return }
        if let id = value["id"] {
            // A request from the upstream: answer ping; refuse what no client of ours was asked about.
            let answer: JSONValue = method == "ping"
                ? ["jsonrpc": "2.0", "id": id, "result": [:]]
                : ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": .string("Method not found: the gateway does not forward '\(method)'")]]
            _ = await write(answer)
            return
        }
        if method == "notifications/progress", let token = value["params"]?["progressToken"]?.stringValue,
            let reporter = state.withLock({ $0.progress[token] }), let progress = value["params"]?["progress"]?.doubleValue
        {
            await reporter.report(progress: progress, total: value["params"]?["total"]?.doubleValue, message: value["params"]?["message"]?.stringValue)
            return
        }
        await onNotification(method, value["params"])
    }

    /// Ends the connection: every waiting request fails with `error`, and so does every later one.
    public func close(_ error: JSONRPCError) {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = error
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for waiter in waiters { waiter.resume(returning: .failure(error)) }
    }

    /// Whether the request with this upstream id is still waiting for its answer.
    public func isWaiting(for id: Int64) -> Bool {
        state.withLock { $0.outstanding.contains(id) && $0.early[id] == nil }
    }

    /// Requests waiting for an answer.
    public var pendingCount: Int { state.withLock { $0.pending.count } }
}
