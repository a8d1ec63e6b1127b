import Foundation
import MCPCore
import Synchronization

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
        id: String? = nil, time: Date, consumer: String, kind: CallKind, target: String, status: String,
        toolError: Bool = false, transport: String, requestID: String? = nil, clientAddress: String? = nil, latencyMilliseconds: Double,
        verdicts: [PolicyVerdict] = []
    ) {
        self.id = id ?? Self.newID(at: time)
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

extension AuditRecord {
    /// A UUIDv7 (RFC 9562): the time in milliseconds, then 74 bits that differ for every id this
    /// process makes. Ids made later sort later, so the store's unique index on them grows at its
    /// end (one page per batch) instead of touching a random page for every record.
    public static func newID(at time: Date = Date()) -> String {
        // Random bits drawn once per process, then a counter spread over them (a Weyl sequence:
        // distinct for the first 2^62 ids): no `getrandom` system call per id, which the audit
        // trail makes for every call. Ids are not secrets (they correlate logs and records).
        let count = idCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        // 48 bits of time, the version, 12 random bits; the variant, 62 bits.
        let high = milliseconds << 16 | 0x7000 | idSeed.high & 0x0FFF
        let low = 0x8000_0000_0000_0000 | (idSeed.low &+ count &* 0x9E37_79B9_7F4A_7C15) & 0x3FFF_FFFF_FFFF_FFFF
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Hex.uuid($0) }
    }
}

/// The random bits every audit id of this process starts from.
private let idSeed: (high: UInt64, low: UInt64) = {
    var random: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &random) { arc4random_buf($0.baseAddress!, $0.count) }
    return random
}()

/// How many audit ids this process has made.
private let idCounter = Atomic<UInt64>(0)
