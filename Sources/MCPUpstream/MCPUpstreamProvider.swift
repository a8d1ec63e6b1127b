import GatewayCore
import Logging
import MCPCore
import Synchronization

/// An upstream MCP server (a stdio child, a remote server) as a tool source. One link is shared
/// by every session that uses the provider, requests multiplexed with gateway-unique ids. The link
/// is opened on first use and reopened with backoff when it closes (calls in flight get an error,
/// never a hang); each call is bounded by `callTimeout` (the upstream is sent
/// `notifications/cancelled`). `notifications/tools/list_changed` from the upstream empties the
/// tool cache and is passed on to observers.
public final class MCPUpstreamProvider: ToolProvider, FeatureForwarding {
    public let connector: any MCPUpstreamConnector
    let callTimeout: Duration
    let logger: Logger
    let changes = ListChangeBroadcaster()
    /// The connector's credentials, kept out of results and error messages.
    let scrubber: SecretScrubber

    private struct Supervisor {
        var link: (any MCPUpstreamLink)?
        var starting: LinkStart?
        var policy = RestartPolicy()
        var generation = 0
        var tools: [MCPTool]?
        var capabilities: JSONObject = [:]
    }

    private let supervisor = Mutex(Supervisor())

    public init(connector: any MCPUpstreamConnector, callTimeout: Duration = .seconds(60), logger: Logger) {
        self.connector = connector
        scrubber = SecretScrubber(secrets: connector.secrets)
        self.callTimeout = callTimeout
        self.logger = logger
    }

    /// A stdio MCP server's provider.
    public convenience init(
        command: StdioServerCommand, allowList: CommandAllowList, callTimeout: Duration = .seconds(60), maxLineBytes: Int = 16 << 20,
        owner: TaskOwner, logger: Logger
    ) {
        self.init(
            connector: StdioConnector(command: command, allowList: allowList, maxLineBytes: maxLineBytes, owner: owner, logger: logger), callTimeout: callTimeout,
            logger: logger
        )
    }

    /// Marks the error of a request the upstream never saw (its session had expired): it is sent
    /// again, once, on a new session.
    static let unprocessedKey = "toolgateUnprocessed"

    public func tools() async throws(GatewayError) -> [MCPTool] {
        if let cached = supervisor.withLock({ $0.tools }) { return cached }
        let listed: Result<[JSONValue], JSONRPCError>
        do {
            listed = try await allPages(of: "tools/list", key: "tools")
        } catch {
            listed = .failure(JSONRPCError(code: .internalError, message: error.message))
        }
        switch listed {
        case .failure(let error):
            throw GatewayError(.upstream, "tools/list failed: \(scrubber.scrub(error.message))")
        case .success(let items):
            let tools = items.compactMap { MCPTool(json: $0) }
            supervisor.withLock { $0.tools = tools }
            return tools
        }
    }

    /// One request on the running link, sent again on a new link when the first never reached the server.
    func request(
        _ method: String, params: JSONObject, progress: MCPProgressReporter? = nil, timeout: Duration? = nil
    ) async throws(GatewayError) -> Result<JSONValue, JSONRPCError> {
        var attempt = 0
        while true {
            attempt += 1
            let link = try await running()
            let result = await link.connection.request(method, params: params, progress: progress, timeout: timeout)
            if case .failure(let error) = result, error.data?[Self.unprocessedKey] == true, attempt < 2 {
                logger.info("remote MCP session expired; sending the request again on a new session", metadata: ["method": "\(method)"])
                continue
            }
            return result
        }
    }

    public func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        let params: JSONObject = ["name": .string(call.name), "arguments": .object(call.arguments)]
        let outcome: Result<JSONValue, JSONRPCError>
        do {
            outcome = try await bounded("tools/call", params: params, progress: call.progress)
        } catch {
            return .error("The MCP server is not available: \(scrubber.scrub(error.message))")
        }
        switch outcome {
        case .failure(let error) where error.data?[MCPClientConnection.timeoutKey] == true:
            return .error("The MCP server did not answer '\(call.name)' within \(callTimeout); the call was cancelled")
        case .failure(let error) where error.code == .invalidParams:
            // The same words as every other server's unknown tool (children phrase it their own way).
            if error.message.lowercased().hasPrefix("unknown tool") { throw GatewayError(.unknownTool, "Unknown tool: '\(call.name)'") }
            throw GatewayError(.unknownTool, scrubber.scrub(error.message))
        case .failure(let error):
            return .error("The MCP server failed '\(call.name)': \(scrubber.scrub(error.message))")
        case .success(let result):
            return MCPToolResult(json: scrubber.scrub(result))
        }
    }

    /// A request bounded by `callTimeout` (when it runs out the upstream is told to cancel); throws
    /// when the upstream cannot be reached at all.
    func bounded(
        _ method: String, params: JSONObject, progress: MCPProgressReporter? = nil
    ) async throws(GatewayError) -> Result<JSONValue, JSONRPCError> {
        try await request(method, params: params, progress: progress, timeout: callTimeout)
    }

    public func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation? {
        changes.observe(observer)
    }

    /// How often the link was opened again after the first time (a stdio child restarted, a
    /// remote session reopened), for metrics.
    public var restarts: Int { supervisor.withLock { max(0, $0.generation - 1) } }

    /// The running link, opening it (or waiting for it to open) when needed.
    func running() async throws(GatewayError) -> any MCPUpstreamLink {
        let now = ContinuousClock.now
        enum Step {
            case ready(any MCPUpstreamLink)
            case waitFor(LinkStart)
            case refused(GatewayError)
        }
        let name = connector.name
        let step = supervisor.withLock { state -> Step in
            if let link = state.link { return .ready(link) }
            if let starting = state.starting { return .waitFor(starting) }
            let wait = state.policy.wait(now: now)
            if wait > .zero {
                return .refused(GatewayError(.upstream, "the MCP server '\(name)' stopped; it is tried again in \(wait)"))
            }
            state.generation += 1
            let generation = state.generation
            let start = LinkStart()
            state.starting = start
            connector.owner.start {
                do throws(GatewayError) {
                    start.settle(.success(try await self.start(generation: generation)))
                } catch {
                    start.settle(.failure(error))
                }
            }
            return .waitFor(start)
        }
        switch step {
        case .ready(let link): return link
        case .refused(let error): throw error
        case .waitFor(let start): return try await start.outcome()
        }
    }

    private func start(generation: Int) async throws(GatewayError) -> any MCPUpstreamLink {
        do throws(GatewayError) {
            let link = try await connector.connect(
                onNotification: { [weak self] method, params in await self?.notified(method, params: params, generation: generation) },
                onClose: { [weak self] reason in self?.closed(generation: generation, reason: reason) }
            )
            supervisor.withLock { $0.policy.started(now: .now) }
            let initialize: JSONObject = [
                "protocolVersion": .string(MCPProtocolVersion.latest.rawValue), "capabilities": [:],
                "clientInfo": ["name": "toolgate", "version": .string(GatewayVersion.current)],
            ]
            let result: JSONValue
            switch await link.connection.request("initialize", params: initialize) {
            case .failure(let error):
                await link.terminate()
                throw GatewayError(.upstream, "the MCP server '\(connector.name)' failed to initialize: \(error.message)")
            case .success(let value): result = value
            }
            let version = result["protocolVersion"]?.stringValue ?? ""
            guard MCPProtocolVersion.supported.contains(MCPProtocolVersion(rawValue: version)) else {
                await link.terminate()
                throw GatewayError(.upstream, "the MCP server '\(connector.name)' chose protocol version '\(version)', which the gateway does not speak")
            }
            await link.negotiated(version)
            await link.connection.notify("notifications/initialized")
            logger.info("MCP server connected", metadata: ["server": "\(connector.name)", "link": "\(link.label)", "version": "\(version)"])
            supervisor.withLock { state in
                state.link = link
                state.starting = nil
                state.tools = nil
                state.capabilities = result["capabilities"]?.objectValue ?? [:]
            }
            return link
        } catch {
            supervisor.withLock { state in
                state.starting = nil
                _ = state.policy.exited(now: .now)
            }
            throw error
        }
    }

    private func notified(_ method: String, params: JSONValue?, generation: Int) async {
        guard let change = ListChange(notification: method) else {
            logger.debug("upstream notification", metadata: ["server": "\(connector.name)", "method": "\(method)"])
            return
        }
        let current = supervisor.withLock { state -> Bool in
            guard state.generation == generation else { return false }
            if change == .tools { state.tools = nil }
            return true
        }
        if current {
            logger.info("MCP server's list changed", metadata: ["server": "\(connector.name)", "list": "\(change.rawValue)"])
            await changes.changed(change)
        }
    }

    private func closed(generation: Int, reason: String) {
        let delay = supervisor.withLock { state -> Duration? in
            guard state.generation == generation, state.link != nil else { return nil }
            state.link = nil
            return state.policy.exited(now: .now)
        }
        if let delay {
            logger.warning("MCP server stopped", metadata: ["server": "\(connector.name)", "reason": "\(reason)", "retry_in_ms": "\(delay.milliseconds)"])
        }
    }

    /// The upstream's capabilities from its `initialize` answer (empty before the first connection).
    public var upstreamCapabilities: JSONObject { supervisor.withLock { $0.capabilities } }

    /// Closes the link (at shutdown, or when the session that owns the provider ends).
    public func shutdown() async {
        let link = supervisor.withLock { state -> (any MCPUpstreamLink)? in
            state.generation += 1
            defer { state.link = nil }
            return state.link
        }
        await link?.terminate()
    }
}
