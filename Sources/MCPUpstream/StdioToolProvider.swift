import GatewayCore
import Logging
import MCPCore
import Synchronization

/// A stdio MCP server as a tool source, shared by every session (`shared` mode): one child,
/// requests multiplexed with gateway-unique ids. The child is started on first use, restarted
/// with backoff when it exits (calls in flight get an error, never a hang), and each call is
/// bounded by `callTimeout` (the child is sent `notifications/cancelled`).
public final class StdioToolProvider: ToolProvider {
    public let command: StdioServerCommand
    let allowList: CommandAllowList
    let callTimeout: Duration
    let maxLineBytes: Int
    let logger: Logger

    private struct Supervisor {
        var child: StdioChild?
        var starting: Task<StdioChild, any Error>?
        var policy = RestartPolicy()
        var generation = 0
    }

    private let supervisor = Mutex(Supervisor())

    public init(
        command: StdioServerCommand, allowList: CommandAllowList, callTimeout: Duration = .seconds(60), maxLineBytes: Int = 16 << 20,
        logger: Logger
    ) {
        self.command = command
        self.allowList = allowList
        self.callTimeout = callTimeout
        self.maxLineBytes = maxLineBytes
        self.logger = logger
    }

    public func tools() async throws(GatewayError) -> [MCPTool] {
        let child = try await running()
        if let cached = child.tools.withLock({ $0 }) { return cached }
        var tools: [MCPTool] = []
        var cursor: String?
        repeat {
            var params: JSONObject = [:]
            if let cursor { params["cursor"] = .string(cursor) }
            switch await child.connection.request("tools/list", params: params) {
            case .failure(let error): throw GatewayError(.upstream, "tools/list failed: \(error.message)")
            case .success(let page):
                tools += (page["tools"]?.arrayValue ?? []).compactMap { MCPTool(json: $0) }
                cursor = page["nextCursor"]?.stringValue
            }
        } while cursor != nil && tools.count < 100_000
        child.tools.withLock { $0 = tools }
        return tools
    }

    public func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        let child: StdioChild
        do {
            child = try await running()
        } catch {
            return .error("The MCP server is not available: \(error.message)")
        }
        let params: JSONObject = ["name": .string(call.name), "arguments": .object(call.arguments)]
        let timeout = callTimeout
        let outcome = await withTaskGroup(of: Result<JSONValue, JSONRPCError>?.self) { group in
            group.addTask { await child.connection.request("tools/call", params: params, progress: call.progress) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case nil:
            return .error("The MCP server did not answer '\(call.name)' within \(timeout); the call was cancelled")
        case .failure(let error) where error.code == .invalidParams:
            throw GatewayError(.unknownTool, error.message)
        case .failure(let error):
            return .error("The MCP server failed '\(call.name)': \(error.message)")
        case .success(let result):
            return MCPToolResult(json: result)
        }
    }

    /// The running child, starting it (or waiting for its start) when needed.
    private func running() async throws(GatewayError) -> StdioChild {
        let now = ContinuousClock.now
        enum Step {
            case ready(StdioChild)
            case waitFor(Task<StdioChild, any Error>)
            case refused(GatewayError)
        }
        let step = supervisor.withLock { state -> Step in
            if let child = state.child { return .ready(child) }
            if let starting = state.starting { return .waitFor(starting) }
            let wait = state.policy.wait(now: now)
            if wait > .zero {
                return .refused(GatewayError(.upstream, "the MCP server '\(command.command)' exited; it restarts in \(wait)"))
            }
            state.generation += 1
            let generation = state.generation
            let task = Task { try await self.start(generation: generation) }
            state.starting = task
            return .waitFor(task)
        }
        switch step {
        case .ready(let child): return child
        case .refused(let error): throw error
        case .waitFor(let task):
            do {
                return try await task.value
            } catch let error as GatewayError {
                throw error
            } catch {
                throw GatewayError(.upstream, "\(error)")
            }
        }
    }

    private func start(generation: Int) async throws -> StdioChild {
        do {
            guard allowList.allows(command) else {
                throw GatewayError(.configuration, "the command '\(command.command)' is not in the allow-list")
            }
            guard let executable = command.executablePath() else {
                throw GatewayError(.configuration, "the command '\(command.command)' was not found")
            }
            let child = try StdioChild(command: command, executable: executable, maxLineBytes: maxLineBytes, logger: logger) { [weak self] status in
                self?.exited(generation: generation, status: status)
            }
            supervisor.withLock { $0.policy.started(now: .now) }
            let initialize: JSONObject = [
                "protocolVersion": .string(MCPProtocolVersion.latest.rawValue), "capabilities": [:],
                "clientInfo": ["name": "toolgate", "version": "0.1.0"],
            ]
            if case .failure(let error) = await child.connection.request("initialize", params: initialize) {
                child.terminate()
                throw GatewayError(.upstream, "the MCP server '\(command.command)' failed to initialize: \(error.message)")
            }
            await child.connection.notify("notifications/initialized")
            logger.info("MCP server started", metadata: ["command": "\(command.command)", "pid": "\(child.process.processIdentifier)"])
            supervisor.withLock { state in
                state.child = child
                state.starting = nil
            }
            return child
        } catch {
            supervisor.withLock { state in
                state.starting = nil
                state.policy.exited(now: .now)
            }
            throw error
        }
    }

    private func exited(generation: Int, status: Int32) {
        let delay = supervisor.withLock { state -> Duration? in
            guard state.generation == generation, state.child != nil else { return nil }
            state.child = nil
            return state.policy.exited(now: .now)
        }
        if let delay {
            logger.warning("MCP server exited", metadata: ["command": "\(command.command)", "status": "\(status)", "restart_in": "\(delay)"])
        }
    }

    /// Stops the child (at shutdown, or when the session that owns it ends).
    public func shutdown() async {
        stop()
    }

    /// Stops the child now.
    public func stop() {
        let child = supervisor.withLock { state -> StdioChild? in
            state.generation += 1
            defer { state.child = nil }
            return state.child
        }
        child?.terminate()
    }
}
