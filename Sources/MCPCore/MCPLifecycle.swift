/// The session lifecycle as a pure state machine: which requests are admitted, and what
/// `initialize` negotiates. The owner (a session) performs the I/O.
public struct MCPLifecycle: Sendable {
    public enum State: Sendable, Equatable {
        /// Nothing but `initialize` and `ping` yet.
        case awaitingInitialize
        /// `initialize` answered; `notifications/initialized` not yet seen.
        case initializing(MCPProtocolVersion)
        /// Fully operational.
        case ready(MCPProtocolVersion)
    }

    public private(set) var state: State = .awaitingInitialize
    public private(set) var clientInfo: MCPImplementation?
    public private(set) var clientCapabilities: JSONValue = .object([:])

    public init() {}

    /// The negotiated revision once `initialize` has been answered.
    public var version: MCPProtocolVersion? {
        switch state {
        case .awaitingInitialize: return nil
        case .initializing(let version), .ready(let version): return version
        }
    }

    /// Handles `initialize`: negotiates the revision or refuses a second handshake.
    public mutating func initialize(params: JSONValue?) -> Result<MCPProtocolVersion, JSONRPCError> {
        guard state == .awaitingInitialize else {
            return .failure(.invalidRequest("Invalid Request: the session is already initialized"))
        }
        guard let params, params.objectValue != nil else {
            return .failure(.invalidParams("Invalid params: initialize needs an object with 'protocolVersion'"))
        }
        guard let requested = params["protocolVersion"]?.stringValue else {
            return .failure(.invalidParams("Invalid params: 'protocolVersion' must be a string"))
        }
        let version = MCPProtocolVersion.negotiate(requested: requested)
        clientInfo = MCPImplementation(params["clientInfo"])
        clientCapabilities = params["capabilities"] ?? .object([:])
        state = .initializing(version)
        return .success(version)
    }

    /// Handles `notifications/initialized`; true when it completed the handshake (the first time).
    @discardableResult
    public mutating func initialized() -> Bool {
        guard case .initializing(let version) = state else { return false }
        state = .ready(version)
        return true
    }

    /// Whether a request for `method` may run now; the error to answer with when not.
    ///
    /// Before `initialize` only `ping` runs; every other request (the Python client's
    /// `server/discover` probe among them) gets an immediate -32601 so the client can fall back.
    public func admit(method: String) -> JSONRPCError? {
        if method == "initialize" || method == "ping" { return nil }
        if case .awaitingInitialize = state {
            return .methodNotFound("Method not found: '\(method)' is not available before initialize")
        }
        return nil
    }
}
