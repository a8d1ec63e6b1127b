import GatewayCore
import GatewayPolicy
import Logging
import MCPCore
import Synchronization

/// Serves one virtual server to an MCP session: every `tools/call`, `tools/list`, resource read,
/// prompt get and forwarded list runs through the policy chain and then the provider. Transports
/// know only `MCPServerHandler`; providers know only `ToolProvider`; this is where the two meet.
/// (A server whose provider forwards no resources or prompts leaves those methods to the engine's
/// empty answers, without the chain: nothing upstream is reached.)
public struct GatewayToolHandler: MCPServerHandler {
    public let server: String
    public let transport: String
    let provider: any ToolProvider
    let policies: PolicyChain
    let identity: Identity
    let discovery: ToolDiscovery
    let searchIndex = SearchIndexCache()
    let toolListObservation = ObservationSlot()
    let callerHeaders: [(name: String, value: String)]
    /// The session's client address (`ip:port`), when the transport has one.
    let clientAddress: String?
    /// Whether the provider belongs to this session alone (a per-session child) and ends with it.
    let ownsProvider: Bool

    /// `callerHeaders` are the HTTP caller's headers when a call brings none of its own (upstreams
    /// see only allow-listed ones).
    public init(
        server: String, transport: String, provider: any ToolProvider, policies: PolicyChain = PolicyChain(),
        identity: Identity = .anonymous, discovery: ToolDiscovery = ToolDiscovery(mode: .off),
        callerHeaders: [(name: String, value: String)] = [], clientAddress: String? = nil, ownsProvider: Bool = false
    ) {
        self.clientAddress = clientAddress
        self.ownsProvider = ownsProvider
        self.callerHeaders = callerHeaders
        self.server = server
        self.transport = transport
        self.provider = provider
        self.policies = policies
        self.identity = identity
        self.discovery = discovery
    }

    public func listTools() async throws(JSONRPCError) -> [MCPTool] {
        let tools = try await providerTools()
        if discovery.applies(toolCount: tools.count) {
            return ToolDiscovery.metaTools(serverName: server, toolCount: tools.count)
        }
        return tools
    }

    /// The provider's tools, through the policy chain (a grants policy filters them).
    private func providerTools() async throws(JSONRPCError) -> [MCPTool] {
        let provider = self.provider
        do throws(GatewayError) {
            let listed = try await policies.run(ListRequest(method: "tools/list"), context: context(named: "tools/list", kind: .list)) {
                (_, _) async throws(GatewayError) -> ListResult in .tools(try await provider.tools())
            }
            guard case .tools(let tools) = listed else { throw GatewayError(.internal, "tools/list answered with another list") }
            return tools
        } catch {
            throw error.jsonRPCError
        }
    }

    public func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult {
        if discovery.mode != .off, [ToolDiscovery.searchName, ToolDiscovery.describeName, ToolDiscovery.callName].contains(call.name) {
            let tools = try await providerTools()
            if discovery.applies(toolCount: tools.count) {
                return try await discover(call, tools: tools)
            }
        }
        return try await run(call)
    }

    /// Tells the client when the provider's tools, resources or prompts change (an upstream's
    /// `list_changed` notifications).
    public func sessionStarted(notify: @escaping @Sendable (JSONRPCMessage) async -> Void) async {
        let searchIndex = self.searchIndex
        let observation = provider.observeListChanges { change in
            if change == .tools { searchIndex.reset() }
            await notify(.notification(method: change.notification, params: nil))
        }
        toolListObservation.hold(observation)
    }

    /// Resources and prompts of an upstream MCP server (or of an aggregate's servers).
    /// Each runs through the policy chain as a resource read, a prompt get or a list request.
    public func forward(method: String, params: JSONValue?) async throws(JSONRPCError) -> JSONValue? {
        guard let forwarding = provider as? any FeatureForwarding, forwarding.forwardsFeatures else { return nil }
        let params = params?.objectValue ?? [:]
        do throws(GatewayError) {
            switch method {
            case "resources/read":
                let uri = params["uri"]?.stringValue ?? ""
                return try await policies.run(ResourceRead(uri: uri, params: params), context: context(named: uri, kind: .resourceRead)) {
                    (read, context) async throws(GatewayError) -> JSONValue in try await Self.answer(forwarding, method, read.params, timer: context.upstreamTimer)
                }
            case "prompts/get":
                let name = params["name"]?.stringValue ?? ""
                return try await policies.run(PromptGet(name: name, params: params), context: context(named: name, kind: .promptGet)) {
                    (get, context) async throws(GatewayError) -> JSONValue in try await Self.answer(forwarding, method, get.params, timer: context.upstreamTimer)
                }
            default:
                let listed = try await policies.run(ListRequest(method: method, params: params), context: context(named: method, kind: .list)) {
                    (list, _) async throws(GatewayError) -> ListResult in .forwarded(try await Self.answer(forwarding, list.method, list.params))
                }
                guard case .forwarded(let answer) = listed else { throw GatewayError(.internal, "\(method) answered with the tool list") }
                return answer
            }
        } catch where error.code == .notOffered {
            return nil
        } catch {
            throw error.jsonRPCError
        }
    }

    /// The upstream's answer; its JSON-RPC error passed on as is; `notOffered` when no upstream
    /// has the feature.
    static func answer(
        _ forwarding: any FeatureForwarding, _ method: String, _ params: JSONObject, timer: UpstreamTimer? = nil
    ) async throws(GatewayError) -> JSONValue {
        let started = ContinuousClock.now
        let forwarded = try await forwarding.forward(method, params: params)
        timer?.add(started.duration(to: .now))
        switch forwarded {
        case .success(let answer)?: return answer
        case .failure(let error)?: throw .passedOn(error)
        case nil: throw GatewayError(.notOffered, "no upstream offers \(method)")
        }
    }

    public func sessionEnded() async {
        toolListObservation.hold(nil)
        if ownsProvider { await provider.shutdown() }
    }

    /// Runs a real tool through the policy chain and the provider.
    func run(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult {
        var context = context(named: call.name, headers: call.transportHeaders)
        context.requestID = call.requestID
        context.protocolVersion = call.protocolVersion
        let toolCall = ToolCall(name: call.name, arguments: call.arguments, progress: call.progress)
        let provider = self.provider
        do {
            return try await policies.run(toolCall, context: context) { (call, context) async throws(GatewayError) -> MCPToolResult in
                guard let timer = context.upstreamTimer else { return try await provider.call(call, context: context) }
                return try await timer.measure { () async throws(GatewayError) -> MCPToolResult in try await provider.call(call, context: context) }
            }
        } catch {
            throw error.jsonRPCError
        }
    }
}

extension GatewayToolHandler {
    /// The context of a call of `kind` to this server naming `name`; `headers` are the call's own
    /// (empty: the session's).
    func context(named name: String, kind: CallKind = .toolCall, headers: [(name: String, value: String)] = []) -> CallContext {
        CallContext(
            identity: RequestIdentity.current ?? identity, target: CallTarget(kind: kind, scope: server, name: name), transport: transport,
            clientAddress: clientAddress,
            callerHeaders: headers.isEmpty ? callerHeaders : headers
        )
    }
}

/// The discovery search index, built on first use and rebuilt after the tools change.
final class SearchIndexCache: Sendable {
    private let index = Mutex<ToolSearchIndex?>(nil)

    func reset() { index.withLock { $0 = nil } }

    func index(for tools: [MCPTool]) -> ToolSearchIndex {
        index.withLock { cached in
            if let cached { return cached }
            let built = ToolSearchIndex(tools: tools)
            cached = built
            return built
        }
    }
}

/// The session's tool-list observation; replacing it cancels the one before.
final class ObservationSlot: Sendable {
    private let current = Mutex<ListChangeObservation?>(nil)

    func hold(_ observation: ListChangeObservation?) {
        let previous = current.withLock { current in
            defer { current = observation }
            return current
        }
        previous?.cancel()
    }
}
