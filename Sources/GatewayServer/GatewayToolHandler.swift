import GatewayCore
import GatewayPolicy
import Logging
import MCPCore
import Synchronization

/// Serves one virtual server's tools to an MCP session: every `tools/call` runs through the
/// policy chain and then the provider. Transports know only `MCPServerHandler`; providers know
/// only `ToolProvider`; this is where the two meet.
public struct GatewayToolHandler: MCPServerHandler {
    public let server: String
    public let transport: String
    let provider: any ToolProvider
    let policies: ToolPolicyChain
    let identity: Identity
    let discovery: ToolDiscovery
    let searchIndex = SearchIndexCache()
    let toolListObservation = ObservationSlot()
    let callerHeaders: [(name: String, value: String)]
    /// Whether the provider belongs to this session alone (a per-session child) and ends with it.
    let ownsProvider: Bool

    /// `callerHeaders` are the HTTP caller's headers when a call brings none of its own (upstreams
    /// see only allow-listed ones).
    public init(
        server: String, transport: String, provider: any ToolProvider, policies: ToolPolicyChain = ToolPolicyChain(),
        identity: Identity = .anonymous, discovery: ToolDiscovery = ToolDiscovery(mode: .off),
        callerHeaders: [(name: String, value: String)] = [], ownsProvider: Bool = false
    ) {
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

    private func providerTools() async throws(JSONRPCError) -> [MCPTool] {
        do {
            return try await provider.tools()
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
    public func forward(method: String, params: JSONValue?) async throws(JSONRPCError) -> JSONValue? {
        guard let forwarding = provider as? any FeatureForwarding else { return nil }
        let answer: Result<JSONValue, JSONRPCError>?
        do {
            answer = try await forwarding.forward(method, params: params?.objectValue ?? [:])
        } catch {
            throw error.jsonRPCError
        }
        return try answer?.get()
    }

    public func sessionEnded() async {
        toolListObservation.hold(nil)
        if ownsProvider { await provider.shutdown() }
    }

    /// Runs a real tool through the policy chain and the provider.
    func run(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult {
        let context = CallContext(
            identity: identity, server: server, transport: transport, requestID: call.requestID,
            protocolVersion: call.protocolVersion, callerHeaders: call.transportHeaders.isEmpty ? callerHeaders : call.transportHeaders
        )
        let toolCall = ToolCall(name: call.name, arguments: call.arguments, progress: call.progress)
        let provider = self.provider
        do {
            return try await policies.run(toolCall, context: context) { (call, context) async throws(GatewayError) -> MCPToolResult in
                try await provider.call(call, context: context)
            }
        } catch {
            throw error.jsonRPCError
        }
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
