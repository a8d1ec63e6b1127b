import Foundation
import MCPCore

/// Everything the policy chain knows about one call, whatever its kind (tool call, resource read,
/// prompt get, list request, model call), passed by value down the chain.
///
/// Policies read it and may hand an amended copy to `next` (a resolved identity, a verdict for
/// the audit record). Nothing here is a string-keyed bag: each fact has its own field.
public struct CallContext: Sendable {
    /// Who is calling.
    public var identity: Identity
    /// What the call is addressed to: its kind, the virtual server or model group, and the name.
    public var target: CallTarget
    /// The credentials the transport saw, set explicitly (nil: read from `callerHeaders` when
    /// asked, so a call that no authentication policy looks at pays nothing for them).
    private var explicitCredentials: CallerCredentials?
    /// The transport it came in on (`stdio`, `http`...).
    public var transport: String
    /// The request id (the JSON-RPC id of an MCP request), for correlation in logs and audit.
    public var requestID: JSONRPCID?
    /// The caller's network address (`ip:port`), when the transport has one.
    public var clientAddress: String?
    /// The negotiated MCP revision of the caller's session (MCP calls only).
    public var protocolVersion: MCPProtocolVersion?
    /// When the gateway received the call (monotonic, for latency).
    public var receivedAt: ContinuousClock.Instant
    /// When the gateway received the call (wall clock, for the audit record).
    public var receivedAtDate: Date
    /// The caller's request headers (HTTP transports). Upstreams never see them unless the
    /// configuration allow-lists a header by name.
    public var callerHeaders: [(name: String, value: String)]
    /// What each policy decided, in the order they ran (for audit and metrics).
    public var verdicts: [PolicyVerdict]
    /// Where verdicts also go, so a policy outside others (audit) sees what the inner ones decided
    /// (the context travels inward by value; this log is shared).
    public var verdictLog: VerdictLog?
    /// Where the provider adds the time it waited on the upstream (set by the metrics policy).
    public var upstreamTimer: UpstreamTimer?
    /// The W3C trace context of the call's span (`traceparent`, `tracestate`), set by the tracing
    /// policy and added to the call's upstream requests. Carried here rather than in a task-local
    /// value: binding one costs an executor hop per call on the gateway's event loops.
    public var traceHeaders: [(name: String, value: String)] = []

    public init(
        identity: Identity = .anonymous, target: CallTarget, credentials: CallerCredentials? = nil, transport: String,
        requestID: JSONRPCID? = nil, clientAddress: String? = nil, protocolVersion: MCPProtocolVersion? = nil,
        receivedAt: ContinuousClock.Instant = .now, callerHeaders: [(name: String, value: String)] = []
    ) {
        self.identity = identity
        self.target = target
        self.explicitCredentials = credentials
        self.transport = transport
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.protocolVersion = protocolVersion
        self.receivedAt = receivedAt
        self.receivedAtDate = Date()
        self.callerHeaders = callerHeaders
        self.verdicts = []
    }

    /// A tool call's context on `server` (the target's name is filled in by whoever knows the tool).
    public init(
        identity: Identity = .anonymous, server: String, transport: String, requestID: JSONRPCID? = nil,
        protocolVersion: MCPProtocolVersion = .latest, receivedAt: ContinuousClock.Instant = .now,
        callerHeaders: [(name: String, value: String)] = []
    ) {
        self.init(
            identity: identity, target: CallTarget(kind: .toolCall, scope: server, name: ""), transport: transport, requestID: requestID,
            protocolVersion: protocolVersion, receivedAt: receivedAt, callerHeaders: callerHeaders
        )
    }

    /// The credentials the transport saw (never logged; only authentication reads them):
    /// `Authorization: Bearer` and `x-api-key` of the caller's headers unless set explicitly.
    public var credentials: CallerCredentials {
        get { explicitCredentials ?? CallerCredentials(headers: callerHeaders) }
        set { explicitCredentials = newValue }
    }

    /// The virtual server an MCP call is addressed to (empty for model calls).
    public var server: String {
        get { target.kind.isModelCall ? "" : target.scope }
        set { target.scope = newValue }
    }

    /// The shared verdict log, installed on first use: a policy outside others reads what they decided from it.
    public mutating func sharedVerdictLog() -> VerdictLog {
        if let verdictLog { return verdictLog }
        let log = VerdictLog()
        verdictLog = log
        return log
    }

    /// Records a policy's decision.
    public mutating func record(_ verdict: PolicyVerdict) {
        verdicts.append(verdict)
        verdictLog?.append(verdict)
    }
}
