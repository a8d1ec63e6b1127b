import Foundation
import MCPCore

/// What the audit trail keeps of one answered call, of any kind: who, what, when, how it ended,
/// what each policy decided, and (when so configured, redacted) what was asked and answered.
public struct AuditRecord: Sendable, Hashable {
    /// A unique id (also the correlation id in logs).
    public var id: String
    public var time: Date
    /// The consumer's name (`anonymous` when nobody authenticated).
    public var consumer: String
    public var kind: CallKind
    /// `<server>/<tool>` (or the resource, prompt, list method) for MCP calls; the model group for model calls.
    public var target: String
    /// `ok`, or the `GatewayError` code the call ended with (`denied`, `rate_limited`, `upstream`...).
    public var status: String
    /// Whether a tool's result was `isError` (the call itself succeeded).
    public var toolError: Bool
    public var transport: String
    public var requestID: String?
    public var clientAddress: String?
    /// Whole call, from arrival to the answer (or the stream's end).
    public var latencyMilliseconds: Double
    /// Model calls: the instance that answered, the attempts made, time to first token, usage.
    public var instance: String?
    public var attempts: Int?
    public var timeToFirstTokenMilliseconds: Double?
    public var usage: TokenUsage?
    public var verdicts: [PolicyVerdict]
    /// The arguments or messages, redacted (nil unless payloads are kept).
    public var request: String?
    /// The answer's text, redacted (nil unless payloads are kept).
    public var response: String?
    /// The error's client-safe message.
    public var message: String?

    public init(
        id: String = UUID().uuidString.lowercased(), time: Date, consumer: String, kind: CallKind, target: String, status: String,
        toolError: Bool = false, transport: String, requestID: String? = nil, clientAddress: String? = nil, latencyMilliseconds: Double,
        verdicts: [PolicyVerdict] = []
    ) {
        self.id = id
        self.time = time
        self.consumer = consumer
        self.kind = kind
        self.target = target
        self.status = status
        self.toolError = toolError
        self.transport = transport
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.latencyMilliseconds = latencyMilliseconds
        self.verdicts = verdicts
    }
}
