/// One `tools/call` as the engine hands it to its handler.
public struct MCPToolCall: Sendable {
    /// The request id (with its JSON type) of the `tools/call`.
    public var requestID: JSONRPCID
    public var name: String
    /// The `arguments` object (empty when the client sent none).
    public var arguments: JSONObject
    /// The `_meta` object of the request, passed through untouched.
    public var meta: JSONValue?
    /// The negotiated revision of the calling session.
    public var protocolVersion: MCPProtocolVersion
    /// Reports progress when the client asked for it (`_meta.progressToken`).
    public var progress: MCPProgressReporter?
    /// The carrying HTTP request's headers (empty on stdio), for header passthrough per call.
    public var transportHeaders: [(name: String, value: String)]

    public init(
        requestID: JSONRPCID, name: String, arguments: JSONObject, meta: JSONValue? = nil,
        protocolVersion: MCPProtocolVersion = .latest, progress: MCPProgressReporter? = nil,
        transportHeaders: [(name: String, value: String)] = []
    ) {
        self.transportHeaders = transportHeaders
        self.requestID = requestID
        self.name = name
        self.arguments = arguments
        self.meta = meta
        self.protocolVersion = protocolVersion
        self.progress = progress
    }
}

/// What a server session asks of the thing behind it (the gateway's catalog, or a test double).
public protocol MCPServerHandler: Sendable {
    /// All tools, in a stable order; the engine pages them.
    func listTools() async throws(JSONRPCError) -> [MCPTool]
    /// Runs a tool. Throw -32602 for an unknown tool; return `isError` results for execution failures.
    func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult
    /// The client finished the handshake (`notifications/initialized`): from now on the handler
    /// may send it notifications of its own (`notifications/tools/list_changed`) through `notify`.
    func sessionStarted(notify: @escaping @Sendable (JSONRPCMessage) async -> Void) async
    /// The session this handler served has ended (deleted, expired, disconnected, or a stateless request answered).
    func sessionEnded() async
    /// Answers a resources or prompts request (one of `MCPServerSession.forwardedMethods`) by
    /// passing it on; nil leaves it to the engine (empty lists, not found).
    func forward(method: String, params: JSONValue?) async throws(JSONRPCError) -> JSONValue?
}

extension MCPServerHandler {
    public func sessionStarted(notify: @escaping @Sendable (JSONRPCMessage) async -> Void) async {}
    public func sessionEnded() async {}
    public func forward(method: String, params: JSONValue?) async throws(JSONRPCError) -> JSONValue? { nil }
}
